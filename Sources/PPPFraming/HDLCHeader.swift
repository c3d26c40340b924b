/// Address/control and protocol field rules (RFC 1661 §6.5, §6.6; RFC 1662 §3.1).
enum HDLCHeaderCodec {
    static let address: UInt8 = 0xff
    static let control: UInt8 = 0x03

    /// Header octets for `frame` under `config`, written into `out` (at most 4); returns the count.
    @inline(__always)
    static func header(protocolNumber: UInt16, fullHeader: Bool, config: HDLCSendConfig,
                       into out: inout (UInt8, UInt8, UInt8, UInt8)) -> Int {
        var count = 0
        func put(_ byte: UInt8) {
            switch count {
            case 0: out.0 = byte
            case 1: out.1 = byte
            case 2: out.2 = byte
            default: out.3 = byte
            }
            count += 1
        }
        if fullHeader || !config.addressControlCompression {
            put(address)
            put(control)
        }
        let high = UInt8(truncatingIfNeeded: protocolNumber >> 8)
        // Only an odd low octet may stand alone: an even one reads as the high half of a
        // two-octet field (RFC 1661 §6.5), so an (invalid) even number goes out whole.
        if fullHeader || !config.protocolCompression || high != 0 || protocolNumber & 1 == 0 {
            put(high)
        }
        put(UInt8(truncatingIfNeeded: protocolNumber))
        return count
    }

    /// Parses the header at the start of `raw` (FCS already stripped). Returns the protocol and
    /// the offset where the information field begins, or nil when the header is malformed or uses
    /// a compression the receiver has not agreed to.
    static func parse(_ raw: UnsafeBufferPointer<UInt8>, config: HDLCReceiveConfig) -> (protocolNumber: UInt16, infoStart: Int)? {
        var index = 0
        if raw.count >= 1, raw[0] == address {
            // An address octet of ff is always the address field, even with ACFC agreed.
            guard raw.count >= 2, raw[1] == control else { return nil }
            index = 2
        } else if !config.acceptAddressControlCompression {
            return nil
        }
        guard index < raw.count else { return nil }
        let first = raw[index]
        if first & 1 == 1 {
            // Odd first octet: the protocol was compressed to its low byte.
            guard config.acceptProtocolCompression else { return nil }
            return (UInt16(first), index + 1)
        }
        guard index + 1 < raw.count else { return nil }
        // An even first octet is the high half of a two-octet field. A low octet that is even
        // makes the number invalid (RFC 1661 §2), but §2 says such a frame MUST be treated as
        // an unrecognized protocol, not dropped here: the link decides (Protocol-Reject in the
        // network phase, a silent discard before it).
        return (UInt16(first) << 8 | UInt16(raw[index + 1]), index + 2)
    }
}

extension HDLCEncoder {
    /// The address/control/protocol octets this encoder puts before `frame`'s information field
    /// (useful for captures that want the frame exactly as transmitted).
    public static func header(for frame: PPPFrame, config: HDLCSendConfig) -> [UInt8] {
        var out: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        let count = HDLCHeaderCodec.header(protocolNumber: frame.protocolNumber,
                                           fullHeader: usesDefaultLinkSettings(frame), config: config, into: &out)
        return Array([out.0, out.1, out.2, out.3].prefix(count))
    }

    /// True when `frame` must be sent as if no LCP options were negotiated: LCP itself always
    /// keeps `ff 03` and a 2-byte protocol, and LCP codes 1–7 also use the default ACCM.
    static func usesDefaultLinkSettings(_ frame: PPPFrame) -> Bool {
        frame.protocolNumber == PPPFrame.lcpProtocol
    }
}

extension HDLCDecoder {
    /// Parses a raw frame (address/control/protocol/information, FCS already checked and
    /// stripped) as the decoder would under `config`; nil when the header is malformed or uses a
    /// compression not accepted by `config`.
    public static func parseHeader(_ raw: some Collection<UInt8>, config: HDLCReceiveConfig) -> PPPFrame? {
        let bytes = Array(raw)
        return bytes.withUnsafeBufferPointer { pointer in
            guard let (proto, start) = HDLCHeaderCodec.parse(pointer, config: config) else { return nil }
            return PPPFrame(protocolNumber: proto, information: Array(pointer[start...]))
        }
    }
}
