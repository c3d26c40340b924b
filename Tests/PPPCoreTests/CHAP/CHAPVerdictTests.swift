import ChapSecrets
import PPPCore
import PPPPackets
import Testing

/// The authenticator asks for a verdict and waits for it (RADIUS-style backends).
@Suite struct CHAPVerdictTests {
    let support = CHAPAuthenticatorTests()

    func pending() throws -> (CHAPAuthenticator, SeededRandom, UInt8, [UInt8], CHAPVerificationRequest) {
        var rng = SeededRandom(seed: 5)
        var auth = try support.makeAuth()
        let (id, value) = try support.begin(&auth, &rng)
        let actions = auth.receive(support.answer(id, value), now: .seconds(1), using: &rng)
        guard case .verificationNeeded(let request)? = actions.outcomes().first else {
            Issue.record("no verification request: \(actions)")
            throw CancellationError()
        }
        #expect(actions.sent().isEmpty)
        #expect(actions.cancelsTimer())   // no Challenge retransmission while waiting
        return (auth, rng, id, value, request)
    }

    @Test func theRequestCarriesWhatABackendNeedsAndNoSecret() throws {
        let (_, _, id, value, request) = try pending()
        #expect(request.identifier == id)
        #expect(request.name == bytes("alice"))
        #expect(request.responseName == bytes("alice"))
        #expect(request.server == bytes("server"))
        #expect(request.algorithm == 5)
        #expect(request.challenge == value)
        #expect(request.response == CHAPMD5Digest().makeResponse(identifier: id, secret: Secret("right-secret"), challenge: value))
        #expect(!request.isReauthentication)
    }

    @Test func aResponseRepeatedWhileTheVerdictIsPendingIsNotVerifiedTwice() throws {
        var (auth, rng, id, value, _) = try pending()
        let again = auth.receive(support.answer(id, value), now: .seconds(2), using: &rng)
        #expect(again.outcomes().isEmpty)
        #expect(again.sent().isEmpty)
        #expect(auth.responsesWhileVerifying == 1)
    }

    @Test func acceptCarriesTheBackendsMessageAndAuthorization() throws {
        var (auth, rng, id, _, _) = try pending()
        let granted = CHAPAuthorization(addresses: [], remoteAddress: 0x0a40_0005, successMessage: bytes("Welcome from RADIUS"),
                                        sessionTimeout: .seconds(5))
        let actions = auth.verdict(.accept(granted), identifier: id, now: .seconds(3), using: &rng)
        #expect(actions.sent() == [.success(identifier: id, message: bytes("Welcome from RADIUS"))])
        #expect(actions.outcomes() == [.peerAuthenticated(name: bytes("alice"), authorization: granted)])
    }

    @Test func rejectCarriesTheBackendsMessage() throws {
        var (auth, rng, id, _, _) = try pending()
        let actions = auth.verdict(.reject(.wrongResponse, message: bytes("Go away")), identifier: id, now: .seconds(3), using: &rng)
        #expect(actions.sent() == [.failure(identifier: id, message: bytes("Go away"))])
        #expect(actions.outcomes() == [.peerFailed(name: bytes("alice"), reason: .wrongResponse)])
    }

    @Test func staleVerdictsAreIgnored() throws {
        var (auth, rng, id, _, _) = try pending()
        let other = auth.verdict(.accept(CHAPAuthorization(addresses: [.any])), identifier: id &+ 1, now: .seconds(3), using: &rng)
        #expect(other.sent().isEmpty && other.outcomes().isEmpty)
        _ = auth.stop()
        let late = auth.verdict(.accept(CHAPAuthorization(addresses: [.any])), identifier: id, now: .seconds(4), using: &rng)
        #expect(late.sent().isEmpty && late.outcomes().isEmpty)
    }
}

@Suite struct ExternalVerificationLinkTests {
    static func external(_ c: LinkConfiguration) -> LinkConfiguration {
        var c = c
        c.verifyExternally = true
        return c
    }

    /// Runs the pair, answering each `.verify` from A with `answer` after `delay`.
    func run(_ pair: inout LinkPair, until limit: Duration, answer: (CHAPVerificationRequest) -> CHAPVerdict,
             stop: ((LinkPair) -> Bool)? = nil) {
        var answered = 0
        let end = pair.now + limit
        while pair.now < end {
            pair.run(until: .milliseconds(100), stop: stop)
            if let stop, stop(pair) { return }
            let requests = pair.actionsA.compactMap { if case .verify(let r) = $0 { r } else { nil } }
            for request in requests.dropFirst(answered) {
                pair.apply(pair.a.verdict(answer(request), identifier: request.identifier, now: pair.now), fromA: true)
            }
            answered = requests.count
        }
    }

    @Test func theLinkWaitsForTheVerdictThenUsesItsAddressAndTimeout() {
        var pair = LinkPair(a: Self.external(LinkFixtures.server()), b: LinkFixtures.alice(), secrets: StaticSecrets(lines: []))
        let granted = CHAPAuthorization(addresses: [], remoteAddress: 0x0a01_0002, successMessage: bytes("Hello via RADIUS"),
                                        sessionTimeout: .seconds(20))
        run(&pair, until: .seconds(60), answer: { _ in .accept(granted) }) { $0.exitA != nil }
        #expect(pair.logB.contains("CHAP authentication succeeded: Hello via RADIUS"), "\(pair.logB)")
        #expect(pair.actionsA.contains(.ipUp(local: 0x0a01_0001, remote: 0x0a01_0002)))
        #expect(pair.logA.contains("Session timeout: connect time expired"), "\(pair.logA)")
        #expect(pair.exitA == ExitStatus.connectTime)
        #expect(pair.a.end == .sessionTimeout)
    }

    @Test func idleTimeoutSparesABusyLinkAndEndsAnIdleOne() {
        var pair = LinkPair(a: Self.external(LinkFixtures.server()), b: LinkFixtures.alice(), secrets: StaticSecrets(lines: []))
        let granted = CHAPAuthorization(addresses: [], remoteAddress: 0x0a01_0002, idleTimeout: .seconds(8))
        run(&pair, until: .seconds(3), answer: { _ in .accept(granted) })
        #expect(pair.actionsA.contains(.ipUp(local: 0x0a01_0001, remote: 0x0a01_0002)))
        // A packet every 2 s for 20 s: never idle for 8.
        for _ in 0..<10 {
            pair.a.ipDeliveredToInterface(octets: 84)
            pair.run(until: .seconds(2), stop: nil)
        }
        #expect(pair.exitA == nil, "\(pair.logA)")
        // Then nothing: the link ends 8 s after the last packet, within a check period (2 s).
        let quiet = pair.now
        pair.run(until: .seconds(30)) { $0.exitA != nil }
        #expect(pair.logA.contains("Terminating connection due to lack of activity."), "\(pair.logA)")
        #expect(pair.exitA == ExitStatus.idleTimeout)
        #expect(pair.a.end == .idleTimeout)
        // The 8 s count from the check that last saw the packet count move (checks run every
        // 2 s, a quarter of the limit); in this simulation that lands 7.1 s into the quiet.
        let waited = (pair.now - quiet).nanoseconds / 1_000_000
        #expect(waited == 7_100, "ended \(waited) ms after the quiet began")
    }

    @Test func framedMTULowersTheInterfaceMTU() {
        var pair = LinkPair(a: Self.external(LinkFixtures.server()), b: LinkFixtures.alice(), secrets: StaticSecrets(lines: []))
        var granted = CHAPAuthorization(addresses: [], remoteAddress: 0x0a01_0002)
        granted.framedMTU = 1400
        run(&pair, until: .seconds(3), answer: { _ in .accept(granted) })
        #expect(pair.actionsA.contains(.ipUp(local: 0x0a01_0001, remote: 0x0a01_0002)))
        #expect(pair.a.interfaceMTU == 1400)
    }

    @Test func aRejectEndsTheLinkWithTheBackendsText() {
        var pair = LinkPair(a: Self.external(LinkFixtures.server()), b: LinkFixtures.alice(), secrets: StaticSecrets(lines: []))
        run(&pair, until: .seconds(60), answer: { _ in .reject(.wrongResponse, message: bytes("Rejected by RADIUS")) }) { $0.exitA != nil && $0.exitB != nil }
        #expect(pair.logB.contains("CHAP authentication failed: Rejected by RADIUS"), "\(pair.logB)")
        #expect(pair.exitA == ExitStatus.peerAuthFailed)
        #expect(pair.a.end == .peerAuthenticationFailed(.wrongResponse))
    }

    @Test func aVerdictForAnEndedAuthenticationIsDropped() {
        var pair = LinkPair(a: Self.external(LinkFixtures.server()), b: LinkFixtures.alice(), secrets: StaticSecrets(lines: []))
        pair.run(until: .seconds(5)) { $0.actionsA.contains { if case .verify = $0 { true } else { false } } }
        guard case .verify(let request)? = pair.actionsA.first(where: { if case .verify = $0 { true } else { false } }) else {
            Issue.record("no verify")
            return
        }
        pair.closeA(reason: "User request", status: ExitStatus.userRequest)
        pair.run(until: .seconds(30))
        let late = pair.a.verdict(.accept(CHAPAuthorization(addresses: [.any])), identifier: request.identifier, now: pair.now)
        #expect(!late.contains { if case .send = $0 { true } else { false } })
        #expect(pair.exitA == ExitStatus.userRequest)
    }
}
