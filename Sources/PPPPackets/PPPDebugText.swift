/// pppd's debug rendering of a packet (`sent [LCP ConfReq id=0x1 <magic 0x…>]`), byte for byte.
///
/// The printers follow pppd 2.4.9's behaviour (format_packet, lcp/ipcp/ipv6cp/chap/upap
/// printpkt) including its quirks: unknown or ill-sized options print as raw bytes inside
/// `< >`, a packet whose Length is impossible prints as `[LCP]` followed by its raw bytes,
/// and octets past Length are printed after the closing bracket. Reads that pppd would make
/// past the end of its buffer (ms-dns/ms-wins options too short) see zeros here, never trap.
/// PAP passwords print as `<hidden>`, as pppd does by default.
public enum PPPDebugText {
    /// The text pppd prints between `[` and `]`, e.g. `LCP TermAck id=0x2`.
    public static func describe(protocolNumber: UInt16, information: [UInt8]) -> String {
        render(protocolNumber: protocolNumber, information: information).inside
    }

    /// pppd's whole `%P` rendering: `[LCP TermAck id=0x2]`, plus ` 00 00` for padding.
    public static func format(protocolNumber: UInt16, information: [UInt8]) -> String {
        let r = render(protocolNumber: protocolNumber, information: information)
        return "[" + r.inside + "]" + r.after
    }

    /// The line pppd logs: `sent [...]` or `rcvd [...]`, cut at pppd's 1023-character buffer.
    public static func logLine(sent: Bool, protocolNumber: UInt16, information: [UInt8]) -> String {
        let line = (sent ? "sent " : "rcvd ") + format(protocolNumber: protocolNumber, information: information)
        return line.utf8.count > maxLogLine ? String(decoding: line.utf8.prefix(maxLogLine), as: UTF8.self) : line
    }

    /// pppd formats a log line into a 1024-byte buffer (1023 characters and a NUL).
    public static let maxLogLine = 1023

    struct Rendering { var inside: String; var after: String }

    static func render(protocolNumber proto: UInt16, information: [UInt8]) -> Rendering {
        var out = TextSink()
        var consumed = 0
        var inside: String
        switch proto {
        case 0xc021, 0x8021, 0x8057, 0xc223, 0xc023:
            let name = PPPDebugText.controlName(proto)
            var body = TextSink()
            let reader = ByteReader(information)
            switch proto {
            case 0xc021: consumed = LCPPrinter.print(reader, into: &body)
            case 0x8021: consumed = IPCPPrinter.print(reader, into: &body)
            case 0x8057: consumed = IPV6CPPrinter.print(reader, into: &body)
            case 0xc223: consumed = CHAPPrinter.print(reader, into: &body)
            default: consumed = PAPPrinter.print(reader, into: &body)
            }
            inside = name + body.text
        default:
            if let dataName = dataName(proto) {
                inside = dataName + " data"
                if information.count > 8 {
                    out.hexBytes(information.prefix(8))
                    out.append(" ...")
                } else {
                    out.hexBytes(information[...])
                }
                return Rendering(inside: inside, after: out.text)
            }
            inside = "proto=0x" + hex(proto)
        }
        // format_packet prints whatever the protocol printer did not consume.
        let remaining = information.count - consumed
        if remaining > 32 {
            out.hexBytes(information[consumed..<(consumed + 32)])
            out.append(" ...")
        } else if remaining > 0 {
            out.hexBytes(information[consumed...])
        }
        return Rendering(inside: inside, after: out.text)
    }

    static func controlName(_ proto: UInt16) -> String {
        switch proto {
        case 0xc021: return "LCP"
        case 0x8021: return "IPCP"
        case 0x8057: return "IPV6CP"
        case 0xc223: return "CHAP"
        default: return "PAP"
        }
    }

    /// pppd names the data protocol of each control protocol it runs (`[IP data]`).
    static func dataName(_ proto: UInt16) -> String? {
        switch proto {
        case 0x0021: return "IP"
        case 0x0057: return "IPV6"
        case 0x00fd: return "Compressed"
        case 0x0053: return "Encrypted"
        default: return nil
        }
    }
}

// MARK: - Helpers shared by the printers

@inline(__always) func hex<T: BinaryInteger>(_ v: T) -> String { String(v, radix: 16) }

/// A read cursor over untrusted bytes that behaves like pppd's pointer walk but never traps:
/// reading past the end yields 0.
struct ByteReader {
    let bytes: [UInt8]
    var p = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    var count: Int { bytes.count }
    func at(_ i: Int) -> UInt8 { i >= 0 && i < bytes.count ? bytes[i] : 0 }
    mutating func u8() -> UInt8 { defer { p += 1 }; return at(p) }
    mutating func u16() -> UInt16 { UInt16(u8()) << 8 | UInt16(u8()) }
    mutating func u32() -> UInt32 { UInt32(u16()) << 16 | UInt32(u16()) }
}

struct TextSink {
    var text = ""
    mutating func append(_ s: String) { text += s }
    /// `%.2x` with a leading space, pppd's ` %.2x` and `%B`.
    mutating func hexByte(_ b: UInt8) {
        text += b < 0x10 ? " 0" + hex(b) : " " + hex(b)
    }
    mutating func hexBytes(_ bytes: ArraySlice<UInt8>) { for b in bytes { hexByte(b) } }
    /// pppd's `%I`: dotted quad of four network-order bytes.
    mutating func ip(_ v: UInt32) {
        text += dottedQuad(v)
    }
    /// pppd's print_string: double quotes, `\\` `\"` escaped, \n \r \t named, the rest octal.
    mutating func quoted(_ r: ByteReader, from start: Int, count n: Int) {
        text += "\""
        var i = start
        while i < start + n {
            let c = r.at(i)
            switch c {
            case 0x20...0x7e:
                if c == 0x5c || c == 0x22 { text += "\\" }
                text.unicodeScalars.append(Unicode.Scalar(c))
            case 0x0a: text += "\\n"
            case 0x0d: text += "\\r"
            case 0x09: text += "\\t"
            default:
                let o = String(c, radix: 8)
                text += "\\" + String(repeating: "0", count: 3 - o.count) + o
            }
            i += 1
        }
        text += "\""
    }
}

/// Header checks every pppd control printer makes before printing anything: returns the
/// Length field, or nil (pppd then prints nothing and consumes nothing).
func pppdHeader(_ r: inout ByteReader) -> (code: UInt8, id: UInt8, len: Int)? {
    guard r.count >= 4 else { return nil }
    let code = r.u8(), id = r.u8(), len = Int(r.u16())
    guard len >= 4, len <= r.count else { return nil }
    return (code, id, len)
}

func codeAndId(_ names: [String], _ code: UInt8, _ id: UInt8, into out: inout TextSink) {
    if code >= 1, Int(code) <= names.count {
        out.append(" " + names[Int(code) - 1])
    } else {
        out.append(" code=0x" + hex(code))
    }
    out.append(" id=0x" + hex(id))
}
