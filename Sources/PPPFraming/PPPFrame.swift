/// One PPP frame as seen above the HDLC layer: the protocol field (always expanded to its
/// 16-bit value, whatever compression was used on the wire) and the information field.
/// Protocol numbers are plain `UInt16` here because framing sits below PPPPackets.
public struct PPPFrame: Hashable, Sendable {
    public var protocolNumber: UInt16
    public var information: [UInt8]

    public init(protocolNumber: UInt16, information: [UInt8]) {
        self.protocolNumber = protocolNumber
        self.information = information
    }

    /// LCP's protocol number; LCP gets special treatment in the header rules (RFC 1661 §6.5, 6.6).
    public static let lcpProtocol: UInt16 = 0xc021

    /// True for LCP Configure-Request … Code-Reject (codes 1–7). RFC 1661 §6 requires these to be
    /// sent as if no options were negotiated: full address/control, 2-byte protocol and the
    /// default ACCM (Linux's ppp_async does the same and always starts them with a flag).
    public var isLCPLinkConfiguration: Bool {
        guard protocolNumber == Self.lcpProtocol, let code = information.first else { return false }
        return (1...7).contains(code)
    }
}
