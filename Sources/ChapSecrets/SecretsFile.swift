import PPPWords

/// One usable line of a chap-secrets file.
public struct SecretsEntry: Hashable, Sendable {
    public var client: [UInt8]
    public var server: [UInt8]
    public var secret: Secret
    /// Address words before any `--` (see `[AddressRule].allows`).
    public var addresses: [AddressRule]
    /// Words after `--`: pppd applies them as extra options for this peer; chapd keeps them
    /// for the caller and warns that they are not applied.
    public var options: [[UInt8]]
    /// The `@/path` the secret was read from, if any.
    public var indirectPath: String?
    /// 1-based line of the client word.
    public var line: Int

    public static let wildcard: [UInt8] = [UInt8(ascii: "*")]
    public var clientIsWildcard: Bool { client == Self.wildcard }
    public var serverIsWildcard: Bool { server == Self.wildcard }
    /// pppd's score: a non-wildcard client 2, a non-wildcard server 1.
    public var score: Int { (clientIsWildcard ? 0 : 2) + (serverIsWildcard ? 0 : 1) }

    public init(client: [UInt8], server: [UInt8], secret: Secret, addresses: [AddressRule] = [],
                options: [[UInt8]] = [], indirectPath: String? = nil, line: Int) {
        self.client = client
        self.server = server
        self.secret = secret
        self.addresses = addresses
        self.options = options
        self.indirectPath = indirectPath
        self.line = line
    }
}

/// How `@/path` secrets are fetched: the filesystem normally, a table in tests.
public struct IndirectSecretReader: Sendable {
    public enum Outcome: Sendable {
        case contents([UInt8], warnings: [String])
        /// pppd skips the line with a warning ("can't open indirect secret file").
        case unreadable(String)
        /// Refused by policy (writable by others, not a regular file): an error.
        case refused(String)
    }

    public var read: @Sendable (String) -> Outcome
    public init(read: @escaping @Sendable (String) -> Outcome) { self.read = read }

    public static let filesystem = IndirectSecretReader { path in
        switch FileAccess.load(path: path) {
        case .success(let c): return .contents(c.bytes, warnings: c.warnings)
        case .failure(.unreadable(let why)): return .unreadable(why)
        case .failure(.refused(let why)): return .refused(why)
        }
    }
}

/// The parsed contents of a chap-secrets file, in file order.
public struct SecretsFile: Sendable {
    /// pppd's MAXWORDLEN is 1024 with the terminating NUL: 1023 octets fit.
    public static let maximumWordLength = PPPWordReader.maximumWordLength
    /// pppd's MAXSECRETLEN.
    public static let maximumSecretLength = 256
    /// RFC 7143's advice (96 bits) used by `lint()`.
    public static let recommendedSecretLength = 12

    public var path: String
    public var entries: [SecretsEntry]
    /// Warnings (never errors: a file with errors does not parse).
    public var warnings: [SecretsDiagnostic]
    /// Every `@/path` named by a used line, for change detection.
    public var indirectPaths: [String]

    public init(path: String, entries: [SecretsEntry], warnings: [SecretsDiagnostic] = [], indirectPaths: [String] = []) {
        self.path = path
        self.entries = entries
        self.warnings = warnings
        self.indirectPaths = indirectPaths
    }

    /// Parses like chapd loads: throws every problem found if any is an error.
    public static func parse(_ text: [UInt8], path: String,
                             indirect: IndirectSecretReader = .filesystem) throws(SecretsError) -> SecretsFile {
        let (file, diagnostics) = diagnose(text, path: path, indirect: indirect)
        if diagnostics.contains(where: { $0.severity == .error }) { throw SecretsError(diagnostics) }
        return file
    }

    public static func parse(_ text: String, path: String,
                             indirect: IndirectSecretReader = .filesystem) throws(SecretsError) -> SecretsFile {
        try parse(Array(text.utf8), path: path, indirect: indirect)
    }

    /// Never throws: the entries that could be read plus every problem (for `chapctl`).
    public static func diagnose(_ text: [UInt8], path: String,
                                indirect: IndirectSecretReader = .filesystem) -> (SecretsFile, [SecretsDiagnostic]) {
        var diagnostics: [SecretsDiagnostic] = []
        func error(_ line: Int?, _ message: String) { diagnostics.append(.init(.error, path: path, line: line, message)) }
        func warning(_ line: Int?, _ message: String) { diagnostics.append(.init(.warning, path: path, line: line, message)) }

        // Group words into lines: a line starts at a word preceded by an unescaped newline.
        var reader = SecretsWordReader(text)
        var lines: [[PPPWord]] = []
        while let word = reader.next() {
            if word.startsLine || lines.isEmpty { lines.append([word]) } else { lines[lines.count - 1].append(word) }
        }

        var entries: [SecretsEntry] = []
        var indirectPaths: [String] = []
        let doubleDash: [UInt8] = [0x2D, 0x2D]
        for words in lines {
            let line = words[0].line
            var bad = false
            for (i, word) in words.enumerated() {
                // Built only when there is something to report (this loop runs for every word).
                var what: String { i == 0 ? "client name" : i == 1 ? "server name" : i == 2 ? "secret" : "word \(i + 1)" }
                if word.problems.contains(.unterminatedQuote) {
                    error(word.line, "\(what): quote is never closed before the end of the file"); bad = true
                }
                if word.problems.contains(.tooLong) {
                    error(word.line, "\(what) is longer than \(maximumWordLength) octets (pppd's word limit)"); bad = true
                }
                if word.problems.contains(.nulOctet) {
                    // pppd keeps words as C strings and would silently cut this one short.
                    error(word.line, "\(what) contains a NUL octet (from \\0 or \\x escapes)"); bad = true
                }
            }
            guard words.count >= 3 else {
                // pppd skips such a line without a word.
                warning(line, words.count == 1 ? "entry has only a client name (no server or secret); ignored"
                                               : "entry has no secret; ignored")
                continue
            }
            if bad { continue }
            var secretBytes = words[2].bytes
            var indirectPath: String?
            if secretBytes.count >= 2 && secretBytes[0] == UInt8(ascii: "@") && secretBytes[1] == UInt8(ascii: "/") {
                let atPath = String(decoding: secretBytes.dropFirst(), as: UTF8.self)
                indirectPaths.append(atPath)
                switch indirect.read(atPath) {
                case .unreadable(let why):
                    warning(line, "indirect secret file \(atPath): \(why); entry ignored (as pppd does)")
                    continue
                case .refused(let why):
                    error(line, "indirect secret file \(atPath) \(why)")
                    continue
                case .contents(let bytes, let fileWarnings):
                    for w in fileWarnings { warning(line, w) }
                    var inner = SecretsWordReader(bytes)
                    guard let first = inner.next() else {
                        warning(line, "no secret in indirect secret file \(atPath); entry ignored (as pppd does)")
                        continue
                    }
                    if !first.problems.isDisjoint(with: [.unterminatedQuote, .tooLong, .nulOctet]) {
                        error(line, "indirect secret file \(atPath): its first word is malformed (unclosed quote, NUL octet or over \(maximumWordLength) octets)")
                        continue
                    }
                    secretBytes = first.bytes
                    indirectPath = atPath
                }
            }
            if secretBytes.count > maximumSecretLength {
                error(words[2].line, "secret is longer than \(maximumSecretLength) octets (pppd's MAXSECRETLEN)")
                continue
            }

            // Address words up to `--`; the rest are pppd extra options.
            var addresses: [AddressRule] = []
            var options: [[UInt8]] = []
            var rest = words.dropFirst(3)
            if let dashes = rest.firstIndex(where: { $0.bytes == doubleDash }) {
                options = words[(dashes + 1)...].map(\.bytes)
                rest = words[3..<dashes]
                if !options.isEmpty {
                    warning(words[dashes].line, "\(options.count) extra option word(s) after '--' are not applied by chapd")
                }
            }
            var stopped = false
            for word in rest {
                if stopped {
                    warning(word.line, "address word after '-' or '*' has no effect")
                    break
                }
                switch AddressRule.parse(word: word.bytes) {
                case .success(let rule):
                    addresses.append(rule)
                    if rule == .any || rule == .none { stopped = true }
                case .failure(.message(let message)):
                    error(word.line, message)
                    bad = true
                }
            }
            if bad { continue }
            entries.append(SecretsEntry(client: words[0].bytes, server: words[1].bytes, secret: Secret(secretBytes),
                                        addresses: addresses, options: options, indirectPath: indirectPath, line: line))
        }
        let warnings = diagnostics.filter { $0.severity == .warning }
        return (SecretsFile(path: path, entries: entries, warnings: warnings, indirectPaths: indirectPaths), diagnostics)
    }

    /// Advice beyond pppd's rules (for `chapctl secrets check`): short secrets, and lines
    /// that can never be chosen because an earlier line has the same client and server.
    public func lint() -> [SecretsDiagnostic] {
        var out: [SecretsDiagnostic] = []
        var firstLine: [PairKey: Int] = [:]
        for entry in entries {
            if entry.secret.bytes.count < Self.recommendedSecretLength {
                out.append(.init(.warning, path: path, line: entry.line,
                                 "secret is shorter than \(Self.recommendedSecretLength) octets (RFC 7143 advises at least 96 bits)"))
            }
            let key = PairKey(client: entry.client, server: entry.server)
            if let earlier = firstLine[key] {
                out.append(.init(.warning, path: path, line: entry.line,
                                 "same client and server as line \(earlier); this line can never be chosen"))
            } else {
                firstLine[key] = entry.line
            }
        }
        return out
    }
}

/// A (client, server) pair as a dictionary key, hashed as whole buffers (hashing an
/// `[UInt8]` element by element dominated lookup time).
struct PairKey: Hashable, Sendable {
    var client: [UInt8]
    var server: [UInt8]

    func hash(into hasher: inout Hasher) {
        hasher.combine(client.count)
        client.withUnsafeBytes { hasher.combine(bytes: $0) }
        server.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}

/// One name as a dictionary key, hashed as a whole buffer.
struct NameKey: Hashable, Sendable {
    var bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
