/// One problem found in a secrets file. Messages name the file, the line and the problem,
/// never a secret's octets.
public struct SecretsDiagnostic: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Hashable, Sendable { case error, warning }

    public var severity: Severity
    public var path: String
    /// 1-based line, or nil for a problem with the file as a whole (permissions, reading).
    public var line: Int?
    public var message: String

    public init(_ severity: Severity, path: String, line: Int?, _ message: String) {
        self.severity = severity
        self.path = path
        self.line = line
        self.message = message
    }

    /// `FILE:LINE: error: ...` (or `FILE: warning: ...` without a line), compiler style.
    public var description: String {
        let place = line.map { "\(path):\($0)" } ?? path
        return "\(place): \(severity.rawValue): \(message)"
    }
}

/// Why a secrets file could not be used: every problem found (errors and the warnings that
/// came with them), so an operator can fix them all in one pass.
public struct SecretsError: Error, Hashable, Sendable, CustomStringConvertible {
    public var diagnostics: [SecretsDiagnostic]

    public init(_ diagnostics: [SecretsDiagnostic]) { self.diagnostics = diagnostics }

    public var errors: [SecretsDiagnostic] { diagnostics.filter { $0.severity == .error } }
    public var warnings: [SecretsDiagnostic] { diagnostics.filter { $0.severity == .warning } }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
