import ChapSecrets
import PPPCore
import PPPPackets
import Testing

@Suite struct CHAPSimulationTests {
    let secrets = TableSecrets([("alice", "server", "s3cret-alice"), ("server", "alice", "s3cret-server")])

    func oneWay(seed: UInt64, editAuth: (inout CHAPAuthenticatorConfiguration) -> Void = { _ in }) throws -> CHAPSimulation {
        CHAPSimulation(
            try .make("server", authenticates: true, answers: false, secrets: secrets, editAuth: editAuth),
            try .make("alice", authenticates: false, answers: true, secrets: secrets),
            seed: seed)
    }

    func twoWay(seed: UInt64, waitAtAlice: Bool = false) throws -> CHAPSimulation {
        CHAPSimulation(
            try .make("server", authenticates: true, answers: true, secrets: secrets),
            try .make("alice", authenticates: true, answers: true, secrets: secrets,
                      editPeer: { $0.waitForPeerAuthentication = waitAtAlice }),
            seed: seed)
    }

    func expectAuthenticated(_ sim: CHAPSimulation, authenticator: Int, peer: Int, name: String) {
        #expect(sim.ends[authenticator].authOutcomes.count == 1)
        if case .peerAuthenticated(let n, _)? = sim.ends[authenticator].authOutcomes.first {
            #expect(n == bytes(name))
        } else {
            Issue.record("authenticator \(authenticator): \(sim.ends[authenticator].authOutcomes)")
        }
        #expect(sim.ends[peer].peerOutcomes == [.authenticated(message: bytes("Access granted"))])
    }

    @Test func oneWayCleanLine() throws {
        var sim = try oneWay(seed: 1)
        sim.start()
        sim.run(until: .seconds(120))
        expectAuthenticated(sim, authenticator: 0, peer: 1, name: "alice")
        #expect(sim.trace.count == 3)  // Challenge, Response, Success
        #expect(sim.ends[0].authDeadline == nil && sim.ends[1].peerDeadline == nil)
    }

    @Test func twoWayCleanLine() throws {
        var sim = try twoWay(seed: 2)
        sim.start()
        sim.run(until: .seconds(120))
        expectAuthenticated(sim, authenticator: 0, peer: 1, name: "alice")
        expectAuthenticated(sim, authenticator: 1, peer: 0, name: "server")
        #expect(sim.trace.count == 6)
    }

    /// Every packet type lost once: Challenge, Response and Success each recovered by the
    /// authenticator's retransmission and the RFC 1994 §4.1 repeat of the verdict.
    @Test(arguments: [0, 1, 2])
    func oneWayRecoversFromEachFirstLoss(lostIndex: Int) throws {
        var sim = try oneWay(seed: 3)
        sim.dropRule = { index, _ in index == lostIndex }
        sim.start()
        sim.run(until: .seconds(120))
        expectAuthenticated(sim, authenticator: 0, peer: 1, name: "alice")
        #expect(sim.trace.filter(\.dropped).count == 1)
        #expect(sim.ends[0].authenticator?.discardedResponses == 0)
    }

    @Test func twoWaySurvivesDuplicationOfEveryPacket() throws {
        var sim = try twoWay(seed: 4)
        sim.duplicateRate = 1
        sim.start()
        sim.run(until: .seconds(120))
        expectAuthenticated(sim, authenticator: 0, peer: 1, name: "alice")
        expectAuthenticated(sim, authenticator: 1, peer: 0, name: "server")
        // Each Challenge arrives twice, so each peer sends its Response twice, and each of
        // those arrives twice: four verdicts per side, all the same Success, one outcome.
        let successes = sim.trace.filter { if case .success = $0.packet { return true } else { return false } }
        #expect(successes.count == 8)
        #expect(!sim.trace.contains { if case .failure = $0.packet { return true } else { return false } })
    }

    @Test(arguments: Array(UInt64(10)..<UInt64(40)))
    func twoWayOnALossyDuplicatingLine(seed: UInt64) throws {
        var sim = try twoWay(seed: seed)
        sim.dropRate = 0.3
        sim.duplicateRate = 0.2
        sim.start()
        sim.run(until: .seconds(120))
        expectAuthenticated(sim, authenticator: 0, peer: 1, name: "alice")
        expectAuthenticated(sim, authenticator: 1, peer: 0, name: "server")
        #expect(sim.ends.allSatisfy { $0.peerOutcomes.count == 1 })
    }

    @Test func deadLineFailsBothWaysInsteadOfHanging() throws {
        var sim = try oneWay(seed: 5)
        sim.dropRate = 1
        sim.start()
        sim.run(until: .seconds(600))
        #expect(sim.ends[0].authOutcomes == [.peerFailed(name: nil, reason: .timeout)])
        #expect(sim.ends[1].peerOutcomes == [.failed(.timeout)])
        #expect(sim.trace.count == 10)  // chap-max-challenge sends, nothing more
    }

    @Test func wrongSecretFailsBothSides() throws {
        var sim = CHAPSimulation(
            try .make("server", authenticates: true, answers: false, secrets: secrets),
            try .make("alice", authenticates: false, answers: true, secrets: secrets,
                      editPeer: { $0.password = Secret("wrong-secret") }),
            seed: 6)
        sim.start()
        sim.run(until: .seconds(120))
        #expect(sim.ends[0].authOutcomes == [.peerFailed(name: bytes("alice"), reason: .wrongResponse)])
        #expect(sim.ends[1].peerOutcomes == [.failed(.rejected(message: bytes("Access denied")))])
        #expect(sim.ends[0].logs.contains("Peer alice failed CHAP authentication"))
    }

    @Test func maxBadAuthLetsThePeerRetry() throws {
        // alice's first lookup finds a stale secret; the table is fixed before the retry.
        var sim = CHAPSimulation(
            try .make("server", authenticates: true, answers: false, secrets: secrets, editAuth: { $0.maxBadAuth = 2 }),
            try .make("alice", authenticates: false, answers: true, secrets: TableSecrets([("alice", "server", "stale")])),
            seed: 7)
        sim.latency = .seconds(1)
        sim.start()
        sim.run(until: .seconds(2.5))  // Challenge, bad Response, Failure + new Challenge sent
        #expect(sim.ends[1].peerOutcomes == [])
        sim.ends[1].peerSecrets = secrets
        sim.run(until: .seconds(120))
        #expect(sim.ends[1].peerOutcomes == [.failed(.rejected(message: bytes("Access denied"))),
                                            .authenticated(message: bytes("Access granted"))])
        #expect(sim.ends[0].authOutcomes.count == 1)
        #expect(sim.ends[0].authenticator?.phase == .authenticated)
        let challenges = sim.trace.compactMap { if case .challenge(let id, _, _) = $0.packet { return id } else { return nil } }
        try #require(challenges.count == 2)
        #expect(challenges[1] == challenges[0] &+ 1)
    }

    @Test func chapIntervalKeepsRechallenging() throws {
        var sim = try oneWay(seed: 8) { $0.rechallengeInterval = .seconds(3) }
        sim.start()
        sim.run(until: .seconds(30))
        let challenges = sim.trace.compactMap { if case .challenge(let id, let v, _) = $0.packet { return (id, v) } else { return nil } }
        #expect(challenges.count == 10)  // t≈0, then every 3 s after each Success
        #expect(Set(challenges.map(\.0)).count == 10)
        #expect(Set(challenges.map(\.1)).count == 10)
        let successes = sim.trace.filter { if case .success = $0.packet { return true } else { return false } }
        #expect(successes.count == 10)
        #expect(sim.ends[0].authOutcomes.count == 1)
        #expect(sim.ends[1].peerOutcomes.count == 1)
        #expect(sim.ends[0].authDeadline != nil)
    }

    @Test func chapIntervalFailureEndsTheLink() throws {
        var sim = try oneWay(seed: 9) { $0.rechallengeInterval = .seconds(3) }
        sim.start()
        sim.run(until: .seconds(4))
        #expect(sim.ends[0].authOutcomes.count == 1)
        sim.ends[1].peerSecrets = TableSecrets([("alice", "server", "changed")])
        sim.run(until: .seconds(60))
        #expect(sim.ends[0].authOutcomes.last == .peerFailed(name: bytes("alice"), reason: .wrongResponse))
        #expect(sim.ends[0].authenticator?.phase == .failed)
    }

    /// A line that loops our own Challenges back: our peer must not answer them.
    @Test func reflectedChallengeIsNotAnswered() throws {
        let mirrorSecrets = TableSecrets([("server", "server", "self")])
        var end = try CHAPSimulation.End.make("server", authenticates: true, answers: true, secrets: mirrorSecrets)
        var rng = SeededRandom(seed: 10)
        var auth = try #require(end.authenticator)
        var peer = try #require(end.peer)
        _ = peer.start(now: .zero)
        let challenge = try #require(auth.start(now: .zero, using: &rng).sent().first)
        let reflected = peer.receive(challenge, now: .zero, secrets: mirrorSecrets)
        #expect(reflected.sent().isEmpty)
        #expect(peer.reflectedChallenges == 1)
        end.peer = peer
    }

    @Test func chapWaitAnswersOnlyAfterThePeerAuthenticatedToUs() throws {
        var sim = try twoWay(seed: 11, waitAtAlice: true)
        sim.start()
        sim.run(until: .seconds(120))
        expectAuthenticated(sim, authenticator: 0, peer: 1, name: "alice")
        expectAuthenticated(sim, authenticator: 1, peer: 0, name: "server")
        let aliceResponse = try #require(sim.trace.firstIndex { $0.from == 1 && $0.packet.isForAuthenticator })
        let aliceSuccess = try #require(sim.trace.firstIndex {
            if $0.from == 1, case .success = $0.packet { return true } else { return false }
        })
        #expect(aliceSuccess < aliceResponse)
    }

    @Test func withoutChapWaitBothAnswerAtOnce() throws {
        var sim = try twoWay(seed: 11)
        sim.start()
        sim.run(until: .seconds(120))
        let aliceResponse = try #require(sim.trace.firstIndex { $0.from == 1 && $0.packet.isForAuthenticator })
        let aliceSuccess = try #require(sim.trace.firstIndex {
            if $0.from == 1, case .success = $0.packet { return true } else { return false }
        })
        #expect(aliceResponse < aliceSuccess)
    }
}
