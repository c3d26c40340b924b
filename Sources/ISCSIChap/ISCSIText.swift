/// iSCSI text keys (RFC 7143 §6.1): `key=value` pairs, each ended by a NUL octet, carried in
/// the data segment of Login and Text PDUs. Decoding never traps: every problem is an
/// `ISCSIChapFailure` naming what was wrong, never the value of a secret-bearing key.
public struct ISCSITextPair: Hashable, Sendable, CustomStringConvertible {
    public var key: String
    public var value: String
    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }
    public var description: String { "\(key)=\(value)" }
}

public enum ISCSIText {
    /// RFC 7143 §6.1: a key name is at most 63 characters.
    public static let maximumKeyLength = 63
    /// Bound on one value's text: a 1024-octet CHAP_C in hex is 2050 characters; nothing
    /// legitimate in a login is longer than 8192.
    public static let maximumValueLength = 8192

    /// Splits a data segment into pairs, in order. Zero octets that only pad (empty entries)
    /// are skipped; a last entry without its NUL is accepted (some initiators omit it).
    public static func decode(_ data: [UInt8]) throws(ISCSIChapFailure) -> [ISCSITextPair] {
        var pairs: [ISCSITextPair] = []
        var seen: Set<String> = []
        for entry in data.split(separator: 0, omittingEmptySubsequences: true) {
            guard let equals = entry.firstIndex(of: UInt8(ascii: "=")) else {
                throw ISCSIChapFailure(.malformedText, "text entry without '=' (\(entry.count) octets)")
            }
            let keyBytes = entry[entry.startIndex..<equals]
            let valueBytes = entry[(equals + 1)...]
            guard !keyBytes.isEmpty else { throw ISCSIChapFailure(.malformedText, "text entry with an empty key") }
            guard keyBytes.count <= maximumKeyLength else {
                throw ISCSIChapFailure(.malformedText, "key of \(keyBytes.count) characters (at most \(maximumKeyLength))")
            }
            guard keyBytes.allSatisfy(isKeyCharacter) else {
                throw ISCSIChapFailure(.malformedText, "key with a character outside RFC 7143's key alphabet")
            }
            let key = String(decoding: keyBytes, as: UTF8.self)
            guard valueBytes.count <= maximumValueLength else {
                throw ISCSIChapFailure(.malformedText, "value of \(key) is \(valueBytes.count) octets (at most \(maximumValueLength))")
            }
            guard let value = String(validating: valueBytes, as: UTF8.self) else {
                throw ISCSIChapFailure(.malformedText, "value of \(key) is not UTF-8")
            }
            guard seen.insert(key).inserted else {
                throw ISCSIChapFailure(.malformedText, "key \(key) appears twice")
            }
            pairs.append(ISCSITextPair(key, value))
        }
        return pairs
    }

    /// Each pair as `key=value` followed by NUL.
    public static func encode(_ pairs: [ISCSITextPair]) -> [UInt8] {
        var out: [UInt8] = []
        for pair in pairs {
            out += Array(pair.key.utf8)
            out.append(UInt8(ascii: "="))
            out += Array(pair.value.utf8)
            out.append(0)
        }
        return out
    }

    /// RFC 7143 §6.1: letters, digits, and `.` `-` `+` `@` `_`.
    static func isKeyCharacter(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "@"), UInt8(ascii: "_"):
            return true
        default:
            return false
        }
    }
}

extension Array where Element == ISCSITextPair {
    /// The value of `key`, if present.
    public subscript(key key: String) -> String? { first { $0.key == key }?.value }
}
