/// Address words of a chap-secrets line, read the way pppd's set_allowed_addrs() does, and
/// the checks pppd's auth_ip_addr()/some_ip_ok() make with them.
extension AddressRule {
    enum ParseFailure: Error, Equatable {
        case message(String)
    }

    /// One address word. chapd resolves no host or network names: only dotted quads.
    /// The `/n+` per-unit form is refused (it depends on the kernel's ppp unit number).
    static func parse(word: [UInt8]) -> Result<AddressRule, ParseFailure> {
        if word == [UInt8(ascii: "*")] { return .success(.any) }
        if word == [UInt8(ascii: "-")] { return .success(.none) }
        var body = word[...]
        var negated = false
        if body.first == UInt8(ascii: "!") {
            negated = true
            body = body.dropFirst()
        }
        let shown = String(decoding: word, as: UTF8.self)
        var prefixLength = 32
        if let slash = body.firstIndex(of: UInt8(ascii: "/")) {
            let lengthPart = body[body.index(after: slash)...]
            if lengthPart.last == UInt8(ascii: "+") {
                return .failure(.message("address '\(shown)': the '+' (per-unit address) suffix is not supported by chapd"))
            }
            guard !lengthPart.isEmpty, lengthPart.count <= 2,
                  lengthPart.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let n = Int(String(decoding: lengthPart, as: UTF8.self)), (1...32).contains(n)
            else {
                return .failure(.message("address '\(shown)': invalid prefix length (must be 1 to 32)"))
            }
            prefixLength = n
            body = body[..<slash]
        }
        guard let address = parseDottedQuad(body) else {
            return .failure(.message("address '\(shown)' is not a dotted-quad IPv4 address (chapd does not resolve host or network names)"))
        }
        let mask = prefixLength == 32 ? UInt32.max : ~(UInt32.max >> UInt32(prefixLength))
        return .success(.network(address: address & mask, prefixLength: prefixLength, negated: negated))
    }

    /// `a.b.c.d`, each part 0...255 in decimal (1-3 digits).
    static func parseDottedQuad(_ bytes: ArraySlice<UInt8>) -> UInt32? {
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            var n: UInt32 = 0
            for d in part { n = n * 10 + UInt32(d - 0x30) }
            guard n <= 255 else { return nil }
            value = value << 8 | n
        }
        return value
    }

    /// The network mask for this rule (`.any` matches everything, `.none` nothing).
    var mask: UInt32 {
        switch self {
        case .any, .none: return 0
        case .network(_, let prefixLength, _):
            return prefixLength >= 32 ? UInt32.max : ~(UInt32.max >> UInt32(max(0, prefixLength)))
        }
    }
}

extension Array where Element == AddressRule {
    /// pppd's rule for a peer's IPv4 address (host byte order) when authentication is
    /// required: the first rule whose network holds the address decides (`!` forbids);
    /// `*` allows anything left; `-` and the end of the list forbid. An empty list (a line
    /// with only three words) therefore allows no address at all — pppd(8): "If there are
    /// only 3 words on the line, or if the first word is "-", then all IP addresses are
    /// disallowed". (pppd's own checks for loopback/multicast and `allow-ip` are the
    /// caller's concern.)
    public func allows(_ address: UInt32) -> Bool {
        for rule in self {
            switch rule {
            case .any: return true
            case .none: return false
            case .network(let base, _, let negated):
                if address & rule.mask == base & rule.mask { return !negated }
            }
        }
        return false
    }

    /// pppd's some_ip_ok(): does the list authorise any address at all?
    public var permitsSomeAddress: Bool {
        for rule in self {
            switch rule {
            case .none: return false
            case .any: return true
            case .network(_, _, let negated): if !negated { return true }
            }
        }
        return false
    }

    /// The first single-host (`/32`) address the list allows: pppd proposes it to the peer
    /// when the peer's own choice is not authorised. (pppd would also pick a `!`-negated
    /// host here; chapd skips those, since that address is forbidden anyway.)
    public var suggestedPeerAddress: UInt32? {
        for rule in self {
            switch rule {
            case .any, .none: return nil
            case .network(let address, let prefixLength, let negated):
                if prefixLength == 32 && !negated { return address }
            }
        }
        return nil
    }
}
