/// Vocabulary shared by every sans-IO machine in PPPCore. Machines never read a clock or
/// draw randomness themselves: time arrives as `now`, randomness as an injected generator.

/// A point on a monotonic clock, in nanoseconds from an arbitrary origin. The I/O edge
/// maps NIO's clock onto it; tests drive it by hand (a virtual clock).
public struct Instant: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var nanoseconds: Int64
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }
    public static let zero = Instant(nanoseconds: 0)

    public static func seconds(_ s: Double) -> Instant { Instant(nanoseconds: Int64(s * 1e9)) }
    public static func < (a: Instant, b: Instant) -> Bool { a.nanoseconds < b.nanoseconds }
    public static func + (a: Instant, d: Duration) -> Instant { Instant(nanoseconds: a.nanoseconds + d.nanoseconds) }
    public static func - (a: Instant, b: Instant) -> Duration { .nanoseconds(a.nanoseconds - b.nanoseconds) }
    public var description: String { "t=\(Double(nanoseconds) / 1e9)s" }
}

extension Duration {
    /// Whole nanoseconds (saturating far beyond any PPP timer).
    public var nanoseconds: Int64 {
        let (s, atto) = components
        return s * 1_000_000_000 + atto / 1_000_000_000
    }
}

/// Severity of a machine's log action; the I/O edge maps it onto swift-log.
public enum LogLevel: Int, Comparable, Hashable, Sendable {
    case debug, info, notice, warning, error
    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }
}

/// A reproducible generator (SplitMix64) for simulations and tests. Never used for
/// challenges or magic numbers on a real line: those come from `SystemRandomNumberGenerator`.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { self.state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
