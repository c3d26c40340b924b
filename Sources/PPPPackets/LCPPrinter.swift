/// pppd's LCP packet printer. Returns how many octets it consumed (0 when the header or
/// Length is impossible: the caller then dumps the raw bytes, as pppd does).
enum LCPPrinter {
    static let codeNames = [
        "ConfReq", "ConfAck", "ConfNak", "ConfRej", "TermReq", "TermAck", "CodeRej",
        "ProtRej", "EchoReq", "EchoRep", "DiscReq", "Ident", "TimeRem",
    ]

    static func print(_ reader: ByteReader, into out: inout TextSink) -> Int {
        var r = reader
        guard let (code, id, length) = pppdHeader(&r) else { return 0 }
        codeAndId(codeNames, code, id, into: &out)
        var len = length - 4
        switch code {
        case 1...4:
            OptionListWalker.walk(&r, &len, into: &out) { type, olen, r, out in
                printOption(type: type, olen: olen, &r, into: &out)
            }
        case 5, 6:
            TerminateText.print(&r, &len, into: &out)
        case 9, 10, 11:
            if len >= 4 {
                out.append(" magic=0x" + hex(r.u32()))
                len -= 4
            }
        case 12, 13:
            if len >= 4 {
                out.append(" magic=0x" + hex(r.u32()))
                len -= 4
            }
            if code == 13 {
                guard len >= 4 else { break }
                out.append(" seconds=\(r.u32())")
                len -= 4
            }
            if len > 0 {
                out.append(" ")
                out.quoted(r, from: r.p, count: len)
                r.p += len
                len = 0
            }
        default:
            break
        }
        // LCP shows at most 32 trailing octets, then "...".
        var i = 0
        while i < len && i < 32 {
            out.hexByte(r.u8())
            i += 1
        }
        if i < len {
            out.append(" ...")
            r.p += len - i
        }
        return r.p
    }

    /// One option's text after `<`; the walker prints any octets left before `>`.
    static func printOption(type: UInt8, olen: Int, _ r: inout ByteReader, into out: inout TextSink) {
        let optEnd = r.p + olen
        switch type {
        case 1 where olen == 4:
            r.p += 2
            out.append("mru \(r.u16())")
        case 2 where olen == 6:
            r.p += 2
            out.append("asyncmap 0x" + hex(r.u32()))
        case 3 where olen >= 4:
            r.p += 2
            out.append("auth ")
            let proto = r.u16()
            switch proto {
            case 0xc023: out.append("pap")
            case 0xc223:
                out.append("chap")
                if r.p < optEnd {
                    switch r.at(r.p) {
                    case 5: out.append(" MD5"); r.p += 1
                    case 0x80: out.append(" MS"); r.p += 1
                    case 0x81: out.append(" MS-v2"); r.p += 1
                    default: break
                    }
                }
            case 0xc227: out.append("eap")
            default: out.append("0x" + hex(proto))
            }
        case 4 where olen >= 4:
            r.p += 2
            out.append("quality ")
            let proto = r.u16()
            out.append(proto == 0xc025 ? "lqr" : "0x" + hex(proto))
        case 13 where olen >= 3:
            r.p += 2
            out.append("callback ")
            let op = r.u8()
            out.append(op == 6 ? "CBCP" : "0x" + hex(op))
        case 5 where olen == 6:
            r.p += 2
            out.append("magic 0x" + hex(r.u32()))
        case 7 where olen == 2:
            r.p += 2
            out.append("pcomp")
        case 8 where olen == 2:
            r.p += 2
            out.append("accomp")
        case 17 where olen == 4:
            r.p += 2
            out.append("mrru \(r.u16())")
        case 18 where olen == 2:
            r.p += 2
            out.append("ssnhf")
        case 19 where olen >= 3:
            r.p += 2
            let cls = r.u8()
            let n = min(olen - 3, 20)  // pppd's MAX_ENDP_LEN
            let value = (0..<n).map { r.at(r.p + $0) }
            r.p += n
            out.append("endpoint [" + endpointText(cls: cls, value: value) + "]")
        default:
            break
        }
    }

    /// pppd's epdisc_to_str (multilink endpoint discriminator).
    static func endpointText(cls: UInt8, value: [UInt8]) -> String {
        if cls == 0 && value.isEmpty { return "null" }
        if cls == 2 && value.count == 4 {
            var s = TextSink()
            s.ip(UInt32(value[0]) << 24 | UInt32(value[1]) << 16 | UInt32(value[2]) << 8 | UInt32(value[3]))
            return "IP:" + s.text
        }
        let names = ["null", "local", "IP", "MAC", "magic", "phone"]
        var sep2: Character = "."
        var mask = 0
        if cls == 3 && value.count == 6 {
            sep2 = ":"
        } else if cls == 4 && value.count % 4 == 0 {
            mask = 3
        }
        var text = Int(cls) < names.count ? names[Int(cls)] : "\(cls)"
        var sep: Character = ":"
        for (i, b) in value.enumerated() {
            if i & mask == 0 {
                text.append(sep)
                sep = sep2
            }
            text += b < 0x10 ? "0" + hex(b) : hex(b)
        }
        return text
    }
}

/// The Configure-Request/Ack/Nak/Reject option walk shared by pppd's LCP, IPCP and IPV6CP
/// printers: stops at the first option whose length is below 2 or beyond the packet.
enum OptionListWalker {
    static func walk(
        _ r: inout ByteReader, _ len: inout Int, into out: inout TextSink,
        _ body: (UInt8, Int, inout ByteReader, inout TextSink) -> Void
    ) {
        while len >= 2 {
            let type = r.at(r.p)
            let olen = Int(r.at(r.p + 1))
            if olen < 2 || olen > len { break }
            out.append(" <")
            len -= olen
            let optEnd = r.p + olen
            body(type, olen, &r, &out)
            while r.p < optEnd { out.hexByte(r.u8()) }
            out.append(">")
        }
    }
}

/// Terminate-Request/Ack text: printed quoted only when its first octet is printable.
enum TerminateText {
    static func print(_ r: inout ByteReader, _ len: inout Int, into out: inout TextSink) {
        let first = r.at(r.p)
        if len > 0 && first >= 0x20 && first < 0x7f {
            out.append(" ")
            out.quoted(r, from: r.p, count: len)
            r.p += len
            len = 0
        }
    }
}
