import FreeRADIUSSupport
import ChapSecrets
import Crypto
import Foundation
import NIOCore
import NIOPosix
import RADIUS
import RADIUSTransport
import Testing

/// CHAP-MD5 (RFC 1994): MD5(id ‖ secret ‖ challenge).
func chapResponse(id: UInt8, secret: String, challenge: [UInt8]) -> [UInt8] {
    Array(Insecure.MD5.hash(data: [id] + Array(secret.utf8) + challenge))
}

func chapAccess(user: String, password: String, id: UInt8 = 7) -> RADIUSCHAPAccess {
    let challenge: [UInt8] = Array(0x30..<0x40)
    return RADIUSCHAPAccess(userName: Array(user.utf8), chapIdentifier: id, challenge: challenge,
                            response: chapResponse(id: id, secret: password, challenge: challenge),
                            nasPort: 3, nasPortType: .virtual, callingStationId: "192.0.2.44")
}

func configuration(auth: [Int], acct: [Int] = [], secret: String = FreeRADIUS.secret, timeout: Int = 1, retries: Int = 2,
                   requireMA: Bool = false) -> RADIUSClientConfiguration {
    RADIUSClientConfiguration(
        authServers: auth.map { RADIUSServer(address: RADIUSServerAddress(host: "127.0.0.1", port: UInt16($0)), secret: Secret(secret), requireMessageAuthenticator: requireMA) },
        acctServers: acct.map { RADIUSServer(address: RADIUSServerAddress(host: "127.0.0.1", port: UInt16($0)), secret: Secret(secret)) },
        timeout: .seconds(timeout), retries: retries, nasIdentifier: "chapd-test", nasIPAddress: 0x7F00_0001)
}

func withClient<T>(_ c: RADIUSClientConfiguration, _ body: (RADIUSClientTransport) throws -> T) throws -> T {
    let client = try RADIUSClientTransport.start(configuration: c, group: MultiThreadedEventLoopGroup.singleton).wait()
    defer { try? client.close().wait() }
    return try body(client)
}

@Suite("RADIUS client against a real FreeRADIUS", .serialized,
       .enabled(if: FreeRADIUS.executable != nil, "freeradius is not installed: the RADIUS client is NOT checked against FreeRADIUS (scripts/setup.sh --tests)"))
struct FreeRADIUSTests {
    @Test func acceptCarriesTheUsersFileAttributes() throws {
        let server = try FreeRADIUS()
        defer { server.remove() }
        let outcome = try withClient(configuration(auth: [server.authPort])) { try $0.authenticate(chapAccess(user: "alice", password: "alicepw")).wait() }
        guard case .accept(let reply) = outcome else { Issue.record("\(outcome)\n\(server.log)"); return }
        let grant = RADIUSAuthorization(reply)
        #expect(grant.framedIPAddress == .address(0x0A01_0203))
        #expect(grant.sessionTimeout == 5)
        #expect(grant.idleTimeout == 600)
        #expect(grant.acctInterimInterval == 60)
        #expect(grant.replyMessage == "Hello, alice")
        #expect(grant.classes == [Array("class-alice".utf8)])
        // FreeRADIUS saw every attribute chapd sends (its debug output lists the request).
        for line in ["User-Name = \"alice\"", "CHAP-Challenge = 0x303132333435363738393a3b3c3d3e3f", "Service-Type = Framed-User",
                     "Framed-Protocol = PPP", "NAS-Identifier = \"chapd-test\"", "NAS-IP-Address = 127.0.0.1", "NAS-Port = 3",
                     "NAS-Port-Type = Virtual", "Calling-Station-Id = \"192.0.2.44\"", "Message-Authenticator = 0x"] {
            #expect(server.log.contains(line), "\(line)")
        }
    }

    @Test func poolAddressIsReadAsFromPool() throws {
        let server = try FreeRADIUS()
        defer { server.remove() }
        let outcome = try withClient(configuration(auth: [server.authPort])) { try $0.authenticate(chapAccess(user: "bob", password: "bobpw")).wait() }
        guard case .accept(let reply) = outcome else { Issue.record("\(outcome)"); return }
        #expect(RADIUSAuthorization(reply).framedIPAddress == .fromPool)
    }

    @Test func wrongPasswordIsRejectedWithReplyMessage() throws {
        let server = try FreeRADIUS()
        defer { server.remove() }
        let outcome = try withClient(configuration(auth: [server.authPort])) { try $0.authenticate(chapAccess(user: "alice", password: "wrong")).wait() }
        guard case .reject(let reply) = outcome else { Issue.record("\(outcome)"); return }
        #expect(reply.replyMessage == "Access denied for alice")
    }

    @Test func wrongSharedSecretIsNeverBelieved() throws {
        let server = try FreeRADIUS()
        defer { server.remove() }
        // FreeRADIUS drops a request whose Message-Authenticator fails, so nothing comes back.
        let (outcome, stats) = try withClient(configuration(auth: [server.authPort], secret: "not-the-secret", retries: 1)) {
            (try $0.authenticate(chapAccess(user: "alice", password: "alicepw")).wait(), try $0.statistics().wait())
        }
        #expect(outcome == .timedOut(reason: "no reply to Access-Request from 127.0.0.1:\(server.authPort) (1 tries)"))
        #expect(stats.dropped == [:])
    }

    /// Debian bookworm's FreeRADIUS 3.2.1 predates the BlastRADIUS change (3.2.5): its replies
    /// carry no Message-Authenticator, so requiring one drops every reply from it.
    @Test func requiringMessageAuthenticatorDropsFreeRADIUS321Replies() throws {
        let server = try FreeRADIUS()
        defer { server.remove() }
        let (outcome, stats) = try withClient(configuration(auth: [server.authPort], retries: 2, requireMA: true)) {
            (try $0.authenticate(chapAccess(user: "alice", password: "alicepw")).wait(), try $0.statistics().wait())
        }
        #expect(outcome == .timedOut(reason: "no reply to Access-Request from 127.0.0.1:\(server.authPort) (2 tries)"))
        #expect(stats.dropped == [.missingMessageAuthenticator: 2])
    }

    @Test func accountingStartInterimStopReachTheDetailFile() throws {
        let server = try FreeRADIUS()
        defer { server.remove() }
        let base = RADIUSAccountingRecord(statusType: .start, sessionId: "chapd-0001", userName: Array("alice".utf8), nasPort: 3,
                                          nasPortType: .virtual, framedIPAddress: 0x0A01_0203, callingStationId: "192.0.2.44",
                                          classes: [Array("class-alice".utf8)])
        var interim = base
        interim.statusType = .interimUpdate
        interim.sessionTime = 60
        interim.inputOctets = 123_456
        interim.outputOctets = 654_321
        interim.inputPackets = 100
        interim.outputPackets = 200
        var stop = interim
        stop.statusType = .stop
        stop.sessionTime = 65
        stop.inputOctets = 0x2_0000_1000
        stop.outputOctets = 987_654
        stop.terminateCause = .sessionTimeout
        let outcomes = try withClient(configuration(auth: [server.authPort], acct: [server.acctPort])) { c in
            try [base, interim, stop].map { try c.account($0).wait() }
        }
        let answered = RADIUSOutcome.accountingResponse(RADIUSReply(server: RADIUSServerAddress(host: "127.0.0.1", port: UInt16(server.acctPort)), attributes: []))
        #expect(outcomes == [answered, answered, answered])
        let records = server.detail.components(separatedBy: "\n\n").filter { $0.contains("Acct-Status-Type") }
        #expect(records.count == 3)
        guard records.count == 3 else { Issue.record("\(server.detail)"); return }
        #expect(records[0].contains("Acct-Status-Type = Start"))
        #expect(records[0].contains("Acct-Session-Id = \"chapd-0001\""))
        #expect(records[0].contains("Class = 0x636c6173732d616c696365"))
        #expect(records[0].contains("Acct-Delay-Time = 0"))
        #expect(records[1].contains("Acct-Status-Type = Interim-Update"))
        #expect(records[1].contains("Acct-Input-Octets = 123456"))
        #expect(records[1].contains("Acct-Output-Octets = 654321"))
        #expect(records[1].contains("Acct-Session-Time = 60"))
        #expect(records[2].contains("Acct-Status-Type = Stop"))
        #expect(records[2].contains("Acct-Input-Octets = 4096"))
        #expect(records[2].contains("Acct-Input-Gigawords = 2"))
        #expect(records[2].contains("Acct-Output-Octets = 987654"))
        #expect(records[2].contains("Acct-Input-Packets = 100"))
        #expect(records[2].contains("Acct-Terminate-Cause = Session-Timeout"))
        #expect(records[2].contains("Acct-Session-Time = 65"))
    }

    @Test func failoverFromASilentPortToFreeRADIUS() throws {
        let server = try FreeRADIUS()
        defer { server.remove() }
        let silent = try FreeRADIUS.freePort()
        let started = Date()
        let (outcome, stats) = try withClient(configuration(auth: [silent, server.authPort], timeout: 1, retries: 2)) {
            (try $0.authenticate(chapAccess(user: "alice", password: "alicepw")).wait(), try $0.statistics().wait())
        }
        guard case .accept(let reply) = outcome else { Issue.record("\(outcome)"); return }
        #expect(reply.server.port == UInt16(server.authPort))
        #expect(stats.transmissions == 3)
        #expect(Date().timeIntervalSince(started) >= 2)
    }

    /// The operator's check: `chapctl radius test` with a pppd-style radiusclient.conf.
    @Test func chapctlRadiusTestExitsZeroOnlyOnAccept() throws {
        let chapctl = FreeRADIUS.packageRoot.appendingPathComponent(".build/debug/chapctl").path
        guard FileManager.default.isExecutableFile(atPath: chapctl) else { Issue.record("build chapctl first: \(chapctl)"); return }
        let server = try FreeRADIUS()
        defer { server.remove() }
        let d = server.directory
        try """
            authserver 127.0.0.1:\(server.authPort)
            acctserver 127.0.0.1:\(server.acctPort)
            servers \(d.path)/servers
            dictionary /etc/radiusclient/dictionary
            radius_timeout 2
            radius_retries 2
            nas-identifier chapd-1

            """.write(to: d.appendingPathComponent("radiusclient.conf"), atomically: true, encoding: .utf8)
        try "127.0.0.1 \(FreeRADIUS.secret)\n".write(to: d.appendingPathComponent("servers"), atomically: true, encoding: .utf8)
        try "alicepw\n".write(to: d.appendingPathComponent("good"), atomically: true, encoding: .utf8)
        try "wrong\n".write(to: d.appendingPathComponent("bad"), atomically: true, encoding: .utf8)
        let args = ["radius", "test", "--config", d.appendingPathComponent("radiusclient.conf").path, "--user", "alice", "--secret-file"]
        let (okStatus, ok) = try run(chapctl, args + [d.appendingPathComponent("good").path, "--acct"], input: "")
        #expect(okStatus == 0, "\(ok)")
        #expect(ok.contains("Access-Accept from 127.0.0.1:\(server.authPort)\nReply-Message: Hello, alice\n"), "\(ok)")
        #expect(ok.contains("    Framed-IP-Address = 10.1.2.3\n"), "\(ok)")
        #expect(ok.contains("Accounting-Response to Stop"), "\(ok)")
        #expect(ok.contains("radiusclient.conf:4: option 'dictionary' is ignored by chapd"), "\(ok)")
        #expect(!ok.contains(FreeRADIUS.secret))
        let (badStatus, bad) = try run(chapctl, args + [d.appendingPathComponent("bad").path], input: "")
        #expect(badStatus == 1, "\(bad)")
        #expect(bad.contains("Reply-Message: Access denied for alice"), "\(bad)")
        #expect(server.detail.contains("Acct-Terminate-Cause = User-Request"))
    }

    @Test func radclientDisconnectIsAckedForAKnownSessionAndNakedWith503Otherwise() throws {
        guard let radclient = FreeRADIUS.radclient else { Issue.record("radclient missing (freeradius-utils)"); return }
        let listener = try RADIUSDisconnectServer.start(host: "127.0.0.1", port: 0, clients: ["127.0.0.1": Secret("daesecret")],
                                                        group: MultiThreadedEventLoopGroup.singleton) { request, loop in
            loop.makeSucceededFuture(request.acctSessionId == "chapd-0001" ? .ack : .nak(.sessionContextNotFound))
        }.wait()
        defer { try? listener.close().wait() }
        let target = "127.0.0.1:\(listener.localPort!)"
        let (okStatus, ok) = try run(radclient, ["-x", "-r", "1", "-t", "3", target, "disconnect", "daesecret"],
                                     input: "Acct-Session-Id = \"chapd-0001\"\nUser-Name = \"alice\"\n")
        #expect(ok.contains("Received Disconnect-ACK"), "\(ok)")
        #expect(okStatus == 0)
        let (_, nak) = try run(radclient, ["-x", "-r", "1", "-t", "3", target, "disconnect", "daesecret"],
                               input: "Acct-Session-Id = \"nobody\"\n")
        #expect(nak.contains("Received Disconnect-NAK"), "\(nak)")
        #expect(nak.contains("Error-Cause = Session-Context-Not-Found"), "\(nak)")
        let (_, bad) = try run(radclient, ["-x", "-r", "1", "-t", "1", target, "disconnect", "wrongsecret"],
                               input: "Acct-Session-Id = \"chapd-0001\"\n")
        #expect(!bad.contains("Received Disconnect"), "\(bad)")
        #expect(try listener.dropped().wait() == [.badRequestAuthenticator: 1])
    }
}

/// A server on loopback (a UDP socket in the test) that answers every request with a reply
/// spoiled in one way: the client must ignore it and time out.
@Suite("RADIUS client ignores forged replies")
struct ForgedReplyTests {
    enum Spoil: Sendable { case responseAuthenticator, messageAuthenticator, noMessageAuthenticator }

    final class FakeServer: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        typealias OutboundOut = AddressedEnvelope<ByteBuffer>
        let spoil: Spoil
        init(spoil: Spoil) { self.spoil = spoil }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let env = unwrapInboundIn(data)
            let request = Array(env.data.readableBytesView)
            let secret = Secret(FreeRADIUS.secret)
            let accept = RADIUSPacket(code: .accessAccept, identifier: request[1], attributes: [.text(.replyMessage, "forged")])
            var bytes: [UInt8]
            switch spoil {
            case .responseAuthenticator:
                bytes = try! RADIUSSigning.response(accept, requestAuthenticator: Array(request[4..<20]), secret: Secret("guess"), messageAuthenticator: false)
            case .messageAuthenticator:
                // Right Response Authenticator over a wrong HMAC (keyed with another secret).
                let wrong = try! RADIUSSigning.response(accept, requestAuthenticator: Array(request[4..<20]), secret: Secret("guess"))
                var p = try! RADIUSPacket.decode(wrong)
                p.authenticator = Array(request[4..<20])
                var raw = try! p.encode()
                raw.replaceSubrange(4..<20, with: Array(Insecure.MD5.hash(data: raw + secret.bytes)))
                bytes = raw
            case .noMessageAuthenticator:
                bytes = try! RADIUSSigning.response(accept, requestAuthenticator: Array(request[4..<20]), secret: secret, messageAuthenticator: false)
            }
            var buf = context.channel.allocator.buffer(capacity: bytes.count)
            buf.writeBytes(bytes)
            context.writeAndFlush(wrapOutboundOut(AddressedEnvelope(remoteAddress: env.remoteAddress, data: buf)), promise: nil)
        }
    }

    func outcome(_ spoil: Spoil, requireMA: Bool) throws -> (RADIUSOutcome, RADIUSClientStatistics, Int) {
        let handler = FakeServer(spoil: spoil)
        let fake = try DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { $0.pipeline.addHandler(handler) }
            .bind(host: "127.0.0.1", port: 0).wait()
        defer { try? fake.close().wait() }
        let port = fake.localAddress!.port!
        let (o, s) = try withClient(configuration(auth: [port], timeout: 1, retries: 2, requireMA: requireMA)) {
            (try $0.authenticate(chapAccess(user: "alice", password: "alicepw")).wait(), try $0.statistics().wait())
        }
        return (o, s, port)
    }

    @Test func wrongResponseAuthenticatorIsIgnoredThenTimeout() throws {
        let (o, s, port) = try outcome(.responseAuthenticator, requireMA: false)
        #expect(o == .timedOut(reason: "no reply to Access-Request from 127.0.0.1:\(port) (2 tries)"))
        #expect(s.dropped == [.badResponseAuthenticator: 2])
    }

    @Test func wrongMessageAuthenticatorIsIgnoredThenTimeout() throws {
        let (o, s, port) = try outcome(.messageAuthenticator, requireMA: false)
        #expect(o == .timedOut(reason: "no reply to Access-Request from 127.0.0.1:\(port) (2 tries)"))
        #expect(s.dropped == [.badMessageAuthenticator: 2])
    }

    @Test func missingMessageAuthenticatorWhenRequiredIsIgnoredThenTimeout() throws {
        let (o, s, port) = try outcome(.noMessageAuthenticator, requireMA: true)
        #expect(o == .timedOut(reason: "no reply to Access-Request from 127.0.0.1:\(port) (2 tries)"))
        #expect(s.dropped == [.missingMessageAuthenticator: 2])
    }

    @Test func missingMessageAuthenticatorIsAcceptedByDefault() throws {
        let (o, _, port) = try outcome(.noMessageAuthenticator, requireMA: false)
        #expect(o == .accept(RADIUSReply(server: RADIUSServerAddress(host: "127.0.0.1", port: UInt16(port)), attributes: [.text(.replyMessage, "forged")])))
    }
}
