/// The generator LCP draws magic numbers from, injected so the policy stays a plain
/// value type: the runtime passes `.system`, simulations and tests `.seeded`.
public enum LCPRandom: RandomNumberGenerator, Sendable {
    case system
    case seeded(SeededRandom)

    public mutating func next() -> UInt64 {
        switch self {
        case .system:
            var g = SystemRandomNumberGenerator()
            return g.next()
        case .seeded(var g):
            let v = g.next()
            self = .seeded(g)
            return v
        }
    }

    /// A magic number; never zero, which RFC 1661 §6.4 treats as "no magic number".
    mutating func magic() -> UInt32 {
        while true {
            let v = UInt32(truncatingIfNeeded: next())
            if v != 0 { return v }
        }
    }
}
