// Argument parsing for `chapd serve`'s own words: listen and metrics addresses, address pools,
// socket paths. Host names are accepted where the runtime binds (it resolves them); anything
// that looks like an address must be a valid one, so a typo is an error and not a DNS lookup.

extension OptionValues {
    /// sockaddr_un's sun_path holds 108 octets including the terminating NUL.
    static let maxUnixPathLength = 107

    /// `listen tcp:HOST:PORT` (HOST may be `[IPv6]`) or `listen unix:PATH`.
    static func listen(_ text: String) throws(OptionValueError) -> ServerOptions.Listen {
        let shape = "invalid listen address '\(text)': expected tcp:HOST:PORT or unix:PATH"
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst(5))
            guard !path.isEmpty else { throw OptionValueError(shape) }
            guard path.hasPrefix("/") else {
                throw OptionValueError("invalid listen address '\(text)': PATH must be absolute")
            }
            guard path.utf8.count <= maxUnixPathLength else {
                throw OptionValueError("invalid listen address '\(text)': PATH is longer than \(maxUnixPathLength) bytes")
            }
            return .unix(path: path)
        }
        guard text.hasPrefix("tcp:") else { throw OptionValueError(shape) }
        guard let (host, port) = hostPort(String(text.dropFirst(4))) else { throw OptionValueError(shape) }
        try checkHostAndPort(host: host, port: port, what: "listen address '\(text)'")
        return .tcp(host: host, port: Int(port)!)
    }

    /// `metrics-listen HOST:PORT` (HOST may be `[IPv6]`).
    static func metricsListen(_ text: String) throws(OptionValueError) -> (host: String, port: Int) {
        guard let (host, port) = hostPort(text) else {
            throw OptionValueError("invalid metrics-listen address '\(text)': expected HOST:PORT")
        }
        try checkHostAndPort(host: host, port: port, what: "metrics-listen address '\(text)'")
        return (host, Int(port)!)
    }

    /// Splits `HOST:PORT` / `[V6]:PORT` without judging either part; nil if the shape is wrong.
    /// The brackets are removed from an IPv6 host.
    static func hostPort(_ text: String) -> (host: String, port: String)? {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":"), !host.isEmpty else { return nil }
            return (host, String(rest.dropFirst()))
        }
        // Exactly one colon: an unbracketed IPv6 address would be ambiguous.
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else { return nil }
        return (String(parts[0]), String(parts[1]))
    }

    /// The host is an IPv4 or IPv6 address or a host name; the port is 1...65535 in decimal.
    static func checkHostAndPort(host: String, port: String, what: String) throws(OptionValueError) {
        guard isSpeed(port), port.count <= 5, let p = Int(port), (1...65535).contains(p) else {
            throw OptionValueError("invalid \(what): port must be a number from 1 to 65535")
        }
        if host.contains(":") {
            guard ipv6Groups(host) != nil else {
                throw OptionValueError("invalid \(what): '\(host)' is not an IPv6 address")
            }
            return
        }
        if host.utf8.allSatisfy({ (0x30...0x39).contains($0) || $0 == UInt8(ascii: ".") }) {
            guard DottedQuad(parsing: host) != nil else {
                throw OptionValueError("invalid \(what): '\(host)' is not an IPv4 address")
            }
            return
        }
        // RFC 1123 host name characters; labels of 1...63.
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        let valid = host.utf8.count <= 253 && labels.allSatisfy { label in
            (1...63).contains(label.utf8.count) && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.utf8.allSatisfy { ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7a || (0x30...0x39).contains($0) || $0 == 0x2d }
        }
        guard valid else {
            throw OptionValueError("invalid \(what): '\(host)' is not an address or host name")
        }
    }

    /// `remote-pool A.B.C.D/N`, N from 8 to 30 (a /31 or /32 leaves no room for a pool);
    /// host bits are cleared.
    static func pool(_ text: String) throws(OptionValueError) -> ServerOptions.Pool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = DottedQuad(parsing: String(parts[0])),
              isSpeed(String(parts[1])), parts[1].count <= 2, let length = Int(parts[1]), (8...30).contains(length)
        else {
            throw OptionValueError("invalid remote-pool '\(text)': expected A.B.C.D/N with N from 8 to 30")
        }
        let mask = UInt32.max << (32 - length)
        let pool = ServerOptions.Pool(network: address.value & mask, prefixLength: length)
        guard !DottedQuad(pool.network).isUnusableOnLink && pool.network >> 24 != 0 else {
            throw OptionValueError("invalid remote-pool '\(text)': \(pool) is not usable for peers (network 0, loopback, multicast or class E)")
        }
        return pool
    }

    /// An absolute path short enough to bind a unix socket to.
    static func socketPath(_ text: String, option: String) throws(OptionValueError) -> String {
        guard text.hasPrefix("/") else { throw OptionValueError("\(option) value must be an absolute path") }
        guard text.utf8.count <= maxUnixPathLength else {
            throw OptionValueError("\(option) value is longer than \(maxUnixPathLength) bytes")
        }
        return text
    }
}

extension ServerOptions.Pool {
    /// Do the two pools share an address? (Prefixes nest or are disjoint.)
    func overlaps(_ other: ServerOptions.Pool) -> Bool {
        let shorter = Swift.min(prefixLength, other.prefixLength)
        let mask = UInt32.max << (32 - shorter)
        return network & mask == other.network & mask
    }
}
