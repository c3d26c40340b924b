import ChapSecrets
import PPPCore
import PPPPackets
import Testing

/// A scripted peer that drives one LinkSession by hand: what a hostile or strict peer can
/// send, and what the session must (not) do in answer.
struct ScriptedPeer {
    var session: LinkSession
    var now = Instant.zero
    var sent: [(UInt16, [UInt8])] = []
    var actions: [LinkAction] = []

    init(_ configuration: LinkConfiguration, secrets: any SecretLookup = LinkFixtures.secrets) {
        session = LinkSession(configuration: configuration, secrets: secrets, random: SeededRandom(seed: 7),
                              magicNumbers: .seeded(SeededRandom(seed: 8)))
    }

    @discardableResult
    mutating func apply(_ new: [LinkAction]) -> [LinkAction] {
        actions += new
        for case .send(let p, let info) in new { sent.append((p, info)) }
        return new
    }

    @discardableResult
    mutating func receive(_ proto: UInt16, _ info: [UInt8]) -> [LinkAction] {
        apply(session.receive(protocolNumber: proto, information: info, now: now))
    }

    /// The session's latest packet of `proto` with `code`.
    func last(_ proto: UInt16, code: UInt8) -> ControlPacket? {
        sent.last { $0.0 == proto && $0.1.first == code }.flatMap { try? ControlPacket(parsing: $0.1) }
    }

    /// Opens (or, on an open link, renegotiates) LCP: sends our ConfReq (magic only), then
    /// acknowledges the session's latest ConfReq.
    mutating func openLCP(identifier: UInt8, magic: UInt32) {
        receive(0xc021, ControlPacket(code: 1, identifier: identifier, data: LCPOption.magicNumber(magic).raw.bytes).bytes)
        guard let request = last(0xc021, code: 1) else { Issue.record("no LCP ConfReq from the session"); return }
        receive(0xc021, ControlPacket(code: 2, identifier: request.identifier, data: request.data).bytes)
    }

    var sentIPCP: Int { sent.filter { $0.0 == 0x8021 }.count }
}

extension [LinkAction] {
    var sends: [(UInt16, [UInt8])] { compactMap { if case .send(let p, let i) = $0 { (p, i) } else { nil } } }
}

@Suite struct HostilePeerRulesTests {
    /// Brings the server session to the network phase by answering its Challenge correctly.
    func authenticated() -> ScriptedPeer {
        var peer = ScriptedPeer(LinkFixtures.server(refuseSelf: true))
        peer.apply(peer.session.lowerUp(now: peer.now))
        peer.openLCP(identifier: 1, magic: 0x1111_2222)
        answerChallenge(&peer)
        return peer
    }

    func answerChallenge(_ peer: inout ScriptedPeer) {
        guard let challenge = peer.sent.last(where: { $0.0 == 0xc223 && $0.1.first == 1 }),
              case .challenge(let id, let value, _) = try? CHAPPacket(parsing: challenge.1) else {
            Issue.record("no Challenge")
            return
        }
        let response = CHAPMD5Digest().makeResponse(identifier: id, secret: Secret("s3cret-alice"), challenge: value)
        peer.receive(0xc223, CHAPPacket.response(identifier: id, value: response, name: Array("alice".utf8)).bytes)
    }

    // Defect 1: LCP renegotiation must not carry authentication over.
    @Test func lcpRenegotiationRequiresAFreshAuthentication() {
        var peer = authenticated()
        #expect(peer.session.phase == .network)
        #expect(peer.sentIPCP == 1)
        #expect(peer.actions.contains(.authUp(peerName: "alice")))
        // The peer renegotiates LCP and never answers the new Challenge.
        peer.sent = []
        peer.actions = []
        peer.openLCP(identifier: 2, magic: 0x3333_4444)
        #expect(peer.actions.contains(.authDown(peerName: "alice")))
        #expect(peer.session.phase == .authenticate)
        #expect(peer.sent.filter { $0.0 == 0xc223 && $0.1.first == 1 }.count == 1)  // a new Challenge
        #expect(peer.sentIPCP == 0)
        #expect(!peer.actions.contains(.phase(.network)))
        #expect(!peer.actions.contains { if case .ipUp = $0 { true } else { false } })
        // Answering it brings the network phase back.
        answerChallenge(&peer)
        #expect(peer.session.phase == .network)
        #expect(peer.sentIPCP == 1)
    }

    @Test func unansweredChallengeAfterRenegotiationEndsTheLink() {
        var peer = authenticated()
        peer.openLCP(identifier: 2, magic: 0x3333_4444)
        var status: Int32?
        for second in 1...120 where status == nil {
            peer.now = .seconds(Double(second))
            for case .finished(let s) in peer.apply(peer.session.timeout(now: peer.now)) { status = s }
        }
        #expect(status == ExitStatus.peerAuthFailed)
    }

    // Defect 2: before the network phase only LCP, authentication and LQR get through.
    @Test(arguments: [UInt16(0x8057), 0xc02b, 0x80fd, 0x8021, 0x1234])
    func otherProtocolsAreSilentlyDiscardedWhileAuthenticating(proto: UInt16) {
        var peer = ScriptedPeer(LinkFixtures.server(refuseSelf: true))
        peer.apply(peer.session.lowerUp(now: peer.now))
        peer.openLCP(identifier: 1, magic: 0x1111_2222)
        #expect(peer.session.phase == .authenticate)
        let before = peer.session.counters.discarded
        let reply = peer.receive(proto, [1, 1, 0, 4])
        #expect(reply.sends.isEmpty)
        #expect(peer.session.counters.discarded == before + 1)
        #expect(peer.session.counters.protocolRejects == 0)
    }

    @Test func papWhileAuthenticatingIsProtocolRejectedAsPppdDoes() {
        var peer = ScriptedPeer(LinkFixtures.server(refuseSelf: true))
        peer.apply(peer.session.lowerUp(now: peer.now))
        peer.openLCP(identifier: 1, magic: 0x1111_2222)
        let reply = peer.receive(0xc023, [1, 1, 0, 4])
        #expect(reply.sends.count == 1)
        #expect(reply.sends.first.map { $0.0 == 0xc021 && $0.1[0] == 8 && Array($0.1[4..<6]) == [0xc0, 0x23] } == true)
    }

    // Defect 3 (session half; the framing half is in PPPFramingTests): an invalid protocol
    // number is an unrecognized protocol: Protocol-Reject in the network phase.
    @Test func invalidProtocolNumberIsRejectedInTheNetworkPhase() {
        var peer = authenticated()
        let reply = peer.receive(0x1234, [0xde, 0xad])
        #expect(reply.sends.count == 1)
        #expect(reply.sends.first.map { $0.0 == 0xc021 && $0.1[0] == 8 && Array($0.1[4...]) == [0x12, 0x34, 0xde, 0xad] } == true)
        #expect(peer.session.counters.protocolRejects == 1)
    }

    // Defect 4.
    @Test func magicNumberZeroIsNakd() {
        var m = makeLCP()
        _ = m.open(now: .zero)
        _ = m.up(now: .zero)
        let reply = m.receive(.lcp(.configureRequest, 9, unhex("050600000000")), now: .zero).negSent
        #expect(reply.count == 1)
        #expect(reply.first?.code == ControlCode.configureNak.rawValue)
        #expect(reply.first.map { Array($0.data.prefix(2)) == [5, 6] && Array($0.data.dropFirst(2)) != [0, 0, 0, 0] } == true)
    }

    // Defect 6: Naks with ever-different magic numbers are a peer, not a loop.
    @Test func differentMagicNaksNeverDeclareALoop() {
        var m = makeLCP()
        _ = m.open(now: .zero)
        _ = m.up(now: .zero)
        var all: [NegotiationAction] = []
        // Max-Failure (5) + Max-Configure (10) Naks in a row are still negotiation.
        for n in 1...15 as ClosedRange<UInt32> {
            let magic = 0x0100_0000 &* n &+ 0x77
            all += m.receive(.lcp(.configureNak, m.requestIdentifier, LCPOption.magicNumber(magic).raw.bytes), now: .zero)
        }
        #expect(!all.contains(.loopbackDetected))
        #expect(!all.negLogs.contains("Serial line is looped back."))
        #expect(m.state == .requestSent)
        #expect(all.negSent.filter { $0.code == 1 }.count == 15)
    }

    // A peer that Naks every request for ever (a fresh magic number each time, which is never
    // given up on) would keep the link negotiating for ever: one Nak past Max-Failure +
    // Max-Configure ends it.
    @Test func naksForeverEndNegotiation() {
        var m = makeLCP()
        _ = m.open(now: .zero)
        _ = m.up(now: .zero)
        for n in 1...15 as ClosedRange<UInt32> {
            _ = m.receive(.lcp(.configureNak, m.requestIdentifier, LCPOption.magicNumber(0x0100_0000 &* n &+ 0x77).raw.bytes), now: .zero)
        }
        let last = m.receive(.lcp(.configureNak, m.requestIdentifier, LCPOption.magicNumber(0x4242_4242).raw.bytes), now: .zero)
        #expect(last.negLogs == ["LCP: peer Nak'd 16 Config-Requests in a row; giving up"])
        #expect(last.negSent.map(\.code) == [5])
        #expect(last.negSent.first.map { String(decoding: $0.data, as: UTF8.self) } == "Negotiation not converging")
        #expect(m.state == .closing)
    }

    @Test func aRealLoopIsStillDetected() {
        var m = makeLCP()
        _ = m.open(now: .zero)
        var pending = m.up(now: .zero).negSent
        var all: [NegotiationAction] = []
        // Every packet we send comes straight back (a looped-back line).
        while let packet = pending.first, all.count < 1000, !all.contains(.loopbackDetected) {
            pending.removeFirst()
            let actions = m.receive(packet, now: .zero)
            all += actions
            pending += actions.negSent
        }
        #expect(all.contains(.loopbackDetected))
        #expect(all.negLogs.contains("Serial line is looped back."))
    }

    // Defect 7: an address we asked for and never got agreed closes IPCP, as pppd does.
    @Test func ipcpRefusesToComeUpOnAnAddressThePeerNeverAgreed() {
        var alice = LinkFixtures.alice()
        alice.ipcp?.localAddress = 0x0a01_0009   // "10.1.0.9:", no ipcp-accept-local
        var pair = LinkPair(a: LinkFixtures.server(), b: alice, secrets: LinkFixtures.secrets)
        pair.run(until: .seconds(120))
        #expect(pair.logB.contains("Peer refused to agree to our IP address"), "\(pair.logB)")
        #expect(!pair.actionsB.contains { if case .ipUp = $0 { true } else { false } })
        #expect(!pair.logB.contains { $0.hasPrefix("local  IP address") })
        #expect(pair.actionsB.contains {
            if case .send(0x8021, let info) = $0 { info.first == 5 && info.suffix(22) == Array("Refused our IP address".utf8)[...] } else { false }
        })
    }

    // Also: a duplicate ConfAck is logged for what it is.
    @Test func duplicateConfAckIsNamedADuplicate() {
        var m = makeLCP()
        _ = m.open(now: .zero)
        let request = m.up(now: .zero).negSent[0]
        _ = m.receive(.lcp(.configureAck, request.identifier, request.data), now: .zero)
        let again = m.receive(.lcp(.configureAck, request.identifier, request.data), now: .zero)
        #expect(again.negLogs == ["LCP: discarded duplicate ConfAck id=\(request.identifier): this request was already answered"])
        #expect(m.counters.discardedDuplicateReply == 1)
    }
}

@Suite struct TimerTableTests {
    enum Kind: Int, CaseIterable, Sendable { case first, second, third, fourth }

    @Test func coincidingDeadlinesFireInDeclarationOrder() {
        var table = TimerTable<Kind>()
        table[.fourth] = .seconds(5)
        table[.second] = .seconds(5)
        table[.third] = .seconds(6)
        table[.first] = .seconds(5)
        #expect(table.due(at: .seconds(5)) == [.first, .second, .fourth])
        #expect(table.due(at: .seconds(6)) == [.first, .second, .third, .fourth])
        #expect(table.next == .seconds(5))
        table[.first] = nil
        table[.second] = nil
        table[.fourth] = nil
        #expect(table.next == .seconds(6))
        #expect(table.due(at: .seconds(5)) == [])
    }
}
