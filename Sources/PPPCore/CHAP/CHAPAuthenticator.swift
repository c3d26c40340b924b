import ChapSecrets
import PPPPackets

/// The authenticating side of CHAP (RFC 1994; pppd chap-new.c's server half), sans-IO.
/// Feed it Responses, timer expiries and a start; it answers with `Action`s.
public struct CHAPAuthenticator: Sendable {
    public typealias Action = CHAPAction<Outcome>

    public enum Outcome: Hashable, Sendable {
        /// A Response arrived for the outstanding Challenge: the owner decides and answers
        /// with `verdict(_:identifier:now:using:)`. Until then further Responses with that
        /// identifier are not verified again.
        case verificationNeeded(CHAPVerificationRequest)
        /// First successful authentication: `name` is the name that was verified (the
        /// Response's, or `remotename`); `authorization` what the backend granted.
        case peerAuthenticated(name: [UInt8], authorization: CHAPAuthorization)
        /// The peer has failed; the link should end. `name` is nil if it never answered.
        case peerFailed(name: [UInt8]?, reason: FailureReason)
    }

    public enum FailureReason: Hashable, Sendable {
        /// The Response did not match the secret (or had the wrong length for the digest).
        case wrongResponse
        /// No secret exists for (peer, us).
        case noSecret
        /// No Response after `chap-max-challenge` sends of one Challenge.
        case timeout
        /// A re-challenge was answered under a different name than the first success.
        case nameChanged
        /// The backend could not decide (every RADIUS server timed out, say).
        case backendUnavailable
    }

    public enum Phase: Hashable, Sendable {
        case initial, authenticating, authenticated, failed, stopped
    }

    private enum TimerPurpose: Hashable, Sendable { case retransmit, nextChallenge }

    private struct Outstanding: Hashable, Sendable {
        var identifier: UInt8
        var value: [UInt8]
        var sends: Int
    }

    public let configuration: CHAPAuthenticatorConfiguration
    private let registry: CHAPDigestRegistry
    private let challengeLengths: ClosedRange<Int>

    public private(set) var phase: Phase = .initial
    /// Responses dropped because they carried no identifier we could answer.
    public private(set) var discardedResponses = 0
    /// The name the peer first authenticated as (nil until then).
    public private(set) var authenticatedName: [UInt8]?

    private var nextIdentifier: UInt8?
    private var outstanding: Outstanding?
    /// The Challenge whose Response awaits the owner's verdict.
    private var verifying: (challenge: Outstanding, name: [UInt8])?
    /// Responses dropped because their identifier's verdict was still pending.
    public private(set) var responsesWhileVerifying = 0
    /// The last identifier answered and its Success/Failure, resent for duplicate Responses.
    private var lastAnswer: CHAPPacket?
    private var badResponses = 0
    private var timer: (deadline: Instant, purpose: TimerPurpose)?

    public init(configuration: CHAPAuthenticatorConfiguration, registry: CHAPDigestRegistry = .standard) throws(CHAPError) {
        guard let digest = registry.digest(algorithm: configuration.algorithm) else {
            throw .digestUnavailable(configuration.algorithm)
        }
        let lengths = configuration.challengeLengths ?? digest.defaultChallengeLengths
        guard lengths.lowerBound >= 1, lengths.upperBound <= 255 else {
            throw CHAPError(.invalidConfiguration, "CHAP challenge length must lie in 1...255, not \(lengths)")
        }
        guard configuration.maxChallenges >= 1 else {
            throw CHAPError(.invalidConfiguration, "chap-max-challenge must be at least 1")
        }
        guard configuration.restartInterval > .zero else {
            throw CHAPError(.invalidConfiguration, "chap-restart must be positive")
        }
        if let interval = configuration.rechallengeInterval, interval <= .zero {
            throw CHAPError(.invalidConfiguration, "chap-interval must be positive")
        }
        guard configuration.maxBadAuth >= 0 else {
            throw CHAPError(.invalidConfiguration, "max-bad-auth must not be negative")
        }
        self.configuration = configuration
        self.registry = registry
        self.challengeLengths = lengths
    }

    /// Begins authenticating the peer: the first Challenge goes out now.
    public mutating func start(now: Instant, using rng: inout some RandomNumberGenerator) -> [Action] {
        guard phase == .initial else {
            return [.log(.error, "CHAP: peer authentication already started!")]
        }
        phase = .authenticating
        return sendNewChallenge(now: now, using: &rng)
    }

    /// Handles a CHAP packet from the peer and, with the chap-secrets backend, decides a
    /// Response at once (the verdict's actions follow in the same list).
    public mutating func receive(_ packet: CHAPPacket, now: Instant, secrets: some SecretLookup,
                                 using rng: inout some RandomNumberGenerator) -> [Action] {
        var actions: [Action] = []
        for action in receive(packet, now: now, using: &rng) {
            if case .outcome(.verificationNeeded(let request)) = action {
                let verdict = CHAPVerification.verdict(for: request, secrets: secrets, registry: registry)
                actions += self.verdict(verdict, identifier: request.identifier, now: now, using: &rng)
            } else {
                actions.append(action)
            }
        }
        return actions
    }

    /// Handles a CHAP packet from the peer; only Responses concern the authenticator. A
    /// Response to the outstanding Challenge yields `.verificationNeeded`.
    public mutating func receive(_ packet: CHAPPacket, now: Instant,
                                 using rng: inout some RandomNumberGenerator) -> [Action] {
        guard case .response(let id, let value, let responseName) = packet,
              phase == .authenticating || phase == .authenticated || phase == .failed else {
            return []
        }
        if let pending = verifying, pending.challenge.identifier == id {
            responsesWhileVerifying += 1
            return [.log(.debug, "CHAP: Response id=0x\(String(id, radix: 16)) discarded: its verdict is pending")]
        }
        if let current = outstanding, current.identifier == id, phase != .failed {
            return requestVerification(value: value, responseName: responseName, against: current)
        }
        if let answer = lastAnswer, answer.identifier == id {
            // RFC 1994 §4.1: a repeated Response gets the same verdict, not a second check.
            return [.send(answer)]
        }
        discardedResponses += 1
        return [.log(.debug, "CHAP: discarded Response id=0x\(String(id, radix: 16)) (no Challenge outstanding with that id)")]
    }

    /// The owner's timer expired. Stale or early calls are ignored.
    public mutating func timeout(now: Instant, using rng: inout some RandomNumberGenerator) -> [Action] {
        guard let pending = timer, now >= pending.deadline else { return [] }
        timer = nil
        switch pending.purpose {
        case .nextChallenge:
            return sendNewChallenge(now: now, using: &rng)
        case .retransmit:
            guard var current = outstanding else { return [] }
            guard current.sends < configuration.maxChallenges else {
                outstanding = nil
                let who = configuration.remoteName ?? authenticatedName
                let text = who.map { "Peer \(PPPDText.quoted($0)) failed to respond to CHAP challenge" }
                    ?? "Peer failed to respond to CHAP challenge"
                return fail(name: who, reason: .timeout, logs: [.log(.warning, text)])
            }
            current.sends += 1
            outstanding = current
            return [.send(challengePacket(current)), armTimer(now + configuration.restartInterval, .retransmit)]
        }
    }

    /// The link went down or the owner is finished: no more packets or timers.
    public mutating func stop() -> [Action] {
        phase = .stopped
        outstanding = nil
        verifying = nil
        guard timer != nil else { return [] }
        timer = nil
        return [.cancelTimer]
    }

    // MARK: - Internals

    private mutating func sendNewChallenge(now: Instant, using rng: inout some RandomNumberGenerator) -> [Action] {
        let id = nextIdentifier ?? UInt8.random(in: .min ... .max, using: &rng)
        nextIdentifier = id &+ 1
        let length = Int.random(in: challengeLengths, using: &rng)
        var value = [UInt8]()
        value.reserveCapacity(length)
        for _ in 0..<length { value.append(UInt8.random(in: .min ... .max, using: &rng)) }
        let current = Outstanding(identifier: id, value: value, sends: 1)
        outstanding = current
        return [.send(challengePacket(current)), armTimer(now + configuration.restartInterval, .retransmit)]
    }

    private func challengePacket(_ current: Outstanding) -> CHAPPacket {
        .challenge(identifier: current.identifier, value: current.value, name: configuration.name)
    }

    private mutating func armTimer(_ deadline: Instant, _ purpose: TimerPurpose) -> Action {
        timer = (deadline, purpose)
        return .setTimer(deadline: deadline)
    }

    private mutating func requestVerification(value: [UInt8], responseName: [UInt8], against current: Outstanding) -> [Action] {
        outstanding = nil
        let name = configuration.remoteName ?? responseName
        verifying = (current, name)
        var actions: [Action] = []
        if timer != nil {
            // No retransmission while the verdict is pending: the peer has answered.
            timer = nil
            actions.append(.cancelTimer)
        }
        let request = CHAPVerificationRequest(
            identifier: current.identifier, name: name, responseName: responseName, server: configuration.name,
            algorithm: configuration.algorithm, challenge: current.value, response: value,
            isReauthentication: authenticatedName != nil)
        actions.append(.outcome(.verificationNeeded(request)))
        return actions
    }

    /// The owner's verdict on the Response to Challenge `identifier`. A verdict for any other
    /// identifier, or after the machine stopped, is stale and ignored.
    public mutating func verdict(_ verdict: CHAPVerdict, identifier: UInt8, now: Instant,
                                 using rng: inout some RandomNumberGenerator) -> [Action] {
        guard phase != .stopped, let pending = verifying, pending.challenge.identifier == identifier else {
            return [.log(.debug, "CHAP: stale verdict for id=0x\(String(identifier, radix: 16)) ignored")]
        }
        verifying = nil
        let current = pending.challenge
        let name = pending.name
        let quotedName = PPPDText.quoted(name)
        var actions: [Action] = []

        var failure: FailureReason?
        var failureText = configuration.failureMessage
        var authorization: CHAPAuthorization?
        switch verdict {
        case .accept(let granted):
            authorization = granted
        case .reject(let reason, let message):
            failure = reason
            if let message { failureText = message }
            if reason == .noSecret {
                actions.append(.log(.error, "No CHAP secret found for authenticating \(quotedName)"))
            }
        }
        if failure == nil, let first = authenticatedName, first != name {
            actions.append(.log(.warning, "CHAP: re-challenge answered as \(quotedName), not \(PPPDText.quoted(first))"))
            failure = .nameChanged
        }

        if let failure {
            actions.append(.log(.warning, "Peer \(quotedName) failed CHAP authentication"))
            let reply = CHAPPacket.failure(identifier: current.identifier, message: failureText)
            lastAnswer = reply
            actions.append(.send(reply))
            badResponses += 1
            if authenticatedName == nil, badResponses <= configuration.maxBadAuth {
                actions.append(.log(.info, "CHAP: challenging again after failure \(badResponses) of \(configuration.maxBadAuth + 1) allowed"))
                return actions + sendNewChallenge(now: now, using: &rng)
            }
            return actions + fail(name: name, reason: failure, logs: [])
        }

        guard let authorization else { return actions }
        let reply = CHAPPacket.success(identifier: current.identifier,
                                       message: authorization.successMessage ?? configuration.successMessage)
        lastAnswer = reply
        actions.append(.send(reply))
        badResponses = 0
        if authenticatedName == nil {
            authenticatedName = name
            phase = .authenticated
            actions.append(.outcome(.peerAuthenticated(name: name, authorization: authorization)))
        } else {
            actions.append(.log(.debug, "CHAP: peer \(quotedName) re-authenticated"))
        }
        if let interval = configuration.rechallengeInterval {
            actions.append(armTimer(now + interval, .nextChallenge))
        }
        return actions
    }

    private mutating func fail(name: [UInt8]?, reason: FailureReason, logs: [Action]) -> [Action] {
        phase = .failed
        outstanding = nil
        var actions = logs
        if timer != nil {
            timer = nil
            actions.append(.cancelTimer)
        }
        actions.append(.outcome(.peerFailed(name: name, reason: reason)))
        return actions
    }
}
