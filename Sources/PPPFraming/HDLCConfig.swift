/// Transmit-side link settings. The defaults are RFC 1661's "before LCP opens" state:
/// every control character escaped and a full `ff 03` + 2-byte protocol header.
public struct HDLCSendConfig: Hashable, Sendable {
    /// Bit n set => octet n (0x00–0x1f) is escaped on send (the peer's requested ACCM).
    public var accm: UInt32 = 0xffff_ffff
    /// Omit `ff 03` (peer agreed to ACFC). Never applied to LCP.
    public var addressControlCompression = false
    /// Send protocols below 0x0100 in one octet (peer agreed to PFC). Never applied to LCP.
    public var protocolCompression = false

    public init(accm: UInt32 = 0xffff_ffff, addressControlCompression: Bool = false, protocolCompression: Bool = false) {
        self.accm = accm
        self.addressControlCompression = addressControlCompression
        self.protocolCompression = protocolCompression
    }
}

/// Receive-side link settings; defaults as for `HDLCSendConfig`.
public struct HDLCReceiveConfig: Hashable, Sendable {
    /// Bit n set => octet n (0x00–0x1f) arriving unescaped is noise (e.g. XON/XOFF) and dropped.
    public var accm: UInt32 = 0xffff_ffff
    /// Largest information field accepted. Frames longer than this (plus header and FCS) are dropped.
    public var mru: Int = 1500
    /// Accept frames without `ff 03` (we agreed to the peer's ACFC).
    public var acceptAddressControlCompression = false
    /// Accept 1-octet protocol fields (we agreed to the peer's PFC).
    public var acceptProtocolCompression = false

    public init(accm: UInt32 = 0xffff_ffff, mru: Int = 1500, acceptAddressControlCompression: Bool = false, acceptProtocolCompression: Bool = false) {
        self.accm = accm
        self.mru = mru
        self.acceptAddressControlCompression = acceptAddressControlCompression
        self.acceptProtocolCompression = acceptProtocolCompression
    }
}
