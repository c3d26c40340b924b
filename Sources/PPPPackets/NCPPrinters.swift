/// The frame pppd's ipcp_printpkt and ipv6cp_printpkt share: code and id, the options
/// (each protocol prints its own), TermReq/TermAck text, then — unlike LCP — every
/// trailing octet in hex.
enum NCPPrinter {
    static let codeNames = ["ConfReq", "ConfAck", "ConfNak", "ConfRej", "TermReq", "TermAck", "CodeRej"]

    static func print(
        _ reader: ByteReader, into out: inout TextSink,
        option: (UInt8, Int, inout ByteReader, inout TextSink) -> Void
    ) -> Int {
        var r = reader
        guard let (code, id, length) = pppdHeader(&r) else { return 0 }
        codeAndId(codeNames, code, id, into: &out)
        var len = length - 4
        switch code {
        case 1...4:
            OptionListWalker.walk(&r, &len, into: &out, option)
        case 5, 6:
            TerminateText.print(&r, &len, into: &out)
        default:
            break
        }
        while len > 0 {
            out.hexByte(r.u8())
            len -= 1
        }
        return r.p
    }
}

/// pppd's IPCP option printer, in NCPPrinter's frame.
enum IPCPPrinter {
    static func print(_ reader: ByteReader, into out: inout TextSink) -> Int {
        NCPPrinter.print(reader, into: &out) { type, olen, r, out in
            switch type {
            case 1 where olen == 10:
                r.p += 2
                out.append("addrs ")
                out.ip(r.u32())
                out.append(" ")
                out.ip(r.u32())
            case 2 where olen >= 4:
                r.p += 2
                let proto = r.u16()
                out.append("compress ")
                switch proto {
                case 0x002d: out.append("VJ")
                case 0x0037: out.append("old-VJ")
                default: out.append("0x" + hex(proto))
                }
            case 3 where olen == 6:
                r.p += 2
                out.append("addr ")
                out.ip(r.u32())
            case 129, 131:
                // pppd does not check these lengths: it reads four octets regardless.
                r.p += 2
                out.append(type == 129 ? "ms-dns1 " : "ms-dns2 ")
                out.ip(r.u32())
            case 130, 132:
                r.p += 2
                out.append("ms-wins ")
                out.ip(r.u32())
            default:
                break
            }
        }
    }
}

/// pppd's IPV6CP option printer, in NCPPrinter's frame.
enum IPV6CPPrinter {
    static func print(_ reader: ByteReader, into out: inout TextSink) -> Int {
        NCPPrinter.print(reader, into: &out) { type, olen, r, out in
            switch type {
            case 2 where olen >= 4:
                r.p += 2
                out.append("compress 0x" + hex(r.u16()))
            case 1 where olen == 10:
                r.p += 2
                // pppd's llv6_ntoa: the interface identifier as a link-local address.
                var groups: [String] = []
                for _ in 0..<4 {
                    let a = r.u8(), b = r.u8()
                    groups.append(hex2(a) + hex2(b))
                }
                out.append("addr fe80::" + groups.joined(separator: ":"))
            default:
                break
            }
        }
    }

    static func hex2(_ b: UInt8) -> String { b < 0x10 ? "0" + hex(b) : hex(b) }
}
