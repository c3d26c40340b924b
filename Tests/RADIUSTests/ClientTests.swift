import ChapSecrets
import RADIUS
import Testing

/// The client machine on a virtual clock.
@Suite("RADIUS client machine")
struct ClientTests {
    static let a = RADIUSServerAddress(host: "127.0.0.1", port: 1812)
    static let b = RADIUSServerAddress(host: "127.0.0.2", port: 1812)
    static let acct = RADIUSServerAddress(host: "127.0.0.1", port: 1813)
    static let secret = Secret("testing123")

    static func config(requireMA: Bool = false, retries: Int = 3, deadtime: Duration = .zero, maximumPending: Int = 1024) -> RADIUSClientConfiguration {
        RADIUSClientConfiguration(
            authServers: [RADIUSServer(address: a, secret: secret, requireMessageAuthenticator: requireMA),
                          RADIUSServer(address: b, secret: Secret("other"), requireMessageAuthenticator: requireMA)],
            acctServers: [RADIUSServer(address: acct, secret: secret)],
            timeout: .seconds(2), retries: retries, deadtime: deadtime, nasIdentifier: "nas", maximumPending: maximumPending)
    }

    static func client(_ c: RADIUSClientConfiguration = config()) -> RADIUSClient {
        RADIUSClient(configuration: c, randomAuthenticator: { [UInt8](repeating: 0x5A, count: 16) })
    }

    static let access = RADIUSCHAPAccess(userName: Array("alice".utf8), chapIdentifier: 1, challenge: Array(0..<16),
                                         response: [UInt8](repeating: 7, count: 16)).attributes(config())

    static func sends(_ actions: [RADIUSClientAction]) -> [([UInt8], RADIUSServerAddress)] {
        var out: [([UInt8], RADIUSServerAddress)] = []
        for case .send(let b, let to) in actions { out.append((b, to)) }
        return out
    }
    static func outcomes(_ actions: [RADIUSClientAction]) -> [RADIUSOutcome] {
        var out: [RADIUSOutcome] = []
        for case .complete(_, let o) in actions { out.append(o) }
        return out
    }

    /// A reply to `request` as a server with `secret` would sign it.
    static func reply(_ code: RADIUSCode, to request: [UInt8], secret: Secret = secret, attributes: [RADIUSAttribute] = [], messageAuthenticator: Bool = true) -> [UInt8] {
        let packet = RADIUSPacket(code: code, identifier: request[1], attributes: attributes)
        return try! RADIUSSigning.response(packet, requestAuthenticator: Array(request[4..<20]), secret: secret, messageAuthenticator: messageAuthenticator)
    }

    func submit(_ c: inout RADIUSClient, _ kind: RADIUSRequestKind = .access, _ attrs: [RADIUSAttribute] = ClientTests.access, now: RADIUSInstant = .zero) throws -> (RADIUSRequestHandle, [RADIUSClientAction]) {
        try c.submit(kind, attributes: attrs, now: now).get()
    }

    @Test func acceptIsVerifiedAndDelivered() throws {
        var c = Self.client()
        let (h, actions) = try submit(&c)
        let sent = Self.sends(actions)
        #expect(sent.count == 1 && sent[0].1 == Self.a)
        #expect(RADIUSSigning.checkMessageAuthenticator(sent[0].0, basis: .packetAsIs, secret: Self.secret) == .valid)
        let out = c.receive(Self.reply(.accessAccept, to: sent[0].0, attributes: [.text(.replyMessage, "welcome")]), from: Self.a, now: .seconds(0.1))
        #expect(out == [.complete(h, .accept(RADIUSReply(server: Self.a, attributes: [.text(.replyMessage, "welcome")])))])
        #expect(c.pendingCount == 0)
        #expect(c.nextDeadline == nil)
    }

    @Test func rejectCarriesReplyMessage() throws {
        var c = Self.client()
        let (_, actions) = try submit(&c)
        let out = Self.outcomes(c.receive(Self.reply(.accessReject, to: Self.sends(actions)[0].0, attributes: [.text(.replyMessage, "no")]), from: Self.a, now: .zero))
        guard case .reject(let r) = out.first else { Issue.record("\(out)"); return }
        #expect(r.replyMessage == "no")
    }

    @Test func wrongResponseAuthenticatorIsDroppedAndCounted() throws {
        var c = Self.client()
        let (_, actions) = try submit(&c)
        let forged = Self.reply(.accessAccept, to: Self.sends(actions)[0].0, secret: Secret("wrong"), messageAuthenticator: false)
        let out = c.receive(forged, from: Self.a, now: .zero)
        #expect(Self.outcomes(out).isEmpty)
        #expect(c.dropped == [.badResponseAuthenticator: 1])
        #expect(c.pendingCount == 1)
    }

    @Test func wrongMessageAuthenticatorIsDroppedAndCounted() throws {
        var c = Self.client()
        let (_, actions) = try submit(&c)
        var bytes = Self.reply(.accessAccept, to: Self.sends(actions)[0].0)
        // Corrupt the Message-Authenticator, then re-sign the Response Authenticator so only the HMAC is wrong.
        bytes[22] ^= 0xFF
        let request = Self.sends(actions)[0].0
        var forRA = bytes
        forRA.replaceSubrange(4..<20, with: request[4..<20])
        bytes.replaceSubrange(4..<20, with: md5(forRA + Self.secret.bytes))
        #expect(Self.outcomes(c.receive(bytes, from: Self.a, now: .zero)).isEmpty)
        #expect(c.dropped == [.badMessageAuthenticator: 1])
    }

    @Test func missingMessageAuthenticatorIsAcceptedByDefault() throws {
        var c = Self.client()
        let (h, actions) = try submit(&c)
        let out = c.receive(Self.reply(.accessAccept, to: Self.sends(actions)[0].0, messageAuthenticator: false), from: Self.a, now: .zero)
        #expect(out == [.complete(h, .accept(RADIUSReply(server: Self.a, attributes: [])))])
    }

    @Test func missingMessageAuthenticatorIsDroppedWhenRequired() throws {
        var c = Self.client(Self.config(requireMA: true))
        let (_, actions) = try submit(&c)
        #expect(Self.outcomes(c.receive(Self.reply(.accessAccept, to: Self.sends(actions)[0].0, messageAuthenticator: false), from: Self.a, now: .zero)).isEmpty)
        #expect(c.dropped == [.missingMessageAuthenticator: 1])
    }

    @Test func replyFromAnotherSourceIsDropped() throws {
        var c = Self.client()
        let (_, actions) = try submit(&c)
        let other = RADIUSServerAddress(host: "127.0.0.9", port: 1812)
        #expect(Self.outcomes(c.receive(Self.reply(.accessAccept, to: Self.sends(actions)[0].0), from: other, now: .zero)).isEmpty)
        #expect(c.dropped == [.unknownSource: 1])
    }

    @Test func accountingResponseToAccessIsUnexpected() throws {
        var c = Self.client()
        let (_, actions) = try submit(&c)
        #expect(Self.outcomes(c.receive(Self.reply(.accountingResponse, to: Self.sends(actions)[0].0), from: Self.a, now: .zero)).isEmpty)
        #expect(c.dropped == [.unexpectedCode: 1])
    }

    @Test func malformedDatagramIsDropped() throws {
        var c = Self.client()
        _ = try submit(&c)
        #expect(Self.outcomes(c.receive([2, 0, 0], from: Self.a, now: .zero)).isEmpty)
        #expect(c.dropped == [.malformed: 1])
    }

    @Test func accessRetransmitsSameBytesThenFailsOverThenTimesOut() throws {
        var c = Self.client(Self.config(retries: 2))
        let (h, first) = try submit(&c)
        let firstBytes = Self.sends(first)[0].0
        #expect(c.nextDeadline == .seconds(2))
        #expect(c.timerFired(now: .seconds(1.9)).isEmpty)
        let second = Self.sends(c.timerFired(now: .seconds(2)))
        #expect(second.count == 1 && second[0].0 == firstBytes && second[0].1 == Self.a)
        let third = Self.sends(c.timerFired(now: .seconds(4)))
        #expect(third.count == 1 && third[0].1 == Self.b)
        #expect(RADIUSSigning.checkMessageAuthenticator(third[0].0, basis: .packetAsIs, secret: Secret("other")) == .valid)
        _ = c.timerFired(now: .seconds(6))
        let end = c.timerFired(now: .seconds(8))
        #expect(Self.outcomes(end) == [.timedOut(reason: "no reply to Access-Request from 127.0.0.1:1812 (2 tries), 127.0.0.2:1812 (2 tries)")])
        #expect(c.pendingCount == 0)
        #expect(c.timeouts == 1)
        _ = h
    }

    @Test func secondServerAnswersAfterFirstIsSilent() throws {
        var c = Self.client(Self.config(retries: 1))
        let (h, _) = try submit(&c)
        let toB = Self.sends(c.timerFired(now: .seconds(2)))
        #expect(toB.map(\.1) == [Self.b])
        let out = c.receive(Self.reply(.accessAccept, to: toB[0].0, secret: Secret("other")), from: Self.b, now: .seconds(2.1))
        #expect(out == [.complete(h, .accept(RADIUSReply(server: Self.b, attributes: [])))])
    }

    @Test func deadServerIsPassedOverForDeadtimeThenTriedAgain() throws {
        var c = Self.client(Self.config(retries: 1, deadtime: .seconds(30)))
        _ = try submit(&c)
        let toB = Self.sends(c.timerFired(now: .seconds(2)))
        _ = c.receive(Self.reply(.accessAccept, to: toB[0].0, secret: Secret("other")), from: Self.b, now: .seconds(2.1))
        #expect(c.isDead(Self.a, now: .seconds(3)))
        let (_, during) = try submit(&c, now: .seconds(10))
        #expect(Self.sends(during).map(\.1) == [Self.b])
        let (_, after) = try submit(&c, now: .seconds(32))
        #expect(Self.sends(after).map(\.1) == [Self.a])
    }

    @Test func accountingRetransmissionHasNewIdentifierAndDelayTime() throws {
        let attrs = RADIUSAccountingRecord(statusType: .start, sessionId: "S1").attributes(Self.config())
        var c = Self.client()
        let (h, first) = try submit(&c, .accounting, attrs)
        let p1 = try RADIUSPacket.decode(Self.sends(first)[0].0)
        #expect(p1.first(.acctDelayTime)?.integerValue == 0)
        let again = Self.sends(c.timerFired(now: .seconds(2)))
        let p2 = try RADIUSPacket.decode(again[0].0)
        #expect(p2.first(.acctDelayTime)?.integerValue == 2)
        #expect(p2.identifier != p1.identifier)
        #expect(p2.authenticator != p1.authenticator)
        #expect(RADIUSSigning.verifyHashedRequest(again[0].0, secret: Self.secret))
        // A late answer to the first transmission no longer matches anything.
        #expect(Self.outcomes(c.receive(Self.reply(.accountingResponse, to: Self.sends(first)[0].0, messageAuthenticator: false), from: Self.acct, now: .seconds(2.5))).isEmpty)
        #expect(c.dropped == [.unknownIdentifier: 1])
        let out = c.receive(Self.reply(.accountingResponse, to: again[0].0, messageAuthenticator: false), from: Self.acct, now: .seconds(2.6))
        #expect(out == [.complete(h, .accountingResponse(RADIUSReply(server: Self.acct, attributes: [])))])
    }

    @Test func pendingRequestsAreBounded() throws {
        var c = Self.client(Self.config(maximumPending: 2))
        _ = try submit(&c)
        _ = try submit(&c)
        #expect(c.submit(.access, attributes: Self.access, now: .zero).map { $0.0 } == .failure(.tooManyPending(limit: 2)))
    }

    @Test func identifiersRunOutPerServerThenTheNextServerIsUsed() throws {
        var c = Self.client()
        var ids: Set<UInt8> = []
        for _ in 0..<256 {
            let (_, a) = try submit(&c)
            let s = Self.sends(a)[0]
            #expect(s.1 == Self.a)
            ids.insert(s.0[1])
        }
        #expect(ids.count == 256)
        let (_, a) = try submit(&c)
        #expect(Self.sends(a).map(\.1) == [Self.b])
    }

    @Test func cancelledRequestsLateReplyIsDropped() throws {
        var c = Self.client()
        let (h, a) = try submit(&c)
        c.cancel(h)
        #expect(Self.outcomes(c.receive(Self.reply(.accessAccept, to: Self.sends(a)[0].0), from: Self.a, now: .zero)).isEmpty)
        #expect(c.dropped == [.unknownIdentifier: 1])
    }

    @Test func noAccountingServerIsRefused() {
        var config = Self.config()
        config.acctServers = []
        var c = Self.client(config)
        #expect(c.submit(.accounting, attributes: [], now: .zero).map { $0.0 } == .failure(.noServers(.accounting)))
    }
}

import Crypto
func md5(_ b: [UInt8]) -> [UInt8] { Array(Insecure.MD5.hash(data: b)) }
