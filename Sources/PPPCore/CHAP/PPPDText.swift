/// pppd's `%q` and `%v` renderings of octet strings from the wire, so log lines read as
/// pppd's do and a hostile name cannot inject control characters into a log.
enum PPPDText {
    /// `%q`: `"` and `\` escaped, control octets as `\t`, `\n`, `\b`, `\f` or `\xNN`.
    static func quoted(_ bytes: [UInt8]) -> String { render(bytes, quoted: true) }

    /// `%v`: high octets as `M-x`, control octets as `^X` (tab kept).
    static func visible(_ bytes: [UInt8]) -> String { render(bytes, quoted: false) }

    private static let hex = Array("0123456789ABCDEF")

    private static func render(_ bytes: [UInt8], quoted: Bool) -> String {
        var out = ""
        // pppd measures these with strlen, so a NUL ends the text.
        for byte in bytes.prefix(while: { $0 != 0 }) {
            var c = byte
            if !quoted && c >= 0x80 {
                out += "M-"
                c -= 0x80
            }
            if quoted && (c == 0x22 || c == 0x5c) { out += "\\" }
            if c < 0x20 || (0x7f <= c && c < 0xa0) {
                if quoted {
                    switch c {
                    case 0x09: out += "\\t"
                    case 0x0a: out += "\\n"
                    case 0x08: out += "\\b"
                    case 0x0c: out += "\\f"
                    default: out += "\\x" + String(hex[Int(c >> 4)]) + String(hex[Int(c & 0xf)])
                    }
                } else if c == 0x09 {
                    out += "\t"
                } else {
                    out += "^" + String(UnicodeScalar(c ^ 0x40))
                }
            } else {
                out += String(UnicodeScalar(c))
            }
        }
        return out
    }
}
