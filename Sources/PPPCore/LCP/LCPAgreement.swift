/// The LCP options in force: "our" values are what the peer acknowledged of our request
/// (how the peer must send to us), "peer" values what we acknowledged of the peer's
/// request (how we must send to the peer). Defaults when an option was not agreed.
public struct LCPAgreement: Hashable, Sendable {
    /// ACCM the peer uses toward us / we use toward the peer (0xffffffff: RFC 1662 default).
    public var ourAsyncMap: UInt32 = 0xffff_ffff
    public var peerAsyncMap: UInt32 = 0xffff_ffff
    /// Our MRU as agreed, and the peer's MRU capped by our `mtu` (what we may send).
    public var ourMRU: Int = 1500
    public var peerMRU: Int = 1500
    public var ourProtocolCompression = false
    public var ourAddressControlCompression = false
    public var peerProtocolCompression = false
    public var peerAddressControlCompression = false
    /// Our magic number (0 when not negotiated) and the peer's.
    public var ourMagic: UInt32 = 0
    public var peerMagic: UInt32 = 0
    /// We asked for `<auth chap MD5>` and the peer acknowledged it.
    public var peerAuthenticatesWithCHAP = false
    /// The peer asked for `<auth chap MD5>` and we acknowledged it.
    public var weAuthenticateWithCHAP = false

    public init() {}
}
