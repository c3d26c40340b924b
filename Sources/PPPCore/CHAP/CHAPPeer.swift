import ChapSecrets
import PPPPackets

/// The side of CHAP that proves itself (RFC 1994; pppd chap-new.c's client half), sans-IO.
public struct CHAPPeer: Sendable {
    public typealias Action = CHAPAction<Outcome>

    public enum Outcome: Hashable, Sendable {
        /// The first Success; `message` is its text (pppd's "Access granted").
        case authenticated(message: [UInt8])
        /// We could not authenticate ourselves; the link should end.
        case failed(Failure)
    }

    public enum Failure: Hashable, Sendable {
        /// The peer sent Failure with this text.
        case rejected(message: [UInt8])
        /// `chap-timeout` passed waiting for a Challenge or for Success/Failure.
        case timeout
    }

    public enum Phase: Hashable, Sendable {
        case initial, waitingForChallenge, waitingForStatus, authenticated, failed, stopped
    }

    private struct Answered: Hashable, Sendable {
        var identifier: UInt8
        var challenge: [UInt8]
        var response: CHAPPacket
    }

    private struct Held: Hashable, Sendable {
        var identifier: UInt8
        var challenge: [UInt8]
        var name: [UInt8]
    }

    public let configuration: CHAPPeerConfiguration
    private let digest: any CHAPDigest

    public private(set) var phase: Phase = .initial
    /// Challenges not answered because they carried our own name.
    public private(set) var reflectedChallenges = 0

    private var answered: Answered?
    /// The identifier whose Success/Failure we wait for.
    private var awaitingStatus: UInt8?
    private var held: Held?
    private var released: Bool
    private var succeededOnce = false
    /// When we stop waiting (chap-timeout) and when our Response is next resent.
    private var giveUpAt: Instant?
    private var retransmitAt: Instant?
    private var responseSends = 0
    /// The deadline last handed to the owner's timer.
    private var armedDeadline: Instant?

    public init(configuration: CHAPPeerConfiguration, registry: CHAPDigestRegistry = .standard) throws(CHAPError) {
        guard let digest = registry.digest(algorithm: configuration.algorithm) else {
            throw .digestUnavailable(configuration.algorithm)
        }
        if let timeout = configuration.timeout, timeout <= .zero {
            throw CHAPError(.invalidConfiguration, "chap-timeout must be positive")
        }
        if let interval = configuration.responseRestartInterval, interval <= .zero {
            throw CHAPError(.invalidConfiguration, "chap-response-interval must be positive")
        }
        guard configuration.maxResponses >= 1 else {
            throw CHAPError(.invalidConfiguration, "chap-response-failure must be at least 1")
        }
        self.configuration = configuration
        self.digest = digest
        self.released = !configuration.waitForPeerAuthentication
    }

    /// LCP agreed that we authenticate with CHAP: wait for the peer's Challenge.
    public mutating func start(now: Instant) -> [Action] {
        guard phase == .initial else {
            return [.log(.error, "CHAP: authentication with peer already started!")]
        }
        phase = .waitingForChallenge
        giveUpAt = configuration.timeout.map { now + $0 }
        return syncTimer()
    }

    /// Handles a CHAP packet from the peer; Responses belong to the authenticator and are ignored.
    public mutating func receive(_ packet: CHAPPacket, now: Instant, secrets: some SecretLookup) -> [Action] {
        guard phase != .initial, phase != .stopped else { return [] }
        switch packet {
        case .challenge(let id, let value, let challengerName):
            return challenge(id: id, value: value, challengerName: challengerName, now: now, secrets: secrets)
        case .success(let id, let message):
            return status(id: id, message: message, success: true)
        case .failure(let id, let message):
            return status(id: id, message: message, success: false)
        case .response:
            return []
        }
    }

    /// The owner's timer expired. Stale or early calls are ignored.
    public mutating func timeout(now: Instant) -> [Action] {
        guard let due = armedDeadline, now >= due else { return [] }
        armedDeadline = nil
        if let giveUp = giveUpAt, now >= giveUp {
            let waitingFor = awaitingStatus == nil ? "Challenge" : "Success or Failure"
            return giveUpWaiting("CHAP: timed out waiting for \(waitingFor) from peer")
        }
        guard let resend = retransmitAt, now >= resend, let last = answered else { return syncTimer() }
        guard responseSends < configuration.maxResponses else {
            return giveUpWaiting("CHAP: no Success or Failure after \(responseSends) Responses")
        }
        responseSends += 1
        retransmitAt = configuration.responseRestartInterval.map { now + $0 }
        return [.send(last.response)] + syncTimer()
    }

    /// chap-wait: the peer has now authenticated to us, so answer the latest held Challenge.
    public mutating func peerAuthenticatedToUs(now: Instant, secrets: some SecretLookup) -> [Action] {
        released = true
        guard let pending = held, phase != .stopped else { return [] }
        held = nil
        return respond(id: pending.identifier, value: pending.challenge, challengerName: pending.name,
                       now: now, secrets: secrets)
    }

    /// The link went down or the owner is finished.
    public mutating func stop() -> [Action] {
        phase = .stopped
        held = nil
        awaitingStatus = nil
        giveUpAt = nil
        retransmitAt = nil
        return syncTimer()
    }

    // MARK: - Internals

    private mutating func challenge(id: UInt8, value: [UInt8], challengerName: [UInt8], now: Instant,
                                    secrets: some SecretLookup) -> [Action] {
        if configuration.ignoreOwnName, challengerName == configuration.name || challengerName == configuration.user {
            reflectedChallenges += 1
            return [.log(.warning, "Ignoring CHAP Challenge id=0x\(String(id, radix: 16)) carrying our own name \(PPPDText.quoted(challengerName)) (possible reflection attack)")]
        }
        if !released {
            // Only the latest matters: the peer retransmits, and a new id replaces the old.
            held = Held(identifier: id, challenge: value, name: challengerName)
            return [.log(.debug, "CHAP: holding Challenge id=0x\(String(id, radix: 16)) until the peer has authenticated to us")]
        }
        if let previous = answered, previous.identifier == id, previous.challenge == value {
            // A retransmission: our Response was lost, send the same one again.
            return [.send(previous.response)]
        }
        return respond(id: id, value: value, challengerName: challengerName, now: now, secrets: secrets)
    }

    private mutating func respond(id: UInt8, value: [UInt8], challengerName: [UInt8], now: Instant,
                                  secrets: some SecretLookup) -> [Action] {
        var actions: [Action] = []
        // pppd: remotename overrides, and stands in when the Challenge carries no name.
        let server = configuration.remoteName ?? challengerName
        let secret: Secret
        if let password = configuration.password {
            secret = password
        } else if let match = secrets.lookup(client: configuration.user, server: server) {
            secret = match.secret
        } else {
            // pppd answers anyway with an empty secret; the peer will refuse it.
            actions.append(.log(.warning, "No CHAP secret found for authenticating us to \(PPPDText.quoted(server))"))
            secret = Secret([UInt8]())
        }
        let digestValue = digest.makeResponse(identifier: id, secret: secret, challenge: value)
        let response = CHAPPacket.response(identifier: id, value: digestValue, name: configuration.user)
        answered = Answered(identifier: id, challenge: value, response: response)
        awaitingStatus = id
        if phase == .waitingForChallenge { phase = .waitingForStatus }
        actions.append(.send(response))
        responseSends = 1
        giveUpAt = configuration.timeout.map { now + $0 }
        retransmitAt = configuration.responseRestartInterval.map { now + $0 }
        actions += syncTimer()
        return actions
    }

    private mutating func status(id: UInt8, message: [UInt8], success: Bool) -> [Action] {
        guard awaitingStatus == id else {
            return [.log(.debug, "CHAP: ignored \(success ? "Success" : "Failure") id=0x\(String(id, radix: 16)) (not awaited)")]
        }
        awaitingStatus = nil
        giveUpAt = nil
        retransmitAt = nil
        var actions = syncTimer()
        let text = message.isEmpty ? "" : ": " + PPPDText.visible(message)
        if success {
            phase = .authenticated
            // pppd reports only the first success; re-challenges pass silently.
            guard !succeededOnce else { return actions }
            succeededOnce = true
            actions.append(.log(.info, "CHAP authentication succeeded" + text))
            actions.append(.log(.notice, "CHAP authentication succeeded"))
            actions.append(.outcome(.authenticated(message: message)))
        } else {
            phase = .failed
            actions.append(.log(.info, "CHAP authentication failed" + text))
            actions.append(.log(.error, "CHAP authentication failed"))
            actions.append(.outcome(.failed(.rejected(message: message))))
        }
        return actions
    }

    private mutating func giveUpWaiting(_ text: String) -> [Action] {
        awaitingStatus = nil
        giveUpAt = nil
        retransmitAt = nil
        phase = .failed
        return [.log(.error, text), .outcome(.failed(.timeout))] + syncTimer()
    }

    /// Points the owner's single timer at the earlier of our two deadlines.
    private mutating func syncTimer() -> [Action] {
        let next = [giveUpAt, retransmitAt].compactMap { $0 }.min()
        guard next != armedDeadline else { return [] }
        armedDeadline = next
        return [next.map { .setTimer(deadline: $0) } ?? .cancelTimer]
    }
}
