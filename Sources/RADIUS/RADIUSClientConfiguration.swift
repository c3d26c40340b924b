import ChapSecrets

/// Where one RADIUS server listens: a host (name or address literal, IPv6 without brackets)
/// and a UDP port.
public struct RADIUSServerAddress: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: UInt16
    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// One server the client may ask. Its description never shows the secret.
public struct RADIUSServer: Hashable, Sendable, CustomStringConvertible {
    public var address: RADIUSServerAddress
    public var secret: Secret
    /// Drop Access replies that carry no Message-Authenticator (the BlastRADIUS hardening).
    /// FreeRADIUS before 3.2.5 (Debian bookworm's 3.2.1) sends none, so it is off unless
    /// asked for.
    public var requireMessageAuthenticator: Bool
    public init(address: RADIUSServerAddress, secret: Secret, requireMessageAuthenticator: Bool = false) {
        self.address = address
        self.secret = secret
        self.requireMessageAuthenticator = requireMessageAuthenticator
    }
    public var description: String { "\(address)" }
}

/// What radiusclient.conf (radcli's, as pppd's radius plugin reads it) and its servers file say.
public struct RADIUSClientConfiguration: Hashable, Sendable {
    public var authServers: [RADIUSServer]
    public var acctServers: [RADIUSServer]
    /// `radius_timeout`: how long to wait for one reply before sending again.
    public var timeout: Duration
    /// `radius_retries`: transmissions to one server before the next is tried (at least 1).
    public var retries: Int
    /// `radius_deadtime`: how long a server that stopped answering is passed over (0: never).
    public var deadtime: Duration
    /// `nas-identifier`.
    public var nasIdentifier: String?
    /// `nas-ip`, an IPv4 address in host order (a<<24 | b<<16 | c<<8 | d).
    public var nasIPAddress: UInt32?
    /// Requests outstanding at once; the next is refused with a reason (not a RADIUS key).
    public var maximumPending: Int

    public init(authServers: [RADIUSServer], acctServers: [RADIUSServer] = [], timeout: Duration = .seconds(10), retries: Int = 3,
                deadtime: Duration = .zero, nasIdentifier: String? = nil, nasIPAddress: UInt32? = nil, maximumPending: Int = 1024) {
        self.authServers = authServers
        self.acctServers = acctServers
        self.timeout = timeout
        self.retries = retries
        self.deadtime = deadtime
        self.nasIdentifier = nasIdentifier
        self.nasIPAddress = nasIPAddress
        self.maximumPending = maximumPending
    }
}

/// A complaint about one line, named by file and line ("radiusclient.conf:7: ...").
public struct RADIUSConfigDiagnostic: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String
    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }
    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}

/// Reads radcli's radiusclient.conf format: `key value` lines, `#` comments, servers as
/// `host[:port[:secret]]` or `[v6addr]:port:secret`, several separated by commas, spaces or
/// tabs; secrets otherwise from the `servers` file (`host secret` per line; chapd also reads
/// a third word `require-message-authenticator`, which radcli ignores). Keys radcli knows but
/// chapd does not use, and keys nobody knows, are warnings naming the key, never errors.
public enum RADIUSClientConfigFile {
    public struct Result: Sendable {
        public var configuration: RADIUSClientConfiguration
        public var warnings: [RADIUSConfigDiagnostic]
    }

    /// radcli keys that chapd reads.
    static let used: Set<String> = ["authserver", "acctserver", "servers", "radius_timeout", "radius_retries",
                                    "radius_deadtime", "nas-identifier", "nas-ip"]
    /// radcli keys chapd has no use for (warned as ignored).
    static let ignored: Set<String> = ["auth_order", "login_tries", "login_timeout", "nologin", "issue",
                                       "authserver_tls", "bindaddr", "dictionary", "seqfile", "mapfile",
                                       "default_realm", "login_radius", "login_local", "clientdebug",
                                       "serv-type", "serv-auth-type", "tls-ca-file", "tls-cert-file",
                                       "tls-key-file", "tls-verify-hostname", "nasaddr", "radius_sequence"]

    /// Parses `text` (the contents of `path`); `readFile` reads the servers file it names.
    public static func parse(_ text: String, path: String, readFile: (String) throws -> String) throws(RADIUSConfigDiagnostic) -> Result {
        var warnings: [RADIUSConfigDiagnostic] = []
        var values: [String: (value: String, line: Int)] = [:]
        var lineNumber = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let key = String(trimmed.prefix { $0 != " " && $0 != "\t" })
            let value = String(trimmed.dropFirst(key.count).drop { $0 == " " || $0 == "\t" })
                .trimmingTrailingWhitespace()
            if used.contains(key) {
                if let earlier = values[key] {
                    throw RADIUSConfigDiagnostic(file: path, line: lineNumber, message: "duplicate option '\(key)' (first on line \(earlier.line))")
                }
                values[key] = (value, lineNumber)
            } else if ignored.contains(key) {
                warnings.append(RADIUSConfigDiagnostic(file: path, line: lineNumber, message: "option '\(key)' is ignored by chapd"))
            } else {
                warnings.append(RADIUSConfigDiagnostic(file: path, line: lineNumber, message: "unknown option '\(key)' ignored"))
            }
        }

        func integer(_ key: String, default d: Int, minimum: Int) throws(RADIUSConfigDiagnostic) -> Int {
            guard let entry = values[key] else { return d }
            let (v, line) = entry
            guard let n = Int(v), n >= minimum else {
                throw RADIUSConfigDiagnostic(file: path, line: line, message: "\(key) must be an integer of at least \(minimum), not '\(v)'")
            }
            return n
        }

        // The servers file: host -> (secret, require Message-Authenticator).
        var secrets: [String: (Secret, Bool)] = [:]
        if let serversPath = values["servers"]?.value {
            let content: String
            do { content = try readFile(serversPath) } catch {
                throw RADIUSConfigDiagnostic(file: path, line: values["servers"]!.line, message: "cannot read servers file \(serversPath)")
            }
            var n = 0
            for rawLine in content.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
                n += 1
                if rawLine.hasPrefix("#") { continue }
                let words = rawLine.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
                guard words.count >= 2 else {
                    if words.count == 1 {
                        warnings.append(RADIUSConfigDiagnostic(file: serversPath, line: n, message: "server '\(words[0])' has no secret; line ignored"))
                    }
                    continue
                }
                var require = false
                for extra in words.dropFirst(2) {
                    if extra == "require-message-authenticator" { require = true } else {
                        warnings.append(RADIUSConfigDiagnostic(file: serversPath, line: n, message: "unknown word '\(extra)' ignored"))
                    }
                }
                // pppd's "name1/name2" paired form: chapd takes the server name (the second).
                var host = String(words[0])
                if let slash = host.firstIndex(of: "/") { host = String(host[host.index(after: slash)...]) }
                if secrets[host] == nil { secrets[host] = (Secret(String(words[1])), require) }
            }
        }

        func servers(_ key: String, defaultPort: UInt16) throws(RADIUSConfigDiagnostic) -> [RADIUSServer] {
            guard let entry = values[key] else { return [] }
            let (v, line) = entry
            var result: [RADIUSServer] = []
            for word in v.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }) {
                let spec: (host: String, port: String?, secret: String?)
                if word.hasPrefix("[") {
                    guard let close = word.firstIndex(of: "]") else {
                        throw RADIUSConfigDiagnostic(file: path, line: line, message: "\(key): unterminated '[' in a server address")
                    }
                    let host = String(word[word.index(after: word.startIndex)..<close])
                    var rest = word[word.index(after: close)...]
                    if rest.hasPrefix(":") { rest = rest.dropFirst() }
                    let parts = rest.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                    spec = (host, parts.first.map(String.init), parts.count > 1 ? String(parts[1]) : nil)
                } else {
                    let parts = word.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
                    spec = (String(parts[0]), parts.count > 1 ? String(parts[1]) : nil, parts.count > 2 ? String(parts[2]) : nil)
                }
                guard !spec.host.isEmpty else {
                    throw RADIUSConfigDiagnostic(file: path, line: line, message: "\(key): empty host in '\(word.redactingSecret())'")
                }
                var port = defaultPort
                if let p = spec.port, !p.isEmpty {
                    guard let n = UInt16(p), n > 0 else {
                        throw RADIUSConfigDiagnostic(file: path, line: line, message: "\(key): bad port '\(p)' for \(spec.host)")
                    }
                    port = n
                }
                let fromFile = secrets[spec.host]
                let secret: Secret
                if let s = spec.secret, !s.isEmpty { secret = Secret(s) } else if let f = fromFile { secret = f.0 } else {
                    throw RADIUSConfigDiagnostic(file: path, line: line, message: "\(key): no secret for \(spec.host) (neither host:port:secret nor the servers file)")
                }
                result.append(RADIUSServer(address: RADIUSServerAddress(host: spec.host, port: port), secret: secret,
                                           requireMessageAuthenticator: fromFile?.1 ?? false))
            }
            return result
        }

        let auth = try servers("authserver", defaultPort: 1812)
        guard !auth.isEmpty else { throw RADIUSConfigDiagnostic(file: path, line: 0, message: "no authserver specified") }
        let acct = try servers("acctserver", defaultPort: 1813)
        let timeout = try integer("radius_timeout", default: 10, minimum: 1)
        let retries = try integer("radius_retries", default: 3, minimum: 1)
        let deadtime = try integer("radius_deadtime", default: 0, minimum: 0)
        var nasIP: UInt32?
        if let entry = values["nas-ip"] {
            let (v, line) = entry
            guard let a = parseIPv4(v) else {
                throw RADIUSConfigDiagnostic(file: path, line: line, message: "nas-ip '\(v)' is not an IPv4 address")
            }
            nasIP = a
        }
        let nasIdentifier = values["nas-identifier"].map(\.value).flatMap { $0.isEmpty ? nil : $0 }
        return Result(configuration: RADIUSClientConfiguration(
            authServers: auth, acctServers: acct, timeout: .seconds(timeout), retries: retries,
            deadtime: .seconds(deadtime), nasIdentifier: nasIdentifier, nasIPAddress: nasIP), warnings: warnings)
    }

    /// a.b.c.d in host order.
    public static func parseIPv4(_ s: String) -> UInt32? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var v: UInt32 = 0
        for p in parts {
            guard !p.isEmpty, p.count <= 3, p.allSatisfy({ $0.isASCII && $0.isNumber }), let n = UInt32(p), n <= 255 else { return nil }
            v = v << 8 | n
        }
        return v
    }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var s = Substring(self)
        while let last = s.last, last == " " || last == "\t" || last == "\r" { s = s.dropLast() }
        return String(s)
    }
}

extension Substring {
    /// `host:port:secret` with the secret part replaced, for error messages.
    func redactingSecret() -> String {
        let parts = split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        if !hasPrefix("["), parts.count == 3 { return "\(parts[0]):\(parts[1]):<secret redacted>" }
        if hasPrefix("["), let close = firstIndex(of: "]"), let c = self[close...].dropFirst().dropFirst().firstIndex(of: ":") {
            return String(self[..<c]) + ":<secret redacted>"
        }
        return String(self)
    }
}
