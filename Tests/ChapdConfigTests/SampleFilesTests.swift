import Testing
@testable import ChapdConfig

/// The sample etc/ppp files in the repository (used by the demo and README) parse as intended.
@Suite struct SampleFilesTests {
    static var optionsDir: String {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/ChapdConfigTests/SampleFilesTests.swift
        return parts.joined(separator: "/") + "/etc/ppp"
    }

    func parseSample(_ args: [String]) throws -> ChapdOptions {
        var context = OptionContext.system
        context.hostname = { "testhost" }
        context.environment = [:]
        return try OptionParser.parse(arguments: ["optionsdir", Self.optionsDir] + args, context: context)
    }

    @Test func systemOptionsFile() throws {
        let o = try parseSample([])
        #expect(o.asyncMap == 0 && o.lcpEchoInterval == 30 && o.lcpEchoFailure == 4)
        #expect(o.chapSecretsFile == Self.optionsDir + "/chap-secrets")
        #expect(o.warnings.isEmpty)
    }

    @Test func dialinServer() throws {
        let o = try parseSample(["call", "dialin-server"])
        #expect(o.callDirection == .callin && o.requirePeerAuth && o.canAuthenticateSelf)
        #expect(o.effectiveName == "server" && o.chapInterval == 300)
        #expect(o.localAddress == DottedQuad(10, 0, 0, 1) && o.remoteAddress == DottedQuad(10, 0, 0, 2))
        #expect(o.successMessage == "Welcome to server" && !o.modem && o.nodetach)
    }

    @Test func aliceCallsOut() throws {
        let o = try parseSample(["call", "alice"])
        #expect(o.callDirection == .callout && !o.requirePeerAuth && o.canAuthenticateSelf)
        #expect(o.effectiveUser == "alice" && o.remoteName == "server" && o.acceptLocal)
    }

    @Test func twoWayPeers() throws {
        let s = try parseSample(["call", "two-way-server"])
        let a = try parseSample(["call", "two-way-alice"])
        #expect(s.requirePeerAuth && s.canAuthenticateSelf && s.effectiveUser == "server")
        #expect(a.requirePeerAuth && a.canAuthenticateSelf && a.effectiveUser == "alice")
    }

    @Test func dialoutDialsWithChatAndPersists() throws {
        let o = try parseSample(["call", "dialout"])
        #expect(o.connectScript == "/usr/sbin/chat -v -f /etc/chatscripts/dialout -T 5551234")
        #expect(o.device == "/dev/ttyS0" && o.speed == 115200 && o.modem && o.lock)
        #expect(o.callDirection == .callout && !o.requirePeerAuth && o.effectiveUser == "alice")
        #expect(o.usePeerDNS && o.persist && o.effectiveHoldoff == 30 && o.maxfail == 10)
        #expect(o.warnings.isEmpty)
    }

    @Test func commandLineOverridesPeerFile() throws {
        let o = try parseSample(["call", "dialin-server", "chap-interval", "0"])
        #expect(o.chapInterval == 0)
    }
}
