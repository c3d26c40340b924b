/// One deadline per timer kind, walked in the kinds' declaration order (as quinn-proto's
/// `TimerTable`): when deadlines coincide, the order their expiries are handled in is fixed,
/// never a hash order that changes from process to process.
public struct TimerTable<Timer: CaseIterable & RawRepresentable & Sendable>: Sendable where Timer.RawValue == Int {
    private var slots: [Instant?]

    public init() {
        slots = Array(repeating: nil, count: Timer.allCases.count)
    }

    public subscript(timer: Timer) -> Instant? {
        get { slots[timer.rawValue] }
        set { slots[timer.rawValue] = newValue }
    }

    /// The earliest armed deadline: what the edge's single timer waits for.
    public var next: Instant? { slots.lazy.compactMap { $0 }.min() }

    /// The timers due at `now`, in declaration order.
    public func due(at now: Instant) -> [Timer] {
        Timer.allCases.filter { self[$0].map { $0 <= now } ?? false }
    }
}
