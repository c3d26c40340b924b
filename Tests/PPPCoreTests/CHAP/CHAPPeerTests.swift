import ChapSecrets
import PPPCore
import PPPPackets
import Testing

@Suite struct CHAPPeerTests {
    let secrets = TableSecrets([("alice", "server", "right-secret"), ("bob", "server", "bob-secret"),
                                ("alice", "gateway", "gw-secret")])
    let challengeValue: [UInt8] = Array(0..<16)

    func makePeer(_ edit: (inout CHAPPeerConfiguration) -> Void = { _ in }) throws -> CHAPPeer {
        var config = CHAPPeerConfiguration(name: "alice")
        edit(&config)
        var peer = try CHAPPeer(configuration: config)
        _ = peer.start(now: .zero)
        return peer
    }

    func challenge(_ id: UInt8, from name: String = "server", value: [UInt8]? = nil) -> CHAPPacket {
        .challenge(identifier: id, value: value ?? challengeValue, name: bytes(name))
    }

    @Test func answersWithUserNameAndLooksUpUserAtChallenger() throws {
        let recording = RecordingSecrets(secrets)
        var peer = try makePeer { $0.user = bytes("bob") }
        let actions = peer.receive(challenge(7), now: .zero, secrets: recording)
        #expect(actions.sent() == [.response(identifier: 7, value: md5Response(7, "bob-secret", challengeValue), name: bytes("bob"))])
        #expect(recording.queries.map { "\($0.client)@\($0.server)" } == ["bob@server"])
        #expect(peer.phase == .waitingForStatus)
    }

    @Test func userDefaultsToName() throws {
        let config = CHAPPeerConfiguration(name: "alice")
        #expect(config.user == bytes("alice"))
        var peer = try makePeer()
        #expect(peer.receive(challenge(1), now: .zero, secrets: secrets).sent()
                == [.response(identifier: 1, value: md5Response(1, "right-secret", challengeValue), name: bytes("alice"))])
    }

    @Test func remotenameOverridesTheChallengersName() throws {
        let recording = RecordingSecrets(secrets)
        var peer = try makePeer { $0.remoteName = bytes("gateway") }
        let sent = peer.receive(challenge(2, from: "server"), now: .zero, secrets: recording).sent()
        #expect(recording.queries.map(\.server) == ["gateway"])
        #expect(sent == [.response(identifier: 2, value: md5Response(2, "gw-secret", challengeValue), name: bytes("alice"))])
    }

    @Test func passwordOverridesLookup() throws {
        let recording = RecordingSecrets(secrets)
        var peer = try makePeer { $0.password = Secret("wrong-secret") }
        let sent = peer.receive(challenge(3), now: .zero, secrets: recording).sent()
        #expect(recording.queries.isEmpty)
        #expect(sent == [.response(identifier: 3, value: md5Response(3, "wrong-secret", challengeValue), name: bytes("alice"))])
    }

    @Test func noSecretWarnsAndAnswersWithAnEmptySecretAsPppd() throws {
        var peer = try makePeer()
        let actions = peer.receive(challenge(4, from: "elsewhere"), now: .zero, secrets: secrets)
        #expect(actions.logs().contains("No CHAP secret found for authenticating us to elsewhere"))
        #expect(actions.sent() == [.response(identifier: 4, value: md5Response(4, "", challengeValue), name: bytes("alice"))])
    }

    @Test func retransmittedChallengeGetsTheSameResponseAndNewIdANewOne() throws {
        let recording = RecordingSecrets(secrets)
        var peer = try makePeer()
        let first = peer.receive(challenge(5), now: .zero, secrets: recording).sent()
        let repeated = peer.receive(challenge(5), now: .seconds(3), secrets: recording)
        #expect(repeated.sent() == first)
        #expect(repeated.timer() == nil)  // the give-up deadline is not pushed back by repeats
        #expect(recording.queries.count == 1)
        let fresh = peer.receive(challenge(6, value: [9, 9, 9]), now: .seconds(4), secrets: recording).sent()
        #expect(fresh == [.response(identifier: 6, value: md5Response(6, "right-secret", [9, 9, 9]), name: bytes("alice"))])
    }

    @Test func successIsReportedOnceInPppdsWords() throws {
        var peer = try makePeer()
        _ = peer.receive(challenge(8), now: .zero, secrets: secrets)
        let actions = peer.receive(.success(identifier: 8, message: bytes("Access granted")), now: .zero, secrets: secrets)
        #expect(actions.logs() == ["CHAP authentication succeeded: Access granted", "CHAP authentication succeeded"])
        #expect(actions.outcomes() == [.authenticated(message: bytes("Access granted"))])
        #expect(actions.cancelsTimer())
        #expect(peer.phase == .authenticated)
        // A duplicate Success changes nothing.
        #expect(peer.receive(.success(identifier: 8, message: []), now: .zero, secrets: secrets).outcomes().isEmpty)
    }

    @Test func successWithoutMessageLogsPlainText() throws {
        var peer = try makePeer()
        _ = peer.receive(challenge(8), now: .zero, secrets: secrets)
        let actions = peer.receive(.success(identifier: 8, message: []), now: .zero, secrets: secrets)
        #expect(actions.logs().first == "CHAP authentication succeeded")
        #expect(actions.outcomes() == [.authenticated(message: [])])
    }

    @Test func failureIsReported() throws {
        var peer = try makePeer()
        _ = peer.receive(challenge(9), now: .zero, secrets: secrets)
        let actions = peer.receive(.failure(identifier: 9, message: bytes("Access denied")), now: .zero, secrets: secrets)
        #expect(actions.logs() == ["CHAP authentication failed: Access denied", "CHAP authentication failed"])
        #expect(actions.outcomes() == [.failed(.rejected(message: bytes("Access denied")))])
        #expect(peer.phase == .failed)
    }

    @Test func controlCharactersInMessagesAreMadeVisible() throws {
        var peer = try makePeer()
        _ = peer.receive(challenge(9), now: .zero, secrets: secrets)
        let actions = peer.receive(.failure(identifier: 9, message: [0x4e, 0x1b, 0x6f, 0xe9]), now: .zero, secrets: secrets)
        #expect(actions.logs().first == "CHAP authentication failed: N^[oM-i")
    }

    @Test func statusWithWrongIdentifierIsIgnored() throws {
        var peer = try makePeer()
        _ = peer.receive(challenge(10), now: .zero, secrets: secrets)
        #expect(peer.receive(.success(identifier: 11, message: []), now: .zero, secrets: secrets).outcomes().isEmpty)
        #expect(peer.receive(.failure(identifier: 9, message: []), now: .zero, secrets: secrets).outcomes().isEmpty)
        #expect(peer.phase == .waitingForStatus)
        // Before any Challenge there is nothing to confirm either.
        var fresh = try makePeer()
        #expect(fresh.receive(.success(identifier: 0, message: []), now: .zero, secrets: secrets).outcomes().isEmpty)
    }

    @Test func givesUpWaitingForAChallenge() throws {
        var config = CHAPPeerConfiguration(name: "alice")
        config.timeout = .seconds(60)
        var peer = try CHAPPeer(configuration: config)
        #expect(peer.start(now: .seconds(1)).timer() == .seconds(61))
        #expect(peer.timeout(now: .seconds(60)).isEmpty)
        let actions = peer.timeout(now: .seconds(61))
        #expect(actions.outcomes() == [.failed(.timeout)])
        #expect(actions.logs() == ["CHAP: timed out waiting for Challenge from peer"])
        #expect(peer.timeout(now: .seconds(200)).isEmpty)
    }

    @Test func givesUpWaitingForSuccessOrFailure() throws {
        var peer = try makePeer { $0.timeout = .seconds(20); $0.responseRestartInterval = nil }
        let answered = peer.receive(challenge(1), now: .seconds(5), secrets: secrets)
        #expect(answered.timer() == .seconds(25))
        let actions = peer.timeout(now: .seconds(25))
        #expect(actions.outcomes() == [.failed(.timeout)])
        #expect(actions.logs() == ["CHAP: timed out waiting for Success or Failure from peer"])
    }

    @Test func resendsTheResponseUntilAVerdictArrives() throws {
        var peer = try makePeer { $0.maxResponses = 3 }
        let first = peer.receive(challenge(1), now: .seconds(1), secrets: secrets)
        let response = try #require(first.sent().first)
        #expect(first.timer() == .seconds(4))
        let second = peer.timeout(now: .seconds(4))
        #expect(second.sent() == [response])
        #expect(second.timer() == .seconds(7))
        #expect(peer.timeout(now: .seconds(7)).sent() == [response])
        let givenUp = peer.timeout(now: .seconds(10))
        #expect(givenUp.sent().isEmpty)
        #expect(givenUp.outcomes() == [.failed(.timeout)])
        #expect(givenUp.logs() == ["CHAP: no Success or Failure after 3 Responses"])
    }

    @Test func aVerdictStopsTheResends() throws {
        var peer = try makePeer()
        _ = peer.receive(challenge(1), now: .zero, secrets: secrets)
        #expect(peer.timeout(now: .seconds(3)).sent().count == 1)
        let ok = peer.receive(.success(identifier: 1, message: []), now: .seconds(4), secrets: secrets)
        #expect(ok.cancelsTimer())
        #expect(peer.timeout(now: .seconds(6)).isEmpty)
    }

    @Test func pppd249ModeDoesNotResend() throws {
        var peer = try makePeer { $0.responseRestartInterval = nil }
        let first = peer.receive(challenge(1), now: .seconds(1), secrets: secrets)
        #expect(first.timer() == .seconds(61))
        #expect(peer.timeout(now: .seconds(4)).isEmpty)
        #expect(throws: CHAPError.self) { try makePeer { $0.maxResponses = 0 } }
        #expect(throws: CHAPError.self) { try makePeer { $0.responseRestartInterval = .zero } }
    }

    @Test func statusCancelsTheGiveUpTimer() throws {
        var peer = try makePeer()
        _ = peer.receive(challenge(1), now: .zero, secrets: secrets)
        _ = peer.receive(.success(identifier: 1, message: []), now: .seconds(1), secrets: secrets)
        #expect(peer.timeout(now: .seconds(600)).isEmpty)
    }

    @Test func noTimeoutMeansWaitingForever() throws {
        var peer = try makePeer { $0.timeout = nil }
        #expect(peer.timeout(now: .seconds(1e6)).isEmpty)
        #expect(throws: CHAPError.self) { try makePeer { $0.timeout = .zero } }
    }

    @Test func reflectedChallengeIsIgnored() throws {
        for reflected in ["alice", "al"] {
            var peer = try makePeer { $0.user = bytes("al") }
            let actions = peer.receive(challenge(12, from: reflected), now: .zero, secrets: secrets)
            #expect(actions.sent().isEmpty)
            #expect(actions.logs() == ["Ignoring CHAP Challenge id=0xc carrying our own name \(reflected) (possible reflection attack)"])
            #expect(peer.reflectedChallenges == 1)
        }
    }

    @Test func nochapIgnoreusAnswersOurOwnName() throws {
        var peer = try makePeer { $0.ignoreOwnName = false }
        let table = TableSecrets([("alice", "alice", "self")])
        #expect(peer.receive(challenge(12, from: "alice"), now: .zero, secrets: table).sent().count == 1)
    }

    @Test func chapWaitHoldsTheLatestChallengeUntilReleased() throws {
        var peer = try makePeer { $0.waitForPeerAuthentication = true }
        #expect(peer.receive(challenge(20), now: .zero, secrets: secrets).sent().isEmpty)
        #expect(peer.receive(challenge(21, value: [1, 2]), now: .seconds(3), secrets: secrets).sent().isEmpty)
        let released = peer.peerAuthenticatedToUs(now: .seconds(4), secrets: secrets)
        #expect(released.sent() == [.response(identifier: 21, value: md5Response(21, "right-secret", [1, 2]), name: bytes("alice"))])
        // Once released, challenges are answered at once.
        #expect(peer.receive(challenge(22), now: .seconds(5), secrets: secrets).sent().count == 1)
        #expect(peer.peerAuthenticatedToUs(now: .seconds(6), secrets: secrets).isEmpty)
    }

    @Test func chapWaitReleasedBeforeAnyChallengeAnswersImmediately() throws {
        var peer = try makePeer { $0.waitForPeerAuthentication = true }
        #expect(peer.peerAuthenticatedToUs(now: .zero, secrets: secrets).isEmpty)
        #expect(peer.receive(challenge(1), now: .zero, secrets: secrets).sent().count == 1)
    }

    @Test func answersRechallengesAfterSuccessSilently() throws {
        var peer = try makePeer()
        _ = peer.receive(challenge(1), now: .zero, secrets: secrets)
        _ = peer.receive(.success(identifier: 1, message: []), now: .zero, secrets: secrets)
        let again = peer.receive(challenge(2, value: [5]), now: .seconds(30), secrets: secrets)
        #expect(again.sent() == [.response(identifier: 2, value: md5Response(2, "right-secret", [5]), name: bytes("alice"))])
        let ok = peer.receive(.success(identifier: 2, message: bytes("Access granted")), now: .seconds(30), secrets: secrets)
        #expect(ok.outcomes().isEmpty)
        #expect(ok.logs().isEmpty)
        #expect(peer.phase == .authenticated)
    }

    @Test func beforeStartAndAfterStopNothingHappens() throws {
        var idle = try CHAPPeer(configuration: CHAPPeerConfiguration(name: "alice"))
        #expect(idle.receive(challenge(1), now: .zero, secrets: secrets).isEmpty)
        var peer = try makePeer()
        #expect(peer.stop() == [.cancelTimer])
        #expect(peer.receive(challenge(1), now: .zero, secrets: secrets).isEmpty)
        #expect(peer.timeout(now: .seconds(100)).isEmpty)
    }

    @Test func responsesAreNotThePeersBusiness() throws {
        var peer = try makePeer()
        #expect(peer.receive(.response(identifier: 1, value: [1], name: []), now: .zero, secrets: secrets).isEmpty)
        #expect(CHAPPacket.response(identifier: 1, value: [], name: []).isForAuthenticator)
        #expect(!CHAPPacket.challenge(identifier: 1, value: [], name: []).isForAuthenticator)
    }
}
