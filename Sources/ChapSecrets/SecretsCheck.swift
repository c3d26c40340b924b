/// What `chapctl secrets check` reports: chapd's own load checks (permissions, grammar,
/// limits, addresses) plus advice (`SecretsFile.lint`). Lives here so it is testable.
public struct SecretsCheckReport: Sendable {
    public var diagnostics: [SecretsDiagnostic]
    public var entries: Int
    public var errors: Int { diagnostics.filter { $0.severity == .error }.count }
    public var warnings: Int { diagnostics.filter { $0.severity == .warning }.count }

    /// One line per problem, in file order, then the summary line.
    public var lines: [String] {
        diagnostics.map(\.description) + ["\(entries) entr\(entries == 1 ? "y" : "ies"), \(warnings) warning\(warnings == 1 ? "" : "s"), \(errors) error\(errors == 1 ? "" : "s")"]
    }
}

public enum SecretsCheck {
    public static func run(path: String, indirect: IndirectSecretReader = .filesystem) -> SecretsCheckReport {
        switch FileAccess.load(path: path) {
        case .failure(.unreadable(let why)), .failure(.refused(let why)):
            return SecretsCheckReport(diagnostics: [SecretsDiagnostic(.error, path: path, line: nil, why)], entries: 0)
        case .success(let contents):
            return check(contents.bytes, path: path, fileWarnings: contents.warnings, indirect: indirect)
        }
    }

    public static func check(_ bytes: [UInt8], path: String, fileWarnings: [String] = [],
                             indirect: IndirectSecretReader = .filesystem) -> SecretsCheckReport {
        let (file, found) = SecretsFile.diagnose(bytes, path: path, indirect: indirect)
        let all = found + file.lint()
        // Stable by line so problems read top to bottom; file-wide ones first.
        let sorted = all.enumerated().sorted { a, b in
            let la = a.element.line ?? 0, lb = b.element.line ?? 0
            return la != lb ? la < lb : a.offset < b.offset
        }.map(\.element)
        let head = fileWarnings.map { SecretsDiagnostic(.warning, path: path, line: nil, $0) }
        return SecretsCheckReport(diagnostics: head + sorted, entries: file.entries.count)
    }
}
