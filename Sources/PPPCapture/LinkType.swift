/// The pcap link types that can carry PPP frames, and how to find the PPP frame inside a
/// record of each. Pure functions over bytes: malformed records are reported, never trapped on.
public enum CaptureLinkType: Int32, Hashable, Sendable, CaseIterable {
    /// LINKTYPE_ETHERNET: only PPPoE session frames (ethertype 0x8864) are PPP.
    case ethernet = 1
    /// LINKTYPE_PPP: PPP frame, `ff 03` optional, protocol possibly compressed.
    case ppp = 9
    /// LINKTYPE_PPP_HDLC (DLT_PPP_SERIAL): as `ppp`, but Cisco HDLC frames may be mixed in.
    case pppSerial = 50
    /// LINKTYPE_PPP_ETHER: a PPPoE header then the PPP protocol field.
    case pppEther = 51
    /// LINKTYPE_PPP_PPPD: like `pppSerial` with the `ff` replaced by a direction octet.
    case pppPPPD = 166
    /// LINKTYPE_LINUX_SLL (`tcpdump -i any`): only PPPoE session frames are PPP.
    case linuxSLL = 113
    /// LINKTYPE_PPP_WITH_DIR: a direction octet (0 in, 1 out), then the PPP frame. chapd writes this.
    case pppWithDirection = 204
    /// LINKTYPE_LINUX_SLL2: as `linuxSLL` with the newer 20-octet header.
    case linuxSLL2 = 276

    /// Outcome of locating the PPP frame in one record.
    public enum Parsed: Hashable, Sendable {
        case frame(direction: CaptureDirection?, protocolNumber: UInt16, information: [UInt8])
        case skipped(String)
    }

    /// Finds the PPP frame in one record's captured bytes.
    public func parse(_ record: [UInt8]) -> Parsed {
        switch self {
        case .ppp:
            return Self.parsePPP(record[...], direction: nil)
        case .pppSerial:
            if let first = record.first, first == 0x0f || first == 0x8f {
                return .skipped("Cisco HDLC frame, not PPP")
            }
            return Self.parsePPP(record[...], direction: nil)
        case .pppWithDirection, .pppPPPD:
            guard let first = record.first else { return .skipped("empty record") }
            let direction: CaptureDirection
            switch first {
            case 0: direction = .received
            case 1: direction = .sent
            default: return .skipped("direction octet 0x\(hex(first)) is neither 0 (in) nor 1 (out)")
            }
            var rest = record[1...]
            // pppd's form keeps the control octet after the direction; consume it if present.
            if self == .pppPPPD, rest.first == 0x03 { rest = rest.dropFirst() }
            return Self.parsePPP(rest, direction: direction)
        case .pppEther:
            return Self.parsePPPoE(record[...], direction: nil)
        case .ethernet:
            var offset = 12
            guard record.count >= offset + 2 else { return .skipped("Ethernet header cut short") }
            var etherType = UInt16(record[offset]) << 8 | UInt16(record[offset + 1])
            if etherType == 0x8100 || etherType == 0x88a8 {  // one VLAN tag
                offset += 4
                guard record.count >= offset + 2 else { return .skipped("VLAN tag cut short") }
                etherType = UInt16(record[offset]) << 8 | UInt16(record[offset + 1])
            }
            guard etherType == 0x8864 else { return .skipped("ethertype 0x\(hex16(etherType)) is not a PPPoE session") }
            return Self.parsePPPoE(record[(offset + 2)...], direction: nil)
        case .linuxSLL:
            guard record.count >= 16 else { return .skipped("Linux cooked header cut short") }
            let packetType = UInt16(record[0]) << 8 | UInt16(record[1])
            let proto = UInt16(record[14]) << 8 | UInt16(record[15])
            guard proto == 0x8864 else {
                return .skipped("protocol 0x\(hex16(proto)) is not a PPPoE session (a ppp interface shows only network-layer packets)")
            }
            return Self.parsePPPoE(record[16...], direction: Self.sllDirection(packetType))
        case .linuxSLL2:
            guard record.count >= 20 else { return .skipped("Linux cooked v2 header cut short") }
            let proto = UInt16(record[0]) << 8 | UInt16(record[1])
            guard proto == 0x8864 else {
                return .skipped("protocol 0x\(hex16(proto)) is not a PPPoE session (a ppp interface shows only network-layer packets)")
            }
            return Self.parsePPPoE(record[20...], direction: Self.sllDirection(UInt16(record[10])))
        }
    }

    private static func sllDirection(_ packetType: UInt16) -> CaptureDirection? {
        switch packetType {
        case 0: return .received   // LINUX_SLL_HOST
        case 4: return .sent       // LINUX_SLL_OUTGOING
        default: return nil
        }
    }

    /// PPPoE (RFC 2516) session header: ver/type, code 0, session id, length; then protocol.
    private static func parsePPPoE(_ b: ArraySlice<UInt8>, direction: CaptureDirection?) -> Parsed {
        guard b.count >= 6 else { return .skipped("PPPoE header cut short") }
        let s = b.startIndex
        guard b[s] == 0x11, b[s + 1] == 0x00 else { return .skipped("not a PPPoE session data frame") }
        let length = Int(b[s + 4]) << 8 | Int(b[s + 5])
        let payload = b[(s + 6)...]
        // The PPPoE length bounds the payload; Ethernet padding follows it.
        return parseProtocol(payload.prefix(length), direction: direction)
    }

    /// A PPP frame with optional `ff 03`.
    static func parsePPP(_ b: ArraySlice<UInt8>, direction: CaptureDirection?) -> Parsed {
        var rest = b
        if rest.count >= 2, rest[rest.startIndex] == 0xff, rest[rest.startIndex + 1] == 0x03 {
            rest = rest.dropFirst(2)
        }
        return parseProtocol(rest, direction: direction)
    }

    /// The protocol field, 1 octet when compressed (RFC 1661 §6.6: an odd first octet ends it).
    static func parseProtocol(_ b: ArraySlice<UInt8>, direction: CaptureDirection?) -> Parsed {
        guard let first = b.first else { return .skipped("no protocol field") }
        if first & 1 == 1 {
            return .frame(direction: direction, protocolNumber: UInt16(first), information: Array(b.dropFirst()))
        }
        guard b.count >= 2 else { return .skipped("protocol field cut short") }
        let second = b[b.startIndex + 1]
        guard second & 1 == 1 else {
            return .skipped("protocol field 0x\(hex(first))\(hex(second)) is malformed (low octet must be odd)")
        }
        return .frame(direction: direction, protocolNumber: UInt16(first) << 8 | UInt16(second),
                      information: Array(b.dropFirst(2)))
    }
}

func hex(_ v: UInt8) -> String {
    let s = String(v, radix: 16)
    return s.count < 2 ? "0" + s : s
}

func hex16(_ v: UInt16) -> String { hex(UInt8(v >> 8)) + hex(UInt8(v & 0xff)) }
