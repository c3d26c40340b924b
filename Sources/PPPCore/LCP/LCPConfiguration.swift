/// What our LCP asks for and allows, from pppd's option words.
public struct LCPConfiguration: Hashable, Sendable {
    /// `mru N`: requested only when not 1500 (pppd sends no MRU option for the default).
    public var mru: Int = 1500
    /// `mtu N`: caps the peer's MRU for what we send.
    public var mtu: Int?
    /// `asyncmap` (OR of all given); nil for `default-asyncmap` (neither asked nor allowed).
    public var asyncMap: UInt32? = 0
    /// false for `nomagic` (neither asked nor allowed).
    public var magicNumber = true
    /// false for `nopcomp`.
    public var protocolCompression = true
    /// false for `noaccomp`.
    public var addressControlCompression = true
    /// We require the peer to authenticate itself with CHAP-MD5 (`auth`, `require-chap`).
    public var requireCHAP = false
    /// We may authenticate ourselves with CHAP-MD5 (false for `refuse-chap` or no secret).
    public var canAuthenticateWithCHAP = true
    /// pppd's `lcp_loopbackfail`: Naks of our magic in a row before "looped back".
    public var loopbackFailLimit = 10

    public init() {}
}
