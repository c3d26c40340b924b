import PPPPackets

/// `lcp-echo-interval N` / `lcp-echo-failure M` as pppd 2.4.9 runs them: an
/// Echo-Request right when LCP opens and every N seconds after; only an Echo-Reply
/// clears the count of unanswered ones; when M are outstanding at the next tick the
/// peer is declared dead (the link closes with "Peer not responding", exit 15).
public struct LCPEchoMonitor: Sendable {
    public enum Action: Hashable, Sendable {
        case send(ControlPacket)
        case setTimer(Instant)
        case cancelTimer
        case log(LogLevel, String)
        case peerDead
    }

    public let interval: Duration
    public let maxFailures: Int
    /// Our magic number, carried in each Echo-Request.
    public var magic: UInt32
    public private(set) var pending = 0
    public private(set) var running = false
    /// `lcp-echo-adaptive`: an interval in which the peer sent us anything needs no echo —
    /// the link is evidently alive — so the request is skipped and the count cleared.
    public var adaptive = false
    private var trafficSeen = false
    private var nextIdentifier: UInt8 = 0
    private var deadline: Instant?

    public init(interval: Duration, maxFailures: Int, magic: UInt32) {
        self.interval = interval
        self.maxFailures = maxFailures
        self.magic = magic
    }

    /// LCP reached Opened.
    public mutating func start(now: Instant) -> [Action] {
        pending = 0
        nextIdentifier = 0
        running = interval > .zero
        return running ? tick(now: now) : []
    }

    /// LCP left Opened.
    public mutating func stop() -> [Action] {
        let wasArmed = deadline != nil
        running = false
        deadline = nil
        return wasArmed ? [.cancelTimer] : []
    }

    public mutating func timeout(now: Instant) -> [Action] {
        guard running, let d = deadline, now >= d else { return [] }
        deadline = nil
        return tick(now: now)
    }

    /// Any frame from the peer; only matters with `adaptive`.
    public mutating func trafficReceived() {
        if adaptive { trafficSeen = true }
    }

    /// An Echo-Reply from the peer (LCP already dropped our own looped-back ones).
    public mutating func replyReceived(identifier: UInt8, now: Instant) -> [Action] {
        pending = 0
        return []
    }

    private mutating func tick(now: Instant) -> [Action] {
        if adaptive && trafficSeen {
            trafficSeen = false
            pending = 0
            let d = now + interval
            deadline = d
            return [.setTimer(d)]
        }
        if maxFailures > 0 && pending >= maxFailures {
            running = false
            return [.log(.info, "No response to \(pending) echo-requests"),
                    .log(.notice, "Serial link appears to be disconnected."),
                    .peerDead]
        }
        let request = ControlPacket(code: ControlCode.echoRequest.rawValue, identifier: nextIdentifier,
                                    data: LCPOption.magicNumber(magic).raw.data)
        nextIdentifier &+= 1
        pending += 1
        let d = now + interval
        deadline = d
        return [.send(request), .setTimer(d)]
    }
}
