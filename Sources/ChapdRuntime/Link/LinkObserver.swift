import PPPCore

/// The server's view of one link. A driver tells its observer what happens, always on the
/// link's event loop; the single-link chapd has none.
protocol LinkObserver: AnyObject, Sendable {
    func linkPhaseChanged(from old: LinkPhase, to new: LinkPhase)
    /// Every required direction authenticated, `after` the authentication phase began.
    func linkAuthenticated(peer: String, after: Duration)
    /// Frames or input the link did not use, by reason (`bad-fcs`, `output-full`, ...).
    func linkDropped(_ reason: String, count: Int)
    /// A CHAP verdict about to be applied: the server gives the peer its address here.
    func amend(_ verdict: CHAPVerdict) -> CHAPVerdict
    /// IPCP opened with this remote address: false if another live link holds it.
    func linkNetworkUp(remote: UInt32) -> Bool
    /// The interface was created (named for `show sessions`).
    func linkInterface(_ name: String)
    /// The link is over and everything it waited for (ip-down, accounting Stop) is done.
    func linkEnded(_ end: LinkEnd, networkWasUp: Bool)
}

/// Octets and frames on the line itself, both directions (what `show sessions` reports).
struct LineCounters: Sendable {
    var octetsIn = 0
    var octetsOut = 0
    var framesIn = 0
    var framesOut = 0
}
