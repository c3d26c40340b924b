import Testing
import ChapSecrets
import PPPCapture
import PPPCore
import ISCSIChap
import ISCSICapture

/// Builds capture records by hand: IPv4/TCP segments between an initiator and a target.
struct SyntheticCapture {
    var linkType: Int32 = 1
    var records: [RawCaptureRecord] = []
    var seq: [Bool: UInt32] = [true: 1000, false: 5000]

    static let initiator: [UInt8] = [127, 0, 0, 1]
    static let target: [UInt8] = [127, 0, 0, 2]

    /// Appends one segment; `fromInitiator` picks the direction. `seqOffset` shifts the
    /// sequence number (for out-of-order or retransmitted segments) without advancing.
    /// SYN from each side: the reassembler learns where each stream starts.
    mutating func handshake() {
        segment([], fromInitiator: true, at: seq[true]! &- 1, syn: true)
        segment([], fromInitiator: false, at: seq[false]! &- 1, syn: true)
    }

    mutating func segment(_ payload: [UInt8], fromInitiator: Bool, at seqNumber: UInt32? = nil, syn: Bool = false) {
        let s = seqNumber ?? seq[fromInitiator]!
        if seqNumber == nil { seq[fromInitiator]! &+= UInt32(payload.count) }
        var tcp: [UInt8] = []
        let (sp, dp): (UInt16, UInt16) = fromInitiator ? (40000, 3260) : (3260, 40000)
        tcp += [UInt8(sp >> 8), UInt8(sp & 0xff), UInt8(dp >> 8), UInt8(dp & 0xff)]
        tcp += [UInt8(s >> 24), UInt8(s >> 16 & 0xff), UInt8(s >> 8 & 0xff), UInt8(s & 0xff)]
        tcp += [0, 0, 0, 0, 0x50, syn ? 0x02 : 0x18, 0xff, 0xff, 0, 0, 0, 0]
        tcp += payload
        let total = 20 + tcp.count
        var ip: [UInt8] = [0x45, 0, UInt8(total >> 8), UInt8(total & 0xff), 0, 0, 0x40, 0, 64, 6, 0, 0]
        ip += fromInitiator ? Self.initiator + Self.target : Self.target + Self.initiator
        let frame: [UInt8]
        switch linkType {
        case 113: frame = [0, fromInitiator ? 4 : 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00] + ip + tcp
        case 276: frame = [0x08, 0x00, 0, 0, 0, 0, 0, 1, 0, 1, fromInitiator ? 4 : 0, 6, 0, 0, 0, 0, 0, 0, 0, 0] + ip + tcp
        case 0: frame = [2, 0, 0, 0] + ip + tcp
        default: frame = [UInt8](repeating: 0, count: 12) + [0x08, 0x00] + ip + tcp
        }
        records.append(RawCaptureRecord(frameNumber: records.count + 1,
                                        timestamp: CaptureTimestamp(seconds: 1000, microseconds: Int32(records.count)),
                                        bytes: frame, isComplete: true))
    }

    var result: RawCaptureReader.Result {
        RawCaptureReader.Result(linkType: linkType, linkTypeName: "test", records: records, error: nil)
    }
}

/// A one-way login recorded from the in-memory machines, as PDUs per direction.
func recordedLogin(secret: Secret, split: Bool, linkType: Int32 = 1) throws -> SyntheticCapture {
    var initiator = try ISCSILoginInitiator(.init(initiatorName: "iqn.test:i", targetName: "iqn.test:t",
                                                  chap: .init(name: "alice", secret: secret)))
    var target = FakeTarget(chap: try ISCSIChapTarget(.init(algorithms: [.md5])), secrets: ["alice": alice])
    var cap = SyntheticCapture(linkType: linkType)
    cap.handshake()
    var random = SeededRandom(seed: 5)
    var outgoing = initiator.start()
    for _ in 0..<8 {
        let wire = outgoing.encoded()
        if split {
            // Second half first, then the first half, then the first half again (a retransmission).
            let half = wire.count / 2
            let base = cap.seq[true]!
            cap.segment(Array(wire[half...]), fromInitiator: true, at: base &+ UInt32(half))
            cap.segment(Array(wire[..<half]), fromInitiator: true, at: base)
            cap.segment(Array(wire[..<half]), fromInitiator: true, at: base)
            cap.seq[true]! &+= UInt32(wire.count)
        } else {
            cap.segment(wire, fromInitiator: true)
        }
        let reply = try target.answer(outgoing)
        cap.segment(reply.encoded(), fromInitiator: false)
        switch initiator.receive(reply, random: &random) {
        case .send(let p): outgoing = p
        case .loggedIn: outgoing = initiator.logout()
        default: return cap
        }
    }
    return cap
}

struct OneSecret: SecretLookup {
    var secret: Secret
    func lookup(client: [UInt8], server: [UInt8]) -> SecretMatch? {
        SecretMatch(client: client, server: server, secret: secret)
    }
}

@Suite struct CaptureAnalysisTests {
    @Test func loginPDUsAreReassembledAcrossOutOfOrderAndRepeatedSegments() throws {
        let cap = try recordedLogin(secret: alice, split: true)
        let a = try #require(ISCSICaptureAnalysis.analyze(cap.result))
        #expect(a.connections.count == 1)
        #expect(a.pdus.map(\.opcodeName) == ["Login Request", "Login Response", "Login Request", "Login Response",
                                             "Login Request", "Login Response", "Login Request", "Login Response",
                                             "Logout Request", "Logout Response"])
        #expect(a.pdus.allSatisfy { $0.problem == nil })
    }

    @Test func theExchangeIsFoundAndItsResponseIsValid() throws {
        let a = try #require(ISCSICaptureAnalysis.analyze(try recordedLogin(secret: alice, split: false).result))
        #expect(a.exchanges.count == 1)
        let e = a.exchanges[0]
        #expect(e.who == .targetChallengedInitiator)
        #expect(e.challengerName == "iqn.test:t")
        #expect(e.responderName == "alice")
        #expect(e.algorithm == .md5)
        #expect(e.outcome == "accepted by the target")
        #expect(CapturedCHAPVerdict.check(e, OneSecret(secret: alice)) == .valid)
        #expect(CapturedCHAPVerdict.check(e, OneSecret(secret: Secret("another-secret"))) == .wrongSecret)
    }

    @Test func aRefusedLoginShowsTheStatus() throws {
        let a = try #require(ISCSICaptureAnalysis.analyze(try recordedLogin(secret: Secret("wrong-secret-00"), split: false).result))
        #expect(a.exchanges.first?.outcome == "refused by the target: authentication failure (0x0201)")
    }

    @Test func linuxCookedCapturesAreRead() throws {
        let a = try #require(ISCSICaptureAnalysis.analyze(try recordedLogin(secret: alice, split: false, linkType: 113).result))
        #expect(a.exchanges.count == 1)
    }

    @Test func linuxCookedV2CapturesAreRead() throws {
        let a = try #require(ISCSICaptureAnalysis.analyze(try recordedLogin(secret: alice, split: false, linkType: 276).result))
        #expect(a.exchanges.count == 1)
    }

    @Test func bsdLoopbackCapturesAreRead() throws {
        let a = try #require(ISCSICaptureAnalysis.analyze(try recordedLogin(secret: alice, split: false, linkType: 0).result))
        #expect(a.exchanges.count == 1)
    }

    @Test func aCaptureWithoutTheISCSIPortIsNotISCSI() throws {
        var cap = SyntheticCapture()
        cap.segment([1, 2, 3], fromInitiator: true)
        #expect(ISCSICaptureAnalysis.analyze(cap.result, port: 3261) == nil)
    }

    @Test func aBrokenTextSegmentIsNamedNotTrapped() throws {
        var cap = SyntheticCapture()
        cap.handshake()
        let bad = ISCSIPDU(header: [0x43] + [UInt8](repeating: 0, count: 47), data: Array("CHAP_A\u{0}".utf8))
        cap.segment(bad.encoded(), fromInitiator: true)
        let a = try #require(ISCSICaptureAnalysis.analyze(cap.result))
        #expect(a.pdus.map(\.problem) == ["text entry without '=' (6 octets)"])
    }

    @Test func pppLinkTypesAreNotISCSI() {
        let raw = RawCaptureReader.Result(linkType: 204, linkTypeName: "PPP_WITH_DIR", records: [], error: nil)
        #expect(ISCSICaptureAnalysis.analyze(raw) == nil)
    }
}
