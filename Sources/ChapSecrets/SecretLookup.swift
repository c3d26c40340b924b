/// The small protocol the CHAP machines and the daemon see; the chap-secrets file is one
/// backend behind it, others (a database, RADIUS) can follow without touching the core.
public protocol SecretLookup: Sendable {
    /// pppd's rule: the best-scoring entry for (client, server) — a non-wildcard client
    /// scores 2, a non-wildcard server 1, the first line wins ties. Names are octet
    /// strings, compared case-sensitively.
    func lookup(client: [UInt8], server: [UInt8]) -> SecretMatch?
}

/// A secret's octets. Its description is redacted so it can never reach a log by accident.
public struct Secret: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public let bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public init(_ string: String) { self.bytes = Array(string.utf8) }
    public var description: String { "<secret redacted>" }
    public var debugDescription: String { "<secret redacted>" }
}

/// One address word from a chap-secrets line's address field.
public enum AddressRule: Hashable, Sendable {
    /// `*`: any address the peer asks for.
    case any
    /// `-`: no address is allowed at all.
    case none
    /// `a.b.c.d` (prefixLength 32) or `a.b.c.d/n`; `negated` for a leading `!`.
    case network(address: UInt32, prefixLength: Int, negated: Bool)
}

/// What a lookup found: the matched line's fields (never logged whole: the secret is redacted).
public struct SecretMatch: Hashable, Sendable {
    public var client: [UInt8]
    public var server: [UInt8]
    public var secret: Secret
    /// Empty when the line had no address words. pppd(8): with only three words on the line
    /// (or `-` first) all addresses are disallowed; `*` allows any. Use `addresses.allows(_:)`.
    public var addresses: [AddressRule]
    /// Where the line came from, for messages: "/etc/ppp/chap-secrets:12".
    public var source: String

    public init(client: [UInt8], server: [UInt8], secret: Secret, addresses: [AddressRule] = [], source: String = "") {
        self.client = client
        self.server = server
        self.secret = secret
        self.addresses = addresses
        self.source = source
    }
}
