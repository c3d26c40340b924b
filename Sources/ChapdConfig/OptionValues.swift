// Option argument parsing: pppd's numbers (strtoul, base 0 or 16), names, addresses.

enum OptionValues {
    /// pppd's MAXNAMELEN and MAXSECRETLEN are 256 including the terminator.
    static let maxNameLength = 255

    /// A number as pppd's int_option reads it (base 0: 0x.. hex, 0.. octal, else decimal),
    /// but the whole word must be a number (pppd ignores trailing junk; that hides typos).
    static func integer(_ text: String, option: String) throws(OptionValueError) -> Int {
        let bytes = Array(text.utf8)
        var digits = bytes[...]
        var radix = 10
        if digits.count > 2, digits.first == UInt8(ascii: "0"),
           digits.dropFirst().first == UInt8(ascii: "x") || digits.dropFirst().first == UInt8(ascii: "X") {
            radix = 16
            digits = digits.dropFirst(2)
        } else if digits.count > 1, digits.first == UInt8(ascii: "0") {
            radix = 8
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, let v = Int(String(decoding: digits, as: UTF8.self), radix: radix),
              v >= 0, v <= Int(Int32.max),
              digits.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x46).contains($0) || (0x61...0x66).contains($0) })
        else {
            throw OptionValueError("invalid numeric parameter '\(text)' for \(option) option")
        }
        return v
    }

    /// A number within limits, with pppd's "value must be" wording.
    static func integer(_ text: String, option: String, min: Int, max: Int?) throws(OptionValueError) -> Int {
        let v = try integer(text, option: option)
        if let max, v < min || v > max {
            throw OptionValueError("\(option) value must be between \(min) and \(max)")
        }
        if v < min { throw OptionValueError("\(option) value must be >= \(min)") }
        return v
    }

    /// A 32-bit hex number (pppd's asyncmap: strtoul base 16; an optional 0x is allowed).
    static func hex32(_ text: String, option: String) throws(OptionValueError) -> UInt32 {
        var body = Substring(text)
        if body.hasPrefix("0x") || body.hasPrefix("0X") { body = body.dropFirst(2) }
        guard !body.isEmpty, body.allSatisfy(\.isHexDigit), let v = UInt32(body, radix: 16) else {
            throw OptionValueError("invalid numeric parameter '\(text)' for \(option) option")
        }
        return v
    }

    /// A name (name, user, remotename): at most 255 bytes, as pppd's buffers hold.
    static func name(_ text: String, option: String) throws(OptionValueError) -> String {
        guard text.utf8.count <= maxNameLength else {
            throw OptionValueError("\(option) value is too long (at most \(maxNameLength) bytes)")
        }
        return text
    }

    /// A Linux interface name: 1 to 15 octets, none of them '/', ':', '%' or white space
    /// (what the kernel's dev_valid_name accepts, minus the pattern character).
    static func interfaceName(_ text: String, option: String) throws(OptionValueError) -> String {
        let bytes = Array(text.utf8)
        guard (1...15).contains(bytes.count), text != ".", text != "..",
              !bytes.contains(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "%") || $0 <= 0x20 || $0 == 0x7f }) else {
            throw OptionValueError("invalid interface name '\(text)' for \(option) option (1 to 15 characters, no '/', ':', '%' or spaces)")
        }
        return text
    }

    /// pppd's `ipv6 LOCAL,REMOTE`: each side an IPv6 address whose upper 64 bits are zero and
    /// lower 64 bits are not (`::1`, `::a:b:c:d`); either side may be empty.
    static func interfaceIdentifiers(_ text: String) throws(OptionValueError) -> (UInt64?, UInt64?) {
        let parts = text.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        func identifier(_ part: String, _ side: String) throws(OptionValueError) -> UInt64? {
            guard !part.isEmpty else { return nil }
            guard let groups = ipv6Groups(part), groups[0..<4].allSatisfy({ $0 == 0 }),
                  groups[4...].contains(where: { $0 != 0 }) else {
                throw OptionValueError("Illegal interface identifier (\(side)): \(part)")
            }
            return groups[4...].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        }
        let local = try identifier(parts[0], "local")
        let remote = parts.count > 1 ? try identifier(parts[1], "remote") : nil
        return (local, remote)
    }

    /// The eight 16-bit groups of a textual IPv6 address (RFC 4291 §2.2 forms 1 and 2), or nil.
    static func ipv6Groups(_ text: String) -> [UInt16]? {
        func parse(_ side: Substring) -> [UInt16]? {
            if side.isEmpty { return [] }
            var out: [UInt16] = []
            for g in side.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(g.count), let v = UInt16(g, radix: 16) else { return nil }
                out.append(v)
            }
            return out
        }
        let halves = text.split(separator: "::", omittingEmptySubsequences: false).map(String.init)
        switch halves.count {
        case 1:
            guard let all = parse(Substring(text)), all.count == 8 else { return nil }
            return all
        case 2:
            guard let head = parse(Substring(halves[0])), let tail = parse(Substring(halves[1])),
                  head.count + tail.count <= 7 else { return nil }
            return head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        default:
            return nil
        }
    }

    /// A dotted-quad address for `ms-dns`.
    static func address(_ text: String, option: String) throws(OptionValueError) -> DottedQuad {
        guard let a = DottedQuad(parsing: text) else {
            throw OptionValueError("invalid address parameter '\(text)' for \(option) option")
        }
        return a
    }

    /// pppd's LOCAL:REMOTE word (either side may be empty). Returns nil for a side not given.
    static func addressPair(_ text: String) throws(OptionValueError) -> (local: DottedQuad?, remote: DottedQuad?) {
        guard let colon = text.firstIndex(of: ":") else {
            throw OptionValueError("invalid address pair '\(text)'")
        }
        let localText = String(text[..<colon])
        let remoteText = String(text[text.index(after: colon)...])
        func side(_ s: String, _ which: String) throws(OptionValueError) -> DottedQuad? {
            if s.isEmpty { return nil }
            guard let a = DottedQuad(parsing: s), !a.isUnusableOnLink else {
                throw OptionValueError("bad \(which) IP address '\(s)'")
            }
            return a
        }
        return (try side(localText, "local"), try side(remoteText, "remote"))
    }

    /// pppd's callfile check: not empty, not absolute, no ".." path component.
    static func isValidCallName(_ name: String) -> Bool {
        if name.isEmpty || name.hasPrefix("/") { return false }
        return !name.split(separator: "/", omittingEmptySubsequences: false).contains("..")
    }

    /// A word made only of decimal digits (pppd's setspeed wildcard).
    static func isSpeed(_ word: String) -> Bool {
        !word.isEmpty && word.utf8.allSatisfy { (0x30...0x39).contains($0) }
    }
}
