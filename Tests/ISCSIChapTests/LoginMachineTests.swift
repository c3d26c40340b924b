import Testing
import ChapSecrets
import PPPCore
import ISCSIChap

/// An in-memory target built from `ISCSIChapTarget`, answering Login PDUs as tgtd does.
struct FakeTarget {
    var chap: ISCSIChapTarget
    var secrets: [String: Secret]
    var random = SeededRandom(seed: 7)
    var statSN: UInt32 = 100
    var step = 0
    /// Status sent instead of a challenge (e.g. tgt's answer to an unknown algorithm).
    var algorithmStatus: (UInt8, UInt8)?

    mutating func answer(_ pdu: ISCSIPDU) throws -> ISCSIPDU {
        if pdu.opcode == .logoutRequest {
            var h = [UInt8](repeating: 0, count: 48)
            h[0] = ISCSIPDU.Opcode.logoutResponse.rawValue
            h[1] = 0x80
            return ISCSIPDU(header: h)
        }
        let request = try ISCSILoginPDU(pdu)
        var keys: [ISCSITextPair] = []
        var transit = false
        var next: UInt8 = 0
        var status: (UInt8, UInt8) = (0, 0)
        switch step {
        case 0: keys = [ISCSITextPair("AuthMethod", "CHAP"), ISCSITextPair("TargetPortalGroupTag", "1")]
        case 1:
            if let s = algorithmStatus { status = s; break }
            keys = try chap.receiveAlgorithms(request.keys, random: &random).get()
        case 2:
            switch chap.receiveResponse(request.keys) {
            case .failure: status = (2, 1)
            case .success(let r):
                switch chap.verify(with: secrets[r.name]) {
                case .failure: status = (2, 1)
                case .success(let back): keys = back; transit = true; next = 1
                }
            }
        default:
            keys = [ISCSITextPair("HeaderDigest", "None"), ISCSITextPair("DataDigest", "None")]
            transit = true; next = 3
        }
        step += 1
        statSN += 1
        return ISCSILoginPDU(isResponse: true, transit: transit, currentStage: request.currentStage, nextStage: next,
                             isid: request.isid, tsih: transit && next == 3 ? 0x1234 : 0, initiatorTaskTag: request.initiatorTaskTag,
                             sequenceNumber: statSN, expectedSequenceNumber: request.sequenceNumber,
                             maxCommandSequenceNumber: request.sequenceNumber &+ 1,
                             statusClass: status.0, statusDetail: status.1, keys: keys).pdu
    }
}

/// Runs a login through the byte stream (one octet at a time) and returns the final step.
func runLogin(_ initiator: inout ISCSILoginInitiator, _ target: inout FakeTarget) throws -> ISCSILoginInitiator.Step {
    var random = SeededRandom(seed: 3)
    var decoder = ISCSIPDUDecoder()
    var outgoing = initiator.start()
    for _ in 0..<16 {
        let reply = try target.answer(outgoing).encoded()
        for b in reply { decoder.append([b]) }
        guard let pdu = try decoder.next() else { throw ISCSIChapFailure(.protocolViolation, "no PDU") }
        switch initiator.receive(pdu, random: &random) {
        case .send(let p): outgoing = p
        case .loggedIn: outgoing = initiator.logout()
        case .waiting: continue
        case let step: return step
        }
    }
    return .failed(.init(stage: .fullFeaturePhase, message: "too many rounds"))
}

@Suite struct LoginMachineTests {
    let config = ISCSILoginInitiator.Configuration(
        initiatorName: "iqn.2026-12.test:init", targetName: "iqn.2026-12.test:disk",
        chap: .init(name: "alice", secret: alice))

    @Test func oneWayLoginReachesFullFeatureAndLogsOut() throws {
        var i = try ISCSILoginInitiator(config)
        var t = FakeTarget(chap: try ISCSIChapTarget(.init(algorithms: [.md5])), secrets: ["alice": alice])
        #expect(try runLogin(&i, &t) == .loggedOut)
        #expect(i.report.algorithm == .md5)
        #expect(i.report.targetAcceptedUs == true)
        #expect(i.report.weVerifiedTarget == nil)
        #expect(i.report.tsih == 0x1234)
        #expect(i.report.loggedOut)
    }

    @Test func mutualLoginVerifiesTheTarget() throws {
        var c = config
        c.chap.mutual = .init(expectedTargetName: "tgt", targetSecret: targetSecret)
        var i = try ISCSILoginInitiator(c)
        var t = FakeTarget(chap: try ISCSIChapTarget(.init(algorithms: [.md5], outgoing: (name: "tgt", secret: targetSecret))), secrets: ["alice": alice])
        #expect(try runLogin(&i, &t) == .loggedOut)
        #expect(i.report.weVerifiedTarget == true)
        #expect(i.report.targetCHAPName == "tgt")
    }

    @Test func wrongSecretIsAuthenticationFailure0201() throws {
        var i = try ISCSILoginInitiator(config)
        var t = FakeTarget(chap: try ISCSIChapTarget(.init(algorithms: [.md5])), secrets: ["alice": Secret("another-secret!")])
        let step = try runLogin(&i, &t)
        #expect(step == .failed(.init(stage: .securityNegotiation, statusClass: 2, statusDetail: 1,
                                      message: "the target refused our CHAP response: authentication failure (0x0201)")))
        #expect(i.report.targetAcceptedUs == false)
    }

    @Test func mutualWithAWrongTargetSecretRefusesTheTarget() throws {
        var c = config
        c.chap.mutual = .init(expectedTargetName: nil, targetSecret: targetSecret)
        var i = try ISCSILoginInitiator(c)
        var t = FakeTarget(chap: try ISCSIChapTarget(.init(algorithms: [.md5], outgoing: (name: "tgt", secret: Secret("wrong-target-secret")))),
                           secrets: ["alice": alice])
        guard case .failed(let f) = try runLogin(&i, &t) else { Issue.record("login did not fail"); return }
        #expect(f.message == "the target's CHAP_R does not match the target secret: we refuse the target")
        #expect(i.report.targetAcceptedUs == true)
        #expect(i.report.weVerifiedTarget == false)
    }

    @Test func algorithmRefusedByStatus() throws {
        var c = config
        c.chap.algorithms = [.sha256]
        var i = try ISCSILoginInitiator(c)
        var t = FakeTarget(chap: try ISCSIChapTarget(.init(algorithms: [.md5])), secrets: [:], algorithmStatus: (2, 0))
        #expect(try runLogin(&i, &t) == .failed(.init(stage: .securityNegotiation, statusClass: 2, statusDetail: 0,
            message: "the target refused the CHAP algorithms offered (SHA-256 (7)): initiator error (0x0200)")))
    }

    @Test func targetWithoutCHAPIsNamed() throws {
        var i = try ISCSILoginInitiator(config)
        var random = SeededRandom(seed: 1)
        let first = try ISCSILoginPDU(i.start())
        let reply = ISCSILoginPDU(isResponse: true, transit: false, currentStage: 0, nextStage: 0, isid: first.isid,
                                  initiatorTaskTag: first.initiatorTaskTag, sequenceNumber: 1, expectedSequenceNumber: 1,
                                  keys: [ISCSITextPair("AuthMethod", "None")]).pdu
        #expect(i.receive(reply, random: &random) == .failed(.init(stage: .securityNegotiation,
            message: "the target answered AuthMethod=None: it is not set up for CHAP (add an incoming account to the target)")))
    }

    @Test func firstRequestCarriesTheSecurityKeys() throws {
        var i = try ISCSILoginInitiator(config)
        let first = try ISCSILoginPDU(i.start())
        #expect(first.keys == [ISCSITextPair("InitiatorName", "iqn.2026-12.test:init"), ISCSITextPair("SessionType", "Normal"),
                               ISCSITextPair("TargetName", "iqn.2026-12.test:disk"), ISCSITextPair("AuthMethod", "CHAP")])
        #expect(first.currentStage == 0)
        #expect(first.transit == false)
    }

    @Test func statusNames() {
        #expect(ISCSILoginStatus.describe(statusClass: 2, statusDetail: 1) == "authentication failure (0x0201)")
        #expect(ISCSILoginStatus.describe(statusClass: 2, statusDetail: 3) == "target not found (0x0203)")
        #expect(ISCSILoginStatus.describe(statusClass: 3, statusDetail: 1) == "service unavailable (0x0301)")
    }
}

@Suite struct PDUCodecTests {
    @Test func loginRequestRoundTripsThroughTheDecoder() throws {
        let pdu = ISCSILoginPDU(isResponse: false, transit: true, currentStage: 0, nextStage: 1, isid: [0x80, 1, 2, 3, 4, 5],
                                initiatorTaskTag: 9, sequenceNumber: 5, expectedSequenceNumber: 6,
                                keys: [ISCSITextPair("CHAP_N", "a")])
        let wire = pdu.pdu.encoded()
        #expect(wire.count == 48 + 12)  // "CHAP_N=a\0" is 9 octets, padded to 12
        #expect(wire[0] == 0x43)
        #expect(wire[1] == 0x81)
        var d = ISCSIPDUDecoder()
        d.append(wire)
        #expect(try ISCSILoginPDU(try #require(try d.next())) == pdu)
        #expect(d.pendingCount == 0)
    }

    @Test func decoderWaitsForTheWholePDU() throws {
        let wire = ISCSILoginPDU(isResponse: true, transit: false, currentStage: 0, nextStage: 0, isid: [0, 0, 0, 0, 0, 0],
                                 initiatorTaskTag: 1, sequenceNumber: 1, expectedSequenceNumber: 1,
                                 keys: [ISCSITextPair("A", "1")]).pdu.encoded()
        var d = ISCSIPDUDecoder()
        d.append(wire.dropLast())
        #expect(try d.next() == nil)
        d.append(wire.suffix(1))
        #expect(try d.next()?.opcode == .loginResponse)
    }

    @Test func decoderRefusesAnOversizedDataSegment() {
        var h = [UInt8](repeating: 0, count: 48)
        h[0] = 0x23
        h[5] = 0x20  // 2 MiB
        var d = ISCSIPDUDecoder()
        d.append(h)
        #expect(throws: ISCSIChapFailure(.protocolViolation, "a PDU announces 2097152 octets of data (at most 1048576 accepted)")) {
            try d.next()
        }
    }

    @Test func nonLoginOpcodeIsNotALoginPDU() {
        var h = [UInt8](repeating: 0, count: 48)
        h[0] = 0x26
        #expect(throws: ISCSIChapFailure(.protocolViolation, "opcode 0x26 is not a Login PDU")) {
            try ISCSILoginPDU(ISCSIPDU(header: h))
        }
    }
}
