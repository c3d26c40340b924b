/// The ten states of the RFC 1661 §4.2 automaton; raw values are the RFC's state numbers.
public enum NegotiationState: Int, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case initial = 0, starting, closed, stopped, closing, stopping
    case requestSent, ackReceived, ackSent, opened

    /// States in which a Configure-Request of ours is outstanding (pppd resets its
    /// options only when a request is sent from outside these).
    var isNegotiating: Bool { self == .requestSent || self == .ackReceived || self == .ackSent }

    public var description: String {
        switch self {
        case .initial: return "Initial"
        case .starting: return "Starting"
        case .closed: return "Closed"
        case .stopped: return "Stopped"
        case .closing: return "Closing"
        case .stopping: return "Stopping"
        case .requestSent: return "Req-Sent"
        case .ackReceived: return "Ack-Rcvd"
        case .ackSent: return "Ack-Sent"
        case .opened: return "Opened"
        }
    }
}

/// RFC 1661 §4.6 counters and timer with pppd's defaults (`lcp-restart`,
/// `lcp-max-terminate`, `lcp-max-configure`, `lcp-max-failure` and their `ipcp-` twins),
/// plus pppd's behaviour switches for the automaton.
public struct NegotiationTimers: Hashable, Sendable {
    public var restartInterval: Duration
    public var maxTerminate: Int
    public var maxConfigure: Int
    public var maxFailure: Int
    /// `passive`: on Max-Configure, stay in Stopped waiting for the peer (no tlf).
    public var passive: Bool
    /// `silent`: send no Configure-Request until the peer's first one arrives.
    public var silent: Bool
    /// RFC "r": an Open in Stopped/Stopping/Opened restarts the link (Down then Up).
    public var restart: Bool
    /// pppd's `seen_ack`: once a reply to our current request was processed, further
    /// Ack/Nak/Rej with the same identifier are duplicates and are discarded. Off gives
    /// the bare RFC table (a duplicate Ack in Opened renegotiates).
    public var discardDuplicateReplies: Bool

    public init(restartInterval: Duration = .seconds(3), maxTerminate: Int = 2,
                maxConfigure: Int = 10, maxFailure: Int = 5, passive: Bool = false,
                silent: Bool = false, restart: Bool = false, discardDuplicateReplies: Bool = true) {
        self.restartInterval = restartInterval
        self.maxTerminate = maxTerminate
        self.maxConfigure = maxConfigure
        self.maxFailure = maxFailure
        self.passive = passive
        self.silent = silent
        self.restart = restart
        self.discardDuplicateReplies = discardDuplicateReplies
    }
}

/// Packets the automaton dropped, by reason (each drop is also logged at debug level).
public struct NegotiationCounters: Hashable, Sendable {
    /// Packets that did not parse, or arrived in Initial/Starting.
    public var discardedMalformed = 0
    public var discardedInInactiveState = 0
    /// Ack/Nak/Rej whose identifier is not our outstanding request's.
    public var discardedUnexpectedIdentifier = 0
    /// A second Ack/Nak/Rej to a request already answered (pppd's `seen_ack`).
    public var discardedDuplicateReply = 0
    /// Ack/Nak/Rej whose contents do not fit what we sent.
    public var discardedBadReply = 0
    public var codeRejectsSent = 0
    public init() {}
}
