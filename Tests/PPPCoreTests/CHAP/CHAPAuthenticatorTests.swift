import ChapSecrets
import PPPCore
import PPPPackets
import Testing

@Suite struct CHAPAuthenticatorTests {
    let secrets = TableSecrets([("alice", "server", "right-secret")])

    func makeAuth(_ edit: (inout CHAPAuthenticatorConfiguration) -> Void = { _ in }) throws -> CHAPAuthenticator {
        var config = CHAPAuthenticatorConfiguration(name: "server")
        edit(&config)
        return try CHAPAuthenticator(configuration: config)
    }

    /// Starts the machine and returns its first Challenge's (id, value).
    func begin(_ auth: inout CHAPAuthenticator, _ rng: inout SeededRandom, now: Instant = .zero) throws -> (UInt8, [UInt8]) {
        let actions = auth.start(now: now, using: &rng)
        guard case .challenge(let id, let value, let name)? = actions.sent().first else {
            throw CHAPTestFailure("no Challenge sent")
        }
        #expect(name == bytes("server"))
        return (id, value)
    }

    func answer(_ id: UInt8, _ value: [UInt8], secret: String = "right-secret", name: String = "alice") -> CHAPPacket {
        .response(identifier: id, value: md5Response(id, secret, value), name: bytes(name))
    }

    @Test func challengeLengthsFollowPppdAndIdentifiersStartRandom() throws {
        var lengths = Set<Int>()
        var ids = Set<UInt8>()
        for seed in 0..<200 as Range<UInt64> {
            var rng = SeededRandom(seed: seed)
            var auth = try makeAuth()
            let actions = auth.start(now: .seconds(5), using: &rng)
            guard case .challenge(let id, let value, _)? = actions.sent().first else {
                Issue.record("no challenge"); return
            }
            lengths.insert(value.count)
            ids.insert(id)
            #expect(actions.timer() == .seconds(8))
        }
        #expect(lengths == Set(16...23))
        #expect(ids.count > 100)
    }

    @Test func configuredChallengeLengthIsUsed() throws {
        var rng = SeededRandom(seed: 3)
        var auth = try makeAuth { $0.challengeLengths = 8...8 }
        let (_, value) = try begin(&auth, &rng)
        #expect(value.count == 8)
        #expect(throws: CHAPError.self) { try makeAuth { $0.challengeLengths = 0...8 } }
        #expect(throws: CHAPError.self) { try makeAuth { $0.challengeLengths = 16...256 } }
    }

    @Test func challengeValuesComeFromTheInjectedGenerator() throws {
        var a = SeededRandom(seed: 9), b = SeededRandom(seed: 9), c = SeededRandom(seed: 10)
        var m1 = try makeAuth(), m2 = try makeAuth(), m3 = try makeAuth()
        let x = try begin(&m1, &a), y = try begin(&m2, &b), z = try begin(&m3, &c)
        #expect(x == y)
        #expect(x.1 != z.1)
    }

    @Test func retransmitsTheIdenticalChallengeThenFailsAfterMaxChallenges() throws {
        var rng = SeededRandom(seed: 1)
        var auth = try makeAuth()
        let first = auth.start(now: .zero, using: &rng)
        let challenge = try #require(first.sent().first)
        var deadline = try #require(first.timer())
        var sends = 1
        #expect(auth.timeout(now: deadline + .milliseconds(-1), using: &rng).isEmpty)  // early: ignored
        while true {
            let actions = auth.timeout(now: deadline, using: &rng)
            if let outcome = actions.outcomes().first {
                #expect(outcome == .peerFailed(name: nil, reason: .timeout))
                #expect(actions.logs().contains("Peer failed to respond to CHAP challenge"))
                break
            }
            #expect(actions.sent() == [challenge])
            let next = try #require(actions.timer())
            #expect(next == deadline + .seconds(3))
            deadline = next
            sends += 1
        }
        #expect(sends == 10)
        #expect(deadline == .seconds(30))  // sends at 0, 3, …, 27; the verdict at 30
        #expect(auth.phase == .failed)
        #expect(auth.timeout(now: .seconds(100), using: &rng).isEmpty)
    }

    @Test func restartAndMaxChallengeAreConfigurable() throws {
        var rng = SeededRandom(seed: 1)
        var auth = try makeAuth { $0.restartInterval = .seconds(1); $0.maxChallenges = 2 }
        #expect(auth.start(now: .zero, using: &rng).timer() == .seconds(1))
        #expect(auth.timeout(now: .seconds(1), using: &rng).sent().count == 1)
        #expect(auth.timeout(now: .seconds(2), using: &rng).outcomes() == [.peerFailed(name: nil, reason: .timeout)])
    }

    @Test func successCarriesTheMatchAndDefaultText() throws {
        var rng = SeededRandom(seed: 2)
        var auth = try makeAuth()
        let (id, value) = try begin(&auth, &rng)
        let actions = auth.receive(answer(id, value), now: .seconds(1), secrets: secrets, using: &rng)
        #expect(actions.sent() == [.success(identifier: id, message: bytes("Access granted"))])
        let match = try #require(secrets.lookup(client: bytes("alice"), server: bytes("server")))
        #expect(actions.outcomes() == [.peerAuthenticated(name: bytes("alice"), authorization: CHAPAuthorization(addresses: match.addresses))])
        #expect(actions.cancelsTimer())
        #expect(actions.timer() == nil)
        #expect(auth.phase == .authenticated)
        #expect(auth.authenticatedName == bytes("alice"))
    }

    @Test func wrongSecretGetsFailureInPppdsWords() throws {
        var rng = SeededRandom(seed: 2)
        var auth = try makeAuth()
        let (id, value) = try begin(&auth, &rng)
        let actions = auth.receive(answer(id, value, secret: "wrong-secret"), now: .seconds(1), secrets: secrets, using: &rng)
        #expect(actions.sent() == [.failure(identifier: id, message: bytes("Access denied"))])
        #expect(actions.logs().contains("Peer alice failed CHAP authentication"))
        #expect(actions.outcomes() == [.peerFailed(name: bytes("alice"), reason: .wrongResponse)])
        #expect(auth.phase == .failed)
    }

    @Test func malformedResponseValueFailsWithoutTrapping() throws {
        for value in [[UInt8](), [1, 2, 3], [UInt8](repeating: 0, count: 255)] {
            var rng = SeededRandom(seed: 2)
            var auth = try makeAuth()
            let (id, _) = try begin(&auth, &rng)
            let actions = auth.receive(.response(identifier: id, value: value, name: bytes("alice")),
                                       now: .zero, secrets: secrets, using: &rng)
            #expect(actions.outcomes() == [.peerFailed(name: bytes("alice"), reason: .wrongResponse)])
        }
    }

    @Test func messagesAreConfigurable() throws {
        var rng = SeededRandom(seed: 2)
        var auth = try makeAuth { $0.successMessage = bytes("Welcome"); $0.failureMessage = bytes("Go away") }
        let (id, value) = try begin(&auth, &rng)
        #expect(auth.receive(answer(id, value), now: .zero, secrets: secrets, using: &rng).sent()
                == [.success(identifier: id, message: bytes("Welcome"))])
        var auth2 = try makeAuth { $0.failureMessage = bytes("Go away") }
        let (id2, value2) = try begin(&auth2, &rng)
        #expect(auth2.receive(answer(id2, value2, secret: "x"), now: .zero, secrets: secrets, using: &rng).sent()
                == [.failure(identifier: id2, message: bytes("Go away"))])
    }

    @Test func noSecretFailsWithPppdsMessage() throws {
        var rng = SeededRandom(seed: 4)
        var auth = try makeAuth()
        let (id, value) = try begin(&auth, &rng)
        let actions = auth.receive(answer(id, value, name: "mallory"), now: .zero, secrets: secrets, using: &rng)
        #expect(actions.logs().contains("No CHAP secret found for authenticating mallory"))
        #expect(actions.sent() == [.failure(identifier: id, message: bytes("Access denied"))])
        #expect(actions.outcomes() == [.peerFailed(name: bytes("mallory"), reason: .noSecret)])
    }

    @Test func namesInLogsAreEscapedAsPppdQuotes() throws {
        var rng = SeededRandom(seed: 4)
        var auth = try makeAuth()
        let (id, value) = try begin(&auth, &rng)
        let evil = CHAPPacket.response(identifier: id, value: md5Response(id, "x", value), name: [0x62, 0x0a, 0x22, 0x01])
        let logs = auth.receive(evil, now: .zero, secrets: secrets, using: &rng).logs()
        #expect(logs.contains("No CHAP secret found for authenticating b\\n\\\"\\x01"))
    }

    @Test func looksUpResponseNameOrRemotenameAgainstOurName() throws {
        var rng = SeededRandom(seed: 5)
        let recording = RecordingSecrets(secrets)
        var auth = try makeAuth()
        let (id, value) = try begin(&auth, &rng)
        _ = auth.receive(answer(id, value), now: .zero, secrets: recording, using: &rng)
        #expect(recording.queries.map { "\($0.client)@\($0.server)" } == ["alice@server"])

        let recording2 = RecordingSecrets(secrets)
        var auth2 = try makeAuth { $0.remoteName = bytes("alice") }
        let (id2, value2) = try begin(&auth2, &rng)
        let actions = auth2.receive(answer(id2, value2, name: "whoever"), now: .zero, secrets: recording2, using: &rng)
        #expect(recording2.queries.map { "\($0.client)@\($0.server)" } == ["alice@server"])
        #expect(actions.outcomes().count == 1)
        #expect(auth2.authenticatedName == bytes("alice"))
    }

    @Test func responsesWithOtherIdentifiersAreDiscardedAndCounted() throws {
        var rng = SeededRandom(seed: 6)
        var auth = try makeAuth()
        let (id, value) = try begin(&auth, &rng)
        let stray = auth.receive(answer(id &+ 1, value), now: .zero, secrets: secrets, using: &rng)
        #expect(stray.sent().isEmpty && stray.outcomes().isEmpty)
        #expect(auth.discardedResponses == 1)
        // Non-Response packets are not the authenticator's and are ignored silently.
        #expect(auth.receive(.success(identifier: id, message: []), now: .zero, secrets: secrets, using: &rng).isEmpty)
        #expect(auth.receive(answer(id, value), now: .zero, secrets: secrets, using: &rng).outcomes().count == 1)
        #expect(auth.discardedResponses == 1)
    }

    @Test func responseBeforeStartIsIgnored() throws {
        var rng = SeededRandom(seed: 6)
        var auth = try makeAuth()
        #expect(auth.receive(answer(1, [1]), now: .zero, secrets: secrets, using: &rng).isEmpty)
        #expect(auth.phase == .initial)
    }

    @Test func repeatedResponseGetsTheSameVerdictWithoutRecheck() throws {
        for good in [true, false] {
            var rng = SeededRandom(seed: 7)
            let recording = RecordingSecrets(secrets)
            var auth = try makeAuth()
            let (id, value) = try begin(&auth, &rng)
            let response = answer(id, value, secret: good ? "right-secret" : "bad")
            let first = auth.receive(response, now: .zero, secrets: recording, using: &rng)
            let again = auth.receive(response, now: .seconds(1), secrets: recording, using: &rng)
            #expect(again == first.filter { if case .send = $0 { return true } else { return false } })
            #expect(again.count == 1)
            #expect(recording.queries.count == 1)
            #expect(again.outcomes().isEmpty)
        }
    }

    @Test func chapIntervalRechallengesWithNewIdAndValue() throws {
        var rng = SeededRandom(seed: 8)
        var auth = try makeAuth { $0.rechallengeInterval = .seconds(30) }
        let (id, value) = try begin(&auth, &rng)
        let ok = auth.receive(answer(id, value), now: .seconds(1), secrets: secrets, using: &rng)
        #expect(ok.timer() == .seconds(31))
        let again = auth.timeout(now: .seconds(31), using: &rng)
        guard case .challenge(let id2, let value2, _)? = again.sent().first else { Issue.record("no rechallenge"); return }
        #expect(id2 == id &+ 1)
        #expect(value2 != value)
        #expect(again.timer() == .seconds(34))
        let ok2 = auth.receive(answer(id2, value2), now: .seconds(32), secrets: secrets, using: &rng)
        #expect(ok2.sent() == [.success(identifier: id2, message: bytes("Access granted"))])
        #expect(ok2.outcomes().isEmpty)  // already authenticated: no second outcome
        #expect(ok2.timer() == .seconds(62))
        #expect(auth.phase == .authenticated)
        // A failed re-challenge ends the link, max-bad-auth notwithstanding.
        guard case .challenge(let id3, let value3, _)? = auth.timeout(now: .seconds(62), using: &rng).sent().first else {
            Issue.record("no third challenge"); return
        }
        let bad = auth.receive(answer(id3, value3, secret: "stolen?"), now: .seconds(63), secrets: secrets, using: &rng)
        #expect(bad.outcomes() == [.peerFailed(name: bytes("alice"), reason: .wrongResponse)])
        #expect(bad.timer() == nil)
    }

    @Test func noRechallengeWithoutChapInterval() throws {
        var rng = SeededRandom(seed: 8)
        var auth = try makeAuth()
        let (id, value) = try begin(&auth, &rng)
        let ok = auth.receive(answer(id, value), now: .seconds(1), secrets: secrets, using: &rng)
        #expect(ok.timer() == nil)
        #expect(auth.timeout(now: .seconds(1000), using: &rng).isEmpty)
    }

    @Test func rechallengeUnderAnotherNameFails() throws {
        let table = TableSecrets([("alice", "server", "a"), ("bob", "server", "b")])
        var rng = SeededRandom(seed: 8)
        var auth = try makeAuth { $0.rechallengeInterval = .seconds(10) }
        let (id, value) = try begin(&auth, &rng)
        _ = auth.receive(answer(id, value, secret: "a"), now: .zero, secrets: table, using: &rng)
        guard case .challenge(let id2, let value2, _)? = auth.timeout(now: .seconds(10), using: &rng).sent().first else {
            Issue.record("no rechallenge"); return
        }
        let swapped = auth.receive(answer(id2, value2, secret: "b", name: "bob"), now: .seconds(11), secrets: table, using: &rng)
        #expect(swapped.outcomes() == [.peerFailed(name: bytes("bob"), reason: .nameChanged)])
        #expect(swapped.sent() == [.failure(identifier: id2, message: bytes("Access denied"))])
    }

    @Test func maxBadAuthAllowsFurtherChallengesThenFails() throws {
        var rng = SeededRandom(seed: 11)
        var auth = try makeAuth { $0.maxBadAuth = 2 }
        var (id, value) = try begin(&auth, &rng)
        var seen: Set<[UInt8]> = [value]
        for attempt in 1...3 {
            let actions = auth.receive(answer(id, value, secret: "nope"), now: .zero, secrets: secrets, using: &rng)
            let sent = actions.sent()
            #expect(sent.first == .failure(identifier: id, message: bytes("Access denied")))
            if attempt <= 2 {
                #expect(actions.outcomes().isEmpty)
                guard case .challenge(let next, let nextValue, _)? = sent.last else { Issue.record("no retry"); return }
                #expect(next == id &+ 1)
                #expect(!seen.contains(nextValue))
                seen.insert(nextValue)
                (id, value) = (next, nextValue)
            } else {
                #expect(sent.count == 1)
                #expect(actions.outcomes() == [.peerFailed(name: bytes("alice"), reason: .wrongResponse)])
            }
        }
    }

    @Test func maxBadAuthRetryCanSucceed() throws {
        var rng = SeededRandom(seed: 12)
        var auth = try makeAuth { $0.maxBadAuth = 1 }
        let (id, value) = try begin(&auth, &rng)
        let retry = auth.receive(answer(id, value, secret: "typo"), now: .zero, secrets: secrets, using: &rng)
        guard case .challenge(let id2, let value2, _)? = retry.sent().last else { Issue.record("no retry"); return }
        let ok = auth.receive(answer(id2, value2), now: .zero, secrets: secrets, using: &rng)
        #expect(ok.outcomes().count == 1)
        #expect(auth.phase == .authenticated)
    }

    @Test func stopCancelsTheTimerAndIgnoresLaterInput() throws {
        var rng = SeededRandom(seed: 13)
        var auth = try makeAuth()
        let (id, value) = try begin(&auth, &rng)
        #expect(auth.stop() == [.cancelTimer])
        #expect(auth.receive(answer(id, value), now: .zero, secrets: secrets, using: &rng).isEmpty)
        #expect(auth.timeout(now: .seconds(3), using: &rng).isEmpty)
        #expect(auth.phase == .stopped)
    }

    @Test func startTwiceIsAnError() throws {
        var rng = SeededRandom(seed: 13)
        var auth = try makeAuth()
        _ = auth.start(now: .zero, using: &rng)
        let second = auth.start(now: .zero, using: &rng)
        #expect(second.sent().isEmpty)
        #expect(second.logs() == ["CHAP: peer authentication already started!"])
    }

    @Test func invalidConfigurationsAreRefused() {
        #expect(throws: CHAPError.self) { try makeAuth { $0.maxChallenges = 0 } }
        #expect(throws: CHAPError.self) { try makeAuth { $0.restartInterval = .zero } }
        #expect(throws: CHAPError.self) { try makeAuth { $0.rechallengeInterval = .zero } }
        #expect(throws: CHAPError.self) { try makeAuth { $0.maxBadAuth = -1 } }
    }
}

struct CHAPTestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
