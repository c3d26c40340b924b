import Testing
import ChapSecrets
import PPPCore
import ISCSIChap

private func hex(_ b: [UInt8]) -> String { b.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() }

/// FIPS 180 / RFC 1321 "abc" vectors, fed through CHAP's identifier ‖ secret ‖ challenge
/// concatenation as "a" ‖ "b" ‖ "c".
@Suite struct DigestVectorTests {
    func abc(_ algorithm: ISCSIChapAlgorithm) -> String? {
        CHAPDigestRegistry.iscsi.digest(algorithm: algorithm.rawValue).map {
            hex($0.makeResponse(identifier: UInt8(ascii: "a"), secret: Secret("b"), challenge: [UInt8(ascii: "c")]))
        }
    }

    @Test func md5RFC1321() { #expect(abc(.md5) == "900150983cd24fb0d6963f7d28e17f72") }
    @Test func sha1FIPS180() { #expect(abc(.sha1) == "a9993e364706816aba3e25717850c26c9cd0d89d") }
    @Test func sha256FIPS180() { #expect(abc(.sha256) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") }

    /// FIPS 202's SHA3-256("abc") is 3a985da7…; swift-crypto 3.12 has no SHA3, so CHAP_A 8 is refused.
    @Test func sha3IsNotInTheRegistry() { #expect(abc(.sha3_256) == nil) }

    @Test func sha3IsRefusedWithAReason() {
        #expect(throws: ISCSIChapFailure(.algorithm, ISCSIChapAlgorithm.sha3_256.unavailableReason!)) {
            try ISCSIChapInitiator(.init(name: "u", secret: Secret("twelve-octet"), algorithms: [.sha3_256]))
        }
    }

    @Test func algorithmNumbers() {
        #expect(ISCSIChapAlgorithm.allCases.map(\.rawValue) == [5, 6, 7, 8])
    }

    @Test func algorithmWords() {
        #expect(["md5", "SHA1", "sha-256", "sha3-256", "7"].map { ISCSIChapAlgorithm(word: $0) } == [.md5, .sha1, .sha256, .sha3_256, .sha256])
    }
}

@Suite struct SecretRuleTests {
    @Test func elevenOctetsRefused() {
        #expect(throws: ISCSIChapFailure(.secretPolicy, "the initiator secret is 11 octets; iSCSI CHAP secrets must be at least 12 (RFC 7143 §12.1.3)")) {
            try ISCSIChapInitiator(.init(name: "u", secret: Secret("elevenchars")))
        }
    }

    @Test func elevenOctetsAllowedWhenAskedWithAWarning() throws {
        let m = try ISCSIChapInitiator(.init(name: "u", secret: Secret("elevenchars"), policy: ISCSISecretPolicy(allowShortSecrets: true)))
        #expect(m.warnings == ["the initiator secret is 11 octets, shorter than the 12 RFC 7143 advises (allowed by request)"])
    }

    @Test func twelveOctetsNoWarning() throws {
        #expect(try ISCSIChapInitiator(.init(name: "u", secret: Secret("twelve-chars"))).warnings == [])
    }

    @Test func sixteenOctetsNoWarning() throws {
        #expect(try ISCSIChapInitiator(.init(name: "u", secret: Secret("sixteen-octets!!"))).warnings == [])
    }

    @Test func seventeenOctetsWarnsAboutWindows() throws {
        let m = try ISCSIChapInitiator(.init(name: "u", secret: Secret("seventeen-octets!")))
        #expect(m.warnings == ["the initiator secret is 17 octets; Windows' iSCSI initiator accepts only 12–16"])
    }

    @Test func emptySecretRefusedEvenWhenShortAllowed() {
        #expect(throws: ISCSIChapFailure(.secretPolicy, "the initiator secret is empty")) {
            try ISCSIChapInitiator(.init(name: "u", secret: Secret(""), policy: ISCSISecretPolicy(allowShortSecrets: true)))
        }
    }

    @Test func mutualWithTheSameSecretRefusedByInitiator() {
        #expect(throws: ISCSIChapFailure(.secretPolicy, "mutual CHAP needs two different secrets; the initiator and target secrets are the same")) {
            try ISCSIChapInitiator(.init(name: "u", secret: Secret("same-secret-123"),
                                         mutual: .init(expectedTargetName: nil, targetSecret: Secret("same-secret-123"))))
        }
    }

    @Test func shortTargetSecretRefused() {
        #expect(throws: ISCSIChapFailure(.secretPolicy, "the target secret is 5 octets; iSCSI CHAP secrets must be at least 12 (RFC 7143 §12.1.3)")) {
            try ISCSIChapTarget(.init(outgoing: (name: "t", secret: Secret("short"))))
        }
    }
}

/// Drives an initiator against a target machine in memory.
struct Pair {
    var initiator: ISCSIChapInitiator
    var target: ISCSIChapTarget
    var random = SeededRandom(seed: 42)

    init(initiator: ISCSIChapInitiator.Configuration, target: ISCSIChapTarget.Configuration) throws {
        self.initiator = try ISCSIChapInitiator(initiator)
        self.target = try ISCSIChapTarget(target)
    }

    /// Returns the target's challenge keys.
    mutating func challenge() throws -> [ISCSITextPair] {
        try target.receiveAlgorithms(initiator.start(), random: &random).get()
    }
}

let alice = Secret("alice-secret-01")

func failure<T>(_ r: Result<T, ISCSIChapFailure>) -> ISCSIChapFailure? {
    if case .failure(let f) = r { return f }
    return nil
}
func failureKind<T>(_ r: Result<T, ISCSIChapFailure>) -> ISCSIChapFailure.Kind? { failure(r)?.kind }
let targetSecret = Secret("target-secret-9")

@Suite struct ChapMachineTests {
    func oneWay(_ algorithm: ISCSIChapAlgorithm) throws -> (Int, ISCSIChapInitiator.State, ISCSIChapTarget.State) {
        var p = try Pair(initiator: .init(name: "alice", secret: alice, algorithms: [algorithm]), target: .init())
        let challenge = try p.challenge()
        let c = try ISCSIBinaryValue.decode(challenge[key: "CHAP_C"]!, key: "CHAP_C")
        let answer = try p.initiator.receiveChallenge(challenge, random: &p.random).get()
        let request = try p.target.receiveResponse(answer).get()
        #expect(request.name == "alice")
        let back = try p.target.verify(with: alice).get()
        #expect(back == [])
        _ = try p.initiator.receiveTargetResponse(back).get()
        return (c.count, p.initiator.state, p.target.state)
    }

    @Test func md5OneWay() throws {
        let (n, i, t) = try oneWay(.md5)
        #expect(n == 16)
        #expect(i == .done(algorithm: .md5, targetVerified: false))
        #expect(t == .done(algorithm: .md5, initiator: "alice", mutual: false))
    }

    @Test func sha1OneWay() throws {
        let (n, i, _) = try oneWay(.sha1)
        #expect(n == 20)
        #expect(i == .done(algorithm: .sha1, targetVerified: false))
    }

    @Test func sha256OneWay() throws {
        let (n, i, _) = try oneWay(.sha256)
        #expect(n == 32)
        #expect(i == .done(algorithm: .sha256, targetVerified: false))
    }

    @Test func mutualBothVerified() throws {
        var p = try Pair(initiator: .init(name: "alice", secret: alice, algorithms: [.sha256, .md5],
                                          mutual: .init(expectedTargetName: "tgt", targetSecret: targetSecret)),
                         target: .init(outgoing: (name: "tgt", secret: targetSecret)))
        let answer = try p.initiator.receiveChallenge(try p.challenge(), random: &p.random).get()
        #expect(answer.map(\.key) == ["CHAP_N", "CHAP_R", "CHAP_I", "CHAP_C"])
        let request = try p.target.receiveResponse(answer).get()
        #expect(request.mutual)
        let back = try p.target.verify(with: alice).get()
        #expect(back.map(\.key) == ["CHAP_N", "CHAP_R"])
        _ = try p.initiator.receiveTargetResponse(back).get()
        #expect(p.initiator.state == .done(algorithm: .sha256, targetVerified: true))
    }

    @Test func wrongSecretIsRejectedByTheTarget() throws {
        var p = try Pair(initiator: .init(name: "alice", secret: Secret("not-the-secret")), target: .init())
        let answer = try p.initiator.receiveChallenge(try p.challenge(), random: &p.random).get()
        _ = try p.target.receiveResponse(answer).get()
        #expect(p.target.verify(with: alice) == .failure(ISCSIChapFailure(.authenticationFailed, "initiator \"alice\" failed CHAP: wrong secret")))
    }

    @Test func targetWithWrongSecretIsRefusedInMutual() throws {
        var p = try Pair(initiator: .init(name: "alice", secret: alice,
                                          mutual: .init(expectedTargetName: nil, targetSecret: targetSecret)),
                         target: .init(outgoing: (name: "tgt", secret: Secret("other-target-sec"))))
        let answer = try p.initiator.receiveChallenge(try p.challenge(), random: &p.random).get()
        _ = try p.target.receiveResponse(answer).get()
        let back = try p.target.verify(with: alice).get()
        #expect(failureKind(p.initiator.receiveTargetResponse(back)) == .authenticationFailed)
    }

    @Test func mutualTargetNameIsChecked() throws {
        var p = try Pair(initiator: .init(name: "alice", secret: alice,
                                          mutual: .init(expectedTargetName: "expected", targetSecret: targetSecret)),
                         target: .init(outgoing: (name: "tgt", secret: targetSecret)))
        let answer = try p.initiator.receiveChallenge(try p.challenge(), random: &p.random).get()
        _ = try p.target.receiveResponse(answer).get()
        let back = try p.target.verify(with: alice).get()
        #expect(failure(p.initiator.receiveTargetResponse(back)) == ISCSIChapFailure(.unexpectedName, "the target answered as \"tgt\", not \"expected\""))
    }

    @Test func mutualAnswerMissingMeansTargetNotSetUp() throws {
        var p = try Pair(initiator: .init(name: "alice", secret: alice,
                                          mutual: .init(expectedTargetName: nil, targetSecret: targetSecret)),
                         target: .init())
        _ = try p.initiator.receiveChallenge(try p.challenge(), random: &p.random).get()
        #expect(failureKind(p.initiator.receiveTargetResponse([])) == .missingKey)
    }

    @Test func targetChoosesTheInitiatorsFirstSupported() throws {
        var p = try Pair(initiator: .init(name: "alice", secret: alice, algorithms: [.sha256, .sha1, .md5]),
                         target: .init(algorithms: [.md5, .sha1]))
        #expect(try p.challenge()[key: "CHAP_A"] == "6")
    }

    @Test func noCommonAlgorithmFailsAtTheTarget() throws {
        var p = try Pair(initiator: .init(name: "alice", secret: alice, algorithms: [.sha256]), target: .init(algorithms: [.md5]))
        #expect(p.target.receiveAlgorithms(p.initiator.start(), random: &p.random)
                == .failure(ISCSIChapFailure(.algorithm, "the initiator offered CHAP_A=7; this target accepts MD5 (5)")))
    }

    @Test func targetChoosingAnAlgorithmNotOfferedFails() throws {
        var m = try ISCSIChapInitiator(.init(name: "alice", secret: alice, algorithms: [.md5]))
        var r = SeededRandom(seed: 1)
        _ = m.start()
        #expect(m.receiveChallenge([ISCSITextPair("CHAP_A", "7"), ISCSITextPair("CHAP_I", "1"), ISCSITextPair("CHAP_C", "0x00112233445566778899aabbccddeeff")], random: &r)
                == .failure(ISCSIChapFailure(.algorithm, "the target chose CHAP_A=7, which was not offered (MD5 (5))")))
    }

    @Test func targetRejectingTheListFails() throws {
        var m = try ISCSIChapInitiator(.init(name: "alice", secret: alice, algorithms: [.sha256]))
        var r = SeededRandom(seed: 1)
        _ = m.start()
        #expect(m.receiveChallenge([ISCSITextPair("CHAP_A", "Reject")], random: &r)
                == .failure(ISCSIChapFailure(.algorithm, "the target supports none of the algorithms offered (SHA-256 (7)): it answered CHAP_A=Reject")))
    }

    @Test func initiatorRefusesAChallengeOver1024Octets() throws {
        var m = try ISCSIChapInitiator(.init(name: "alice", secret: alice))
        var r = SeededRandom(seed: 1)
        _ = m.start()
        let big = ISCSIBinaryValue.encodeHex([UInt8](repeating: 7, count: 1025))
        #expect(m.receiveChallenge([ISCSITextPair("CHAP_A", "5"), ISCSITextPair("CHAP_I", "1"), ISCSITextPair("CHAP_C", big)], random: &r)
                == .failure(ISCSIChapFailure(.malformedValue, "the target's CHAP_C is 1025 octets (at most 1024)")))
    }

    @Test func initiatorAnswersA1024OctetChallenge() throws {
        var m = try ISCSIChapInitiator(.init(name: "alice", secret: alice))
        var r = SeededRandom(seed: 1)
        _ = m.start()
        let big = ISCSIBinaryValue.encodeHex([UInt8](repeating: 7, count: 1024))
        let keys = try m.receiveChallenge([ISCSITextPair("CHAP_A", "5"), ISCSITextPair("CHAP_I", "1"), ISCSITextPair("CHAP_C", big)], random: &r).get()
        #expect(keys.map(\.key) == ["CHAP_N", "CHAP_R"])
    }

    @Test func initiatorAcceptsABase64Challenge() throws {
        var m = try ISCSIChapInitiator(.init(name: "alice", secret: alice))
        var r = SeededRandom(seed: 1)
        _ = m.start()
        let challenge = [UInt8](repeating: 0x5a, count: 16)
        let keys = try m.receiveChallenge([ISCSITextPair("CHAP_A", "5"), ISCSITextPair("CHAP_I", "9"),
                                           ISCSITextPair("CHAP_C", ISCSIBinaryValue.encodeBase64(challenge))], random: &r).get()
        #expect(keys[key: "CHAP_R"] == ISCSIBinaryValue.encodeHex(CHAPMD5Digest().makeResponse(identifier: 9, secret: alice, challenge: challenge)))
    }

    @Test func initiatorMissingCHAPCFails() throws {
        var m = try ISCSIChapInitiator(.init(name: "alice", secret: alice))
        var r = SeededRandom(seed: 1)
        _ = m.start()
        #expect(m.receiveChallenge([ISCSITextPair("CHAP_A", "5"), ISCSITextPair("CHAP_I", "1")], random: &r)
                == .failure(ISCSIChapFailure(.missingKey, "the target's challenge has no CHAP_C")))
    }

    @Test func initiatorBadIdentifierFails() throws {
        var m = try ISCSIChapInitiator(.init(name: "alice", secret: alice))
        var r = SeededRandom(seed: 1)
        _ = m.start()
        #expect(m.receiveChallenge([ISCSITextPair("CHAP_A", "5"), ISCSITextPair("CHAP_I", "300"), ISCSITextPair("CHAP_C", "0x01")], random: &r)
                == .failure(ISCSIChapFailure(.malformedValue, "CHAP_I 300 is out of range (0–255)")))
    }

    @Test func reflectedChallengeIsRefusedByTheTarget() throws {
        var p = try Pair(initiator: .init(name: "alice", secret: alice), target: .init(outgoing: (name: "tgt", secret: targetSecret)))
        let challenge = try p.challenge()
        let r = CHAPMD5Digest().makeResponse(identifier: try ISCSIChapInitiator.parseIdentifier(challenge[key: "CHAP_I"]!), secret: alice,
                                             challenge: try ISCSIBinaryValue.decode(challenge[key: "CHAP_C"]!, key: "C"))
        let reflected = [ISCSITextPair("CHAP_N", "alice"), ISCSITextPair("CHAP_R", ISCSIBinaryValue.encodeHex(r)),
                         ISCSITextPair("CHAP_I", "3"), ISCSITextPair("CHAP_C", challenge[key: "CHAP_C"]!)]
        #expect(p.target.receiveResponse(reflected).map(\.name)
                == .failure(ISCSIChapFailure(.reflection, "the initiator's CHAP_C is the challenge this target sent (reflection): refused")))
    }

    @Test func targetRefusesAMutualChallengeOver1024Octets() throws {
        var p = try Pair(initiator: .init(name: "alice", secret: alice), target: .init(outgoing: (name: "tgt", secret: targetSecret)))
        _ = try p.challenge()
        let keys = [ISCSITextPair("CHAP_N", "alice"), ISCSITextPair("CHAP_R", ISCSIBinaryValue.encodeHex([UInt8](repeating: 0, count: 16))),
                    ISCSITextPair("CHAP_I", "3"), ISCSITextPair("CHAP_C", ISCSIBinaryValue.encodeHex([UInt8](repeating: 1, count: 1025)))]
        #expect(p.target.receiveResponse(keys).map(\.name)
                == .failure(ISCSIChapFailure(.malformedValue, "the initiator's CHAP_C is 1025 octets (at most 1024)")))
    }

    @Test func targetRefusesMutualWithoutAnOutgoingAccount() throws {
        var p = try Pair(initiator: .init(name: "alice", secret: alice, mutual: .init(expectedTargetName: nil, targetSecret: targetSecret)),
                         target: .init())
        let answer = try p.initiator.receiveChallenge(try p.challenge(), random: &p.random).get()
        #expect(p.target.receiveResponse(answer).map(\.name)
                == .failure(ISCSIChapFailure(.authenticationFailed, "the initiator asked for mutual CHAP and this target has no outgoing account")))
    }

    @Test func targetRefusesMutualWithTheSameSecretOnBothSides() throws {
        // The initiator's own check is bypassed by a hand-made answer carrying a mutual challenge.
        var p = try Pair(initiator: .init(name: "alice", secret: targetSecret), target: .init(outgoing: (name: "tgt", secret: targetSecret)))
        var answer = try p.initiator.receiveChallenge(try p.challenge(), random: &p.random).get()
        answer += [ISCSITextPair("CHAP_I", "4"), ISCSITextPair("CHAP_C", "0x000102030405060708090a0b0c0d0e0f")]
        _ = try p.target.receiveResponse(answer).get()
        #expect(failureKind(p.target.verify(with: targetSecret)) == .secretPolicy)
    }

    @Test func targetRefusesAResponseOfTheWrongLength() throws {
        var p = try Pair(initiator: .init(name: "alice", secret: alice), target: .init(algorithms: [.md5]))
        _ = try p.challenge()
        #expect(p.target.receiveResponse([ISCSITextPair("CHAP_N", "alice"), ISCSITextPair("CHAP_R", "0x0102")]).map(\.name)
                == .failure(ISCSIChapFailure(.malformedValue, "the initiator's CHAP_R is 2 octets; MD5 gives 16")))
    }

    @Test func targetAcceptsABase64Response() throws {
        var p = try Pair(initiator: .init(name: "alice", secret: alice), target: .init(algorithms: [.md5]))
        let challenge = try p.challenge()
        let r = CHAPMD5Digest().makeResponse(identifier: try ISCSIChapInitiator.parseIdentifier(challenge[key: "CHAP_I"]!), secret: alice,
                                             challenge: try ISCSIBinaryValue.decode(challenge[key: "CHAP_C"]!, key: "C"))
        _ = try p.target.receiveResponse([ISCSITextPair("CHAP_N", "alice"), ISCSITextPair("CHAP_R", ISCSIBinaryValue.encodeBase64(r))]).get()
        #expect(p.target.verify(with: alice) == .success([]))
    }

    @Test func targetHalfAMutualChallengeFails() throws {
        var p = try Pair(initiator: .init(name: "alice", secret: alice), target: .init(outgoing: (name: "tgt", secret: targetSecret)))
        var answer = try p.initiator.receiveChallenge(try p.challenge(), random: &p.random).get()
        answer.append(ISCSITextPair("CHAP_I", "4"))
        #expect(p.target.receiveResponse(answer).map(\.name)
                == .failure(ISCSIChapFailure(.missingKey, "mutual CHAP needs both CHAP_I and CHAP_C; only one was sent")))
    }

    @Test func targetWaitsForAVerdictAndTakesARejectFromItsOwner() throws {
        var p = try Pair(initiator: .init(name: "alice", secret: alice), target: .init())
        let answer = try p.initiator.receiveChallenge(try p.challenge(), random: &p.random).get()
        let request = try p.target.receiveResponse(answer).get()
        #expect(p.target.state == .verifying(request))
        #expect(p.target.verdict(.reject("RADIUS said no")) == .failure(ISCSIChapFailure(.authenticationFailed, "initiator \"alice\" failed CHAP: RADIUS said no")))
    }
}
