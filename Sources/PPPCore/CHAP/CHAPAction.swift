import PPPPackets

/// What a CHAP machine asks its owner to do. Each machine owns exactly one timer:
/// `setTimer` replaces any earlier deadline, and the owner calls the machine's
/// `timeout(now:)` once the deadline has passed.
public enum CHAPAction<Outcome: Hashable & Sendable>: Hashable, Sendable {
    case send(CHAPPacket)
    case setTimer(deadline: Instant)
    case cancelTimer
    case log(LogLevel, String)
    case outcome(Outcome)
}

extension CHAPPacket {
    /// Responses go to our authenticator; Challenge, Success and Failure to our peer machine.
    public var isForAuthenticator: Bool {
        if case .response = self { return true }
        return false
    }
}
