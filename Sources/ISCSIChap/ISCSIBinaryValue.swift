/// RFC 7143 §6.1 binary values: `0x`/`0X` then hex digits (an odd count has an implied
/// leading zero) or `0b`/`0B` then base64 (RFC 4648, padded). chapd accepts both and sends hex.
public enum ISCSIBinaryValue {
    /// Decodes `text`; `key` only names the value in the failure.
    public static func decode(_ text: String, key: String) throws(ISCSIChapFailure) -> [UInt8] {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "0") else {
            throw ISCSIChapFailure(.malformedValue, "\(key) is not a binary value (expected 0x… hex or 0b… base64)")
        }
        let body = bytes[2...]
        switch bytes[1] {
        case UInt8(ascii: "x"), UInt8(ascii: "X"):
            guard let value = decodeHex(body) else {
                throw ISCSIChapFailure(.malformedValue, "\(key) has no hex digits or a character that is not one")
            }
            return value
        case UInt8(ascii: "b"), UInt8(ascii: "B"):
            guard let value = decodeBase64(body) else {
                throw ISCSIChapFailure(.malformedValue, "\(key) is not valid base64 (length a multiple of 4, '=' only at the end)")
            }
            return value
        default:
            throw ISCSIChapFailure(.malformedValue, "\(key) is not a binary value (expected 0x… hex or 0b… base64)")
        }
    }

    /// `0x` then two lower-case hex digits per octet.
    public static func encodeHex(_ value: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [UInt8(ascii: "0"), UInt8(ascii: "x")]
        out.reserveCapacity(2 + value.count * 2)
        for b in value {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `0b` then padded base64 (used by tests and by peers that prefer it; chapd sends hex).
    public static func encodeBase64(_ value: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = [UInt8(ascii: "0"), UInt8(ascii: "b")]
        var i = 0
        while i < value.count {
            let n = min(3, value.count - i)
            let b0 = UInt32(value[i])
            let b1 = n > 1 ? UInt32(value[i + 1]) : 0
            let b2 = n > 2 ? UInt32(value[i + 2]) : 0
            let word = b0 << 16 | b1 << 8 | b2
            out.append(alphabet[Int(word >> 18 & 63)])
            out.append(alphabet[Int(word >> 12 & 63)])
            out.append(n > 1 ? alphabet[Int(word >> 6 & 63)] : UInt8(ascii: "="))
            out.append(n > 2 ? alphabet[Int(word & 63)] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hexDigit(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    static func decodeHex(_ digits: ArraySlice<UInt8>) -> [UInt8]? {
        guard !digits.isEmpty else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity((digits.count + 1) / 2)
        var i = digits.startIndex
        if digits.count % 2 == 1 {  // implied leading zero
            guard let d = hexDigit(digits[i]) else { return nil }
            out.append(d)
            i += 1
        }
        while i < digits.endIndex {
            guard let hi = hexDigit(digits[i]), let lo = hexDigit(digits[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    static func base64Digit(_ c: UInt8) -> UInt32? {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return UInt32(c - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return UInt32(c - UInt8(ascii: "a")) + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(c - UInt8(ascii: "0")) + 52
        case UInt8(ascii: "+"): return 62
        case UInt8(ascii: "/"): return 63
        default: return nil
        }
    }

    static func decodeBase64(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        guard !text.isEmpty, text.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(text.count / 4 * 3)
        var i = text.startIndex
        while i < text.endIndex {
            let isLast = i + 4 == text.endIndex
            let quad = text[i..<(i + 4)]
            let pad = quad.reversed().prefix { $0 == UInt8(ascii: "=") }.count
            guard pad <= 2, pad == 0 || isLast else { return nil }
            var word: UInt32 = 0
            for (n, c) in quad.enumerated() {
                if n >= 4 - pad {
                    word <<= 6
                    continue
                }
                guard let d = base64Digit(c) else { return nil }
                word = word << 6 | d
            }
            out.append(UInt8(word >> 16 & 0xff))
            if pad < 2 { out.append(UInt8(word >> 8 & 0xff)) }
            if pad < 1 { out.append(UInt8(word & 0xff)) }
            i += 4
        }
        return out
    }
}
