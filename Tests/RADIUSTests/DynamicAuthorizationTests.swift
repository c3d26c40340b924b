import ChapSecrets
import RADIUS
import Testing

@Suite("RFC 5176 Disconnect listener")
struct DynamicAuthorizationTests {
    static let client = RADIUSServerAddress(host: "127.0.0.1", port: 40000)
    static let secret = Secret("daesecret")

    static func request(secret: Secret = secret, ma: Bool = false, code: RADIUSCode = .disconnectRequest) -> [UInt8] {
        try! RADIUSSigning.hashedRequest(RADIUSPacket(code: code, identifier: 33, attributes: [.text(.acctSessionId, "S7"), .text(.userName, "alice")]),
                                         secret: secret, messageAuthenticator: ma)
    }

    @Test func verifiedRequestThenAckIsSigned() {
        var l = RADIUSDynamicAuthorizationListener(clients: ["127.0.0.1": Self.secret])
        let bytes = Self.request()
        guard case .disconnect(let r) = l.receive(bytes, from: Self.client) else { Issue.record("not verified"); return }
        #expect(r.acctSessionId == "S7")
        #expect(r.userName == Array("alice".utf8))
        let ack = l.answer(r, .ack)
        #expect(ack[0] == RADIUSCode.disconnectACK.rawValue && ack[1] == 33)
        #expect(RADIUSSigning.verifyResponseAuthenticator(ack, requestAuthenticator: Array(bytes[4..<20]), secret: Self.secret))
    }

    @Test func nakCarriesErrorCause503() throws {
        var l = RADIUSDynamicAuthorizationListener(clients: ["127.0.0.1": Self.secret])
        let bytes = Self.request(ma: true)
        guard case .disconnect(let r) = l.receive(bytes, from: Self.client) else { Issue.record("not verified"); return }
        let nak = l.answer(r, .nak(.sessionContextNotFound))
        let p = try RADIUSPacket.decode(nak)
        #expect(p.code == .disconnectNAK)
        #expect(p.first(.errorCause)?.integerValue == 503)
        #expect(RADIUSSigning.checkMessageAuthenticator(nak, basis: .requestAuthenticator(Array(bytes[4..<20])), secret: Self.secret) == .valid)
    }

    @Test func wrongSecretIsDroppedAndCounted() {
        var l = RADIUSDynamicAuthorizationListener(clients: ["127.0.0.1": Self.secret])
        #expect(l.receive(Self.request(secret: Secret("nope")), from: Self.client) == .dropped(.badRequestAuthenticator))
        #expect(l.dropped == [.badRequestAuthenticator: 1])
    }

    @Test func unknownClientIsDropped() {
        var l = RADIUSDynamicAuthorizationListener(clients: ["127.0.0.1": Self.secret])
        #expect(l.receive(Self.request(), from: RADIUSServerAddress(host: "127.0.0.2", port: 1)) == .dropped(.unknownClient))
    }

    @Test func coaRequestGetsCoaNak405() throws {
        var l = RADIUSDynamicAuthorizationListener(clients: ["127.0.0.1": Self.secret])
        guard case .reply(let bytes, let to) = l.receive(Self.request(code: .coaRequest), from: Self.client) else { Issue.record("no reply"); return }
        #expect(to == Self.client)
        let p = try RADIUSPacket.decode(bytes)
        #expect(p.code == .coaNAK)
        #expect(p.first(.errorCause)?.integerValue == 405)
    }
}
