import ChapSecrets
import PPPCore
import PPPPackets
import Testing

@Suite struct CHAPDigestTests {
    @Test func md5MatchesTheReadmeExample() throws {
        let challenge = try #require(hex("575ed88d684cbb88096768e8d9d953f81e"))
        #expect(md5Response(0xc6, "s3cret-alice", challenge) == hex("3b79f6770f7705a8f4f79c1fe6644282"))
    }

    @Test func md5DescribesItselfAsPppdDoes() {
        let md5 = CHAPMD5Digest()
        #expect(md5.algorithm == 5)
        #expect(md5.name == "MD5")
        #expect(md5.responseLength == 16)
        #expect(md5.defaultChallengeLengths == 16...23)
    }

    @Test func md5VerifyRejectsWrongSecretAndWrongLength() throws {
        let challenge = try #require(hex("575ed88d684cbb88096768e8d9d953f81e"))
        let good = md5Response(0xc6, "s3cret-alice", challenge)
        let md5 = CHAPMD5Digest()
        #expect(md5.verify(response: good, identifier: 0xc6, secret: Secret("s3cret-alice"), challenge: challenge))
        #expect(!md5.verify(response: good, identifier: 0xc7, secret: Secret("s3cret-alice"), challenge: challenge))
        #expect(!md5.verify(response: good, identifier: 0xc6, secret: Secret("s3cret-alicf"), challenge: challenge))
        #expect(!md5.verify(response: Array(good.dropLast()), identifier: 0xc6, secret: Secret("s3cret-alice"), challenge: challenge))
        #expect(!md5.verify(response: good + [0], identifier: 0xc6, secret: Secret("s3cret-alice"), challenge: challenge))
        #expect(!md5.verify(response: [], identifier: 0xc6, secret: Secret("s3cret-alice"), challenge: challenge))
    }

    @Test func constantTimeEqualCompares() {
        #expect(constantTimeEqual([], []))
        #expect(constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEqual([1, 2, 3], [0, 2, 3]))
        #expect(!constantTimeEqual([1, 2, 3], [1, 2]))
        #expect(!constantTimeEqual([1, 2], [1, 2, 3]))
        #expect(!constantTimeEqual([0, 0], [0, 0, 0]))  // zero padding must not hide a length change
    }

    @Test func registryLooksUpAndReplacesByAlgorithm() {
        var registry = CHAPDigestRegistry.standard
        #expect(registry.algorithms == [5])
        #expect(registry.digest(algorithm: 5)?.name == "MD5")
        #expect(registry.digest(algorithm: 0x81) == nil)
        registry.register(XORDigest())
        #expect(registry.algorithms == [5, 0x99])
        registry.register(XORDigest(label: "XOR2"))
        #expect(registry.algorithms == [5, 0x99])
        #expect(registry.digest(algorithm: 0x99)?.name == "XOR2")
    }

    @Test func machinesRefuseAnUnknownAlgorithmWithPppdsWords() {
        var config = CHAPAuthenticatorConfiguration(name: "server")
        config.algorithm = 0x81
        #expect(throws: CHAPError(.digestUnavailable, "CHAP digest 0x81 requested but not available")) {
            try CHAPAuthenticator(configuration: config)
        }
        var peerConfig = CHAPPeerConfiguration(name: "alice")
        peerConfig.algorithm = 0x80
        #expect(throws: CHAPError(.digestUnavailable, "CHAP digest 0x80 requested but not available")) {
            try CHAPPeer(configuration: peerConfig)
        }
    }

    /// A new digest plugs in through the registry alone; the machines are untouched.
    @Test func machinesUseARegisteredDigest() throws {
        var registry = CHAPDigestRegistry.standard
        registry.register(XORDigest())
        var authConfig = CHAPAuthenticatorConfiguration(name: "server")
        authConfig.algorithm = 0x99
        var peerConfig = CHAPPeerConfiguration(name: "alice")
        peerConfig.algorithm = 0x99
        var auth = try CHAPAuthenticator(configuration: authConfig, registry: registry)
        var peer = try CHAPPeer(configuration: peerConfig, registry: registry)
        let secrets = TableSecrets([("alice", "server", "pw")])
        var rng = SeededRandom(seed: 1)
        _ = peer.start(now: .zero)
        let challenge = try #require(auth.start(now: .zero, using: &rng).sent().first)
        let response = try #require(peer.receive(challenge, now: .zero, secrets: secrets).sent().first)
        guard case .response(_, let value, _) = response else { Issue.record("not a response"); return }
        #expect(value.count == 4)  // XORDigest's length, not MD5's 16
        let verdict = auth.receive(response, now: .zero, secrets: secrets, using: &rng)
        #expect(verdict.outcomes().count == 1)
        #expect(auth.phase == .authenticated)
    }
}

/// A toy digest (never for real use) to show the registry is the only coupling.
struct XORDigest: CHAPDigest {
    var label = "XOR"
    var algorithm: UInt8 { 0x99 }
    var name: String { label }
    var responseLength: Int { 4 }
    var defaultChallengeLengths: ClosedRange<Int> { 8...8 }
    func makeResponse(identifier: UInt8, secret: Secret, challenge: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [identifier, 0, 0, 0]
        for (i, b) in (secret.bytes + challenge).enumerated() { out[i % 4] ^= b }
        return out
    }
}
