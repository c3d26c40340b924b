/// What our IPCP asks for and allows, from pppd's option words. Addresses are host-order.
public struct IPCPConfiguration: Hashable, Sendable {
    /// LOCAL of `LOCAL:REMOTE`; nil: ask the peer (we send `<addr 0.0.0.0>`).
    public var localAddress: UInt32?
    /// REMOTE of `LOCAL:REMOTE`; nil: take the peer's idea.
    public var remoteAddress: UInt32?
    /// `ipcp-accept-local`: take the peer's Nak of our address.
    public var acceptLocal = false
    /// `ipcp-accept-remote`: take the peer's own idea of its address over REMOTE.
    public var acceptRemote = false
    /// `noipdefault`: chapd never guesses LOCAL from the hostname, so this only records
    /// the option; without LOCAL we always ask the peer.
    public var noIPDefault = false
    /// `ms-dns` (first and second), given when the peer asks with options 129/131.
    public var primaryDNS: UInt32?
    public var secondaryDNS: UInt32?
    /// `usepeerdns`: ask the peer for DNS addresses (options 129/131, starting at 0.0.0.0).
    public var requestDNS = false

    public init() {}
}
