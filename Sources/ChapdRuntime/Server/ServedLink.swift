import ChapdControl
import Foundation
import Logging
import NIOCore
import PPPCore
import PPPPackets

/// One link of the server: its driver, where it came from, the address it holds. The
/// observer callbacks run on the link's event loop; the registry reads the rest under the
/// server's lock.
final class ServedLink: LinkObserver, @unchecked Sendable {
    let id: Int
    /// `ttyS3`, `tcp 127.0.0.1:40112`, `unix`: the log tag and the `line` of `show sessions`.
    let tag: String
    /// The listener or line this link came from (ended with it when it is removed).
    let origin: String
    let loop: EventLoop
    let started = Date()
    let logger: Logger
    unowned let server: Server
    /// Set once, before the channel is active.
    var driver: LinkDriver!

    // Touched on `loop` only.
    private var lease: UInt32?
    private var claimed: UInt32?
    private var interface: String?
    private var reachedNetwork = false

    init(id: Int, tag: String, origin: String, loop: EventLoop, logger: Logger, server: Server) {
        self.id = id
        self.tag = tag
        self.origin = origin
        self.loop = loop
        self.logger = logger
        self.server = server
    }

    // MARK: LinkObserver

    func linkPhaseChanged(from old: LinkPhase, to new: LinkPhase) {
        server.stats.phaseChanged(from: old, to: new)
        if new == .network && !reachedNetwork {
            reachedNetwork = true
            server.stats.handshake(ok: true, reason: "")
        }
    }

    func linkAuthenticated(peer: String, after: Duration) {
        server.stats.authenticated(after: after)
    }

    func linkDropped(_ reason: String, count: Int) {
        server.stats.dropped(reason, count: count)
    }

    /// The peer's address: the one chap-secrets or RADIUS names (if no other live link holds
    /// it), else one from the pool; with neither possible IPCP is given no address to agree.
    func amend(_ verdict: CHAPVerdict) -> CHAPVerdict {
        guard case .accept(var granted) = verdict, !granted.peerChoosesAddress else { return verdict }
        let book = server.addresses
        if let named = granted.remoteAddress ?? AddressAuthorization.singleHost(granted.addresses) {
            if named == lease || named == claimed { return verdict }
            if book.claim(named) {
                releaseAddresses()
                claimed = named
                server.stats.poolChanged()
            } else {
                logger.error("Remote IP address \(dottedQuad(named)) is in use by another link")
                granted.remoteAddress = nil
                granted.addresses = [.none]
            }
            return .accept(granted)
        }
        guard book.hasPool else { return verdict }
        if let lease, AddressAuthorization.isAllowed(lease, rules: granted.addresses) {
            granted.remoteAddress = lease
            return .accept(granted)
        }
        guard let a = book.lease() else {
            logger.error("No address left in remote-pool for this link")
            granted.remoteAddress = nil
            granted.addresses = [.none]
            return .accept(granted)
        }
        guard AddressAuthorization.isAllowed(a, rules: granted.addresses) else {
            // The peer's secrets line limits it to addresses outside the pool: let IPCP
            // agree one of those, as pppd would.
            book.release(a)
            return verdict
        }
        releaseAddresses()
        lease = a
        server.stats.poolChanged()
        granted.remoteAddress = a
        return .accept(granted)
    }

    func linkNetworkUp(remote: UInt32) -> Bool {
        if remote == lease || remote == claimed { return true }
        guard server.addresses.claim(remote) else { return false }
        if let claimed { server.addresses.release(claimed) }
        claimed = remote
        server.stats.poolChanged()
        return true
    }

    func linkInterface(_ name: String) {
        interface = name
    }

    func linkEnded(_ end: LinkEnd, networkWasUp: Bool) {
        // A link dropped without LCP finishing (hang-up) never said "dead": count it out here.
        if driver.phase != .dead { server.stats.phaseChanged(from: driver.phase, to: .dead) }
        if !reachedNetwork {
            server.stats.handshake(ok: false, reason: end.failureWord)
        }
        server.stats.traffic(driver.lineCounters, driver.sessionCounters)
        releaseAddresses()
        server.stats.poolChanged()
        server.linkEnded(self, end: end)
    }

    /// A pool address leased at the start (links that do not authenticate the peer).
    func leaseAtStart() -> UInt32? {
        guard server.addresses.hasPool, let a = server.addresses.lease() else { return nil }
        lease = a
        server.stats.poolChanged()
        return a
    }

    private func releaseAddresses() {
        if let lease { server.addresses.release(lease) }
        if let claimed { server.addresses.release(claimed) }
        lease = nil
        claimed = nil
    }

    /// A row of `show sessions` (on `loop`).
    func row() -> SessionRow {
        let c = driver.lineCounters
        let a = driver.addresses
        return SessionRow(
            id: id, line: tag, peer: driver.peerName, phase: driver.phase.rawValue,
            uptimeSeconds: Date().timeIntervalSince(started),
            localAddress: a.map { dottedQuad($0.local) }, remoteAddress: a.map { dottedQuad($0.remote) },
            interface: interface, octetsIn: c.octetsIn, octetsOut: c.octetsOut, packetsIn: c.framesIn,
            packetsOut: c.framesOut, acctSessionId: driver.accountingSessionId)
    }
}
