// Typed option errors, worded like pppd's option_error() messages.

/// Where an option word came from: the command line or a line of an options file.
public enum OptionSource: Sendable, Hashable, CustomStringConvertible {
    case commandLine
    case file(path: String, line: Int)

    public var description: String {
        switch self {
        case .commandLine: return "command line"
        case .file(let path, let line): return "\(path):\(line)"
        }
    }
}

/// An option problem. chapd exits with `exitStatus` (2, pppd's EXIT_OPTION_ERROR).
/// Messages never contain secret values (passwords are never echoed).
public struct OptionError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// No such option (pppd: "unrecognized option 'foo'").
        case unrecognized
        /// A pppd option chapd deliberately does not implement.
        case unsupported
        /// The option needs an argument that is missing.
        case tooFewParameters
        /// The argument is not a number, out of range, or otherwise invalid.
        case invalidValue
        /// An options file could not be read, or includes itself.
        case file
    }

    public let kind: Kind
    /// The message without its source, e.g. "unrecognized option 'foo'".
    public let message: String
    public let source: OptionSource
    /// pppd exits with EXIT_OPTION_ERROR (2) for every option error.
    public var exitStatus: Int32 { 2 }

    public init(_ kind: Kind, _ message: String, source: OptionSource) {
        self.kind = kind
        self.message = message
        self.source = source
    }

    /// pppd style: bare message for the command line, "In file F:L: message" for files.
    public var description: String {
        switch source {
        case .commandLine: return message
        case .file(let path, let line): return "In file \(path):\(line): \(message)"
        }
    }
}

/// A problem with one option's value, before the parser knows its source.
struct OptionValueError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
