/// What our IPV6CP asks for and allows (RFC 5072), from pppd's option words `+ipv6`,
/// `ipv6 LOCAL,REMOTE`, `ipv6cp-accept-local`, `ipv6cp-accept-remote`. Identifiers are the
/// 64-bit interface identifiers of the fe80::/64 link-local addresses.
public struct IPV6CPConfiguration: Hashable, Sendable {
    /// Our identifier (`ipv6 ::1,`); nil: a random non-zero one, and we take the peer's
    /// suggestion (pppd sets accept_local when none was given).
    public var localIdentifier: UInt64?
    /// The peer's identifier (`ipv6 ,::2`); nil: take the peer's own.
    public var remoteIdentifier: UInt64?
    public var acceptLocal = false
    public var acceptRemote = false

    public init() {}
}

/// pppd's llv6_ntoa: "fe80::" and the identifier as four groups of four hex digits.
public func linkLocalText(_ identifier: UInt64) -> String {
    let groups = (0..<4).map { i -> String in
        let g = String((identifier >> (48 - 16 * UInt64(i))) & 0xffff, radix: 16)
        return String(repeating: "0", count: 4 - g.count) + g
    }
    return "fe80::" + groups.joined(separator: ":")
}
