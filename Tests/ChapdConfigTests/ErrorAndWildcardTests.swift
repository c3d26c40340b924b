import Testing
import SharedVectors
@testable import ChapdConfig

@Suite struct ErrorWordingTests {
    @Test func unrecognizedOptionLikePppd() {
        let e = parseError(["foo"])
        #expect(e?.kind == .unrecognized)
        #expect(e?.description == "unrecognized option 'foo'")
        #expect(e?.source == .commandLine)
        #expect(e?.exitStatus == 2)
    }

    @Test(arguments: ["require-pap", "require-mschap", "require-mschap-v2", "require-eap",
                      "deflate", "bsdcomp", "require-mppe", "demand", "idle", "maxconnect",
                      "replacedefaultroute", "proxyarp", "ktune", "defaultroute6", "ipx", "pap-timeout",
                      "eap-timeout", "multilink"])
    func unsupportedOptionsHaveTheirOwnWording(_ word: String) {
        let e = parseError([word, "arg"])
        #expect(e?.kind == .unsupported)
        #expect(e?.message.hasPrefix("chapd does not support option '\(word)'") == true)
        #expect(e?.description.contains("unrecognized") == false)
        #expect(e?.exitStatus == 2)
    }

    @Test func unsupportedInAFileCarriesFileAndLine() {
        let e = parseError(["call", "x"], files: ["/etc/ppp/peers/x": "auth\nrequire-pap\n"])
        #expect(e?.description
                == "In file /etc/ppp/peers/x:2: chapd does not support option 'require-pap': it authenticates with CHAP MD5 only")
    }

    @Test func unsupportedWithMissingArgumentStillSaysUnsupported() {
        #expect(parseError(["idle"])?.kind == .unsupported)
    }

    @Test func accountsRefusePapAsHarmless() {
        #expect(parseError(["refuse-pap", "nodefaultroute", "noipv6", "noccp"]) == nil)
    }

    @Test func firstErrorStopsParsing() {
        #expect(parseError(["bogus", "require-pap"])?.kind == .unrecognized)
    }
}

@Suite struct WildcardTests {
    @Test func devicePaths() throws {
        #expect(try parse(["/dev/ttyS0"]).device == "/dev/ttyS0")
        #expect(try parse(["ttyUSB0"], devices: ["/dev/ttyUSB0"]).device == "/dev/ttyUSB0")
        #expect(try parse(["/tmp/vtty"], devices: ["/tmp/vtty"]).device == "/tmp/vtty")
        #expect(parseError(["ttyNOPE"])?.description == "unrecognized option 'ttyNOPE'")
        #expect(parseError(["/tmp/plainfile"])?.kind == .unrecognized)
        #expect(parseError(["/dev/"])?.kind == .unrecognized)
    }

    @Test func laterDeviceReplacesEarlier() throws {
        #expect(try parse(["/dev/ttyS0", "/dev/ttyS1"]).device == "/dev/ttyS1")
    }

    @Test func speed() throws {
        #expect(try parse(["115200"]).speed == 115200)
        #expect(try parse(["/dev/ttyS0", "38400"]).speed == 38400)
        #expect(try parse(["0019200"]).speed == 19200)  // decimal, as pppd's atoi
        #expect(parseError(["99999999999999999999"])?.kind == .invalidValue)
    }

    @Test func addressPairs() throws {
        let both = try parse(["10.0.0.1:10.0.0.2"])
        #expect(both.localAddress == DottedQuad(10, 0, 0, 1) && both.remoteAddress == DottedQuad(10, 0, 0, 2))
        let local = try parse(["10.0.0.1:"])
        #expect(local.localAddress == DottedQuad(10, 0, 0, 1) && local.remoteAddress == nil)
        let remote = try parse([":192.168.1.9"])
        #expect(remote.localAddress == nil && remote.remoteAddress == DottedQuad(192, 168, 1, 9))
        let neither = try parse([":"])
        #expect(neither.localAddress == nil && neither.remoteAddress == nil)
        let merged = try parse(["10.0.0.1:10.0.0.2", ":10.0.0.3"])
        #expect(merged.localAddress == DottedQuad(10, 0, 0, 1) && merged.remoteAddress == DottedQuad(10, 0, 0, 3))
    }

    @Test(arguments: ["10.0.0:1.2.3.4", "256.0.0.1:", ":1.2.3.4.5", "a.b.c.d:", "10.0.0.1:host",
                      "127.0.0.1:", ":224.0.0.1", ":240.0.0.1", "010.0.0.1:", " 1.2.3.4:", "1..2.3:",
                      "1.2.3.4::5.6.7.8", "+1.2.3.4:"])
    func badAddressesAreErrors(_ word: String) {
        let e = parseError([word])
        #expect(e?.kind == .invalidValue, "\(word)")
        #expect(e?.message.hasPrefix("bad ") == true, "\(word)")
    }

    @Test func badAddressMessageNamesTheSide() {
        #expect(parseError(["300.1.1.1:1.1.1.1"])?.message == "bad local IP address '300.1.1.1'")
        #expect(parseError(["1.1.1.1:127.0.0.2"])?.message == "bad remote IP address '127.0.0.2'")
    }

    @Test func dottedQuad() {
        #expect(DottedQuad(parsing: "0.0.0.0")?.value == 0)
        #expect(DottedQuad(parsing: "255.255.255.255")?.value == 0xffff_ffff)
        #expect(DottedQuad(parsing: "10.1.0.2")?.octets == [10, 1, 0, 2])
        #expect(DottedQuad(parsing: "10.1.0.2")?.description == "10.1.0.2")
        #expect(DottedQuad(parsing: "1.2.3") == nil)
        #expect(DottedQuad(parsing: "1.2.3.-4") == nil)
        #expect(DottedQuad(parsing: "１.2.3.4") == nil)  // non-ASCII digit
    }
}

@Suite struct CallDirectionTests {
    @Test func chapCallinRequiresAuthOnlyOnIncomingCalls() throws {
        #expect(try parse("chap-callin").requirePeerAuth)
        #expect(try parse("chap-callin callin").requirePeerAuth)
        #expect(try !parse("chap-callin callout").requirePeerAuth)
        #expect(try !parse("auth chap-callin callout").requirePeerAuth)
    }

    @Test func authWithoutCallinAppliesBothWays() throws {
        #expect(try parse("auth callout").requirePeerAuth)
        #expect(try parse("require-chap callin").requirePeerAuth)
        #expect(try !parse("callout").requirePeerAuth)
        #expect(try !parse("noauth").requirePeerAuth)
    }

    @Test func refuseChapCallinRefusesOnlyOnIncomingCalls() throws {
        let inbound = try parse("auth refuse-chap-callin")
        #expect(!inbound.canAuthenticateSelf && inbound.requirePeerAuth)
        #expect(try parse("refuse-chap-callin callout").canAuthenticateSelf)
        #expect(try !parse("refuse-chap callout").canAuthenticateSelf)
        #expect(try parse("callout").canAuthenticateSelf)
    }
}

@Suite struct VectorOptionTests {
    /// Every options line of the recorded pppd sessions (/work/shared/vectors/*/options.txt).
    static let lines = [
        "name server remotename alice auth require-chap chap-interval 3 local noipv6 10.1.0.1:10.1.0.2 nodefaultroute",
        "name alice user alice remotename server noauth local noipv6 nodefaultroute noipdefault",
        "name server remotename alice auth require-chap local noip noipv6",
        "name alice user alice remotename server noauth refuse-chap local noip noipv6",
        "name server user server remotename alice auth require-chap 10.0.0.1:10.0.0.2 local noipv6 nodefaultroute",
        "10.0.0.2:10.0.0.1 name alice user alice remotename server auth require-chap local nodefaultroute noipv6",
        "name alice user alice password wrong-secret remotename server noauth local noip noipv6",
    ]

    @Test(arguments: lines)
    func vectorLineParses(_ line: String) throws {
        let o = try parse(line)
        #expect(!o.modem)
        #expect(o.name == "server" || o.name == "alice")
    }

    @Test func rechallengeAuthenticatorValues() throws {
        let o = try parse(Self.lines[0])
        #expect(o.effectiveName == "server" && o.remoteName == "alice" && o.requirePeerAuth)
        #expect(o.chapInterval == 3)
        #expect(o.localAddress == DottedQuad(10, 1, 0, 1) && o.remoteAddress == DottedQuad(10, 1, 0, 2))
    }

    @Test func wrongSecretClientValues() throws {
        let o = try parse(Self.lines[6])
        #expect(o.password?.value == "wrong-secret" && o.effectiveUser == "alice" && !o.ipEnabled)
        #expect(!o.requirePeerAuth && o.canAuthenticateSelf)
    }

    @Test func recordedOptionsFilesParseWhenPresent() throws {
        // The real files, read through the system context, when the vectors are on this machine.
        for dir in ["rechallenge", "refuse-chap", "two-way", "wrong-secret"] {
            guard case .contents(let bytes) = SystemFiles.readContents("\(SharedVectors.root)/\(dir)/options.txt")
            else {
                Issue.record("missing \(SharedVectors.root)/\(dir)/options.txt")
                continue
            }
            for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
                let parts = line.split(separator: ":", maxSplits: 1)
                guard parts.count == 2, parts[0].hasSuffix("options") else { continue }
                _ = try parse(parts[1].split(separator: " ").map(String.init))
            }
        }
    }
}
