/// Why a CHAP machine could not be built from its configuration.
public struct CHAPError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// No digest in the registry for the requested algorithm octet.
        case digestUnavailable
        /// A configured value is outside what the protocol or the machine allows.
        case invalidConfiguration
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// pppd's wording when a digest is asked for but not built in.
    static func digestUnavailable(_ algorithm: UInt8) -> CHAPError {
        CHAPError(.digestUnavailable, "CHAP digest 0x\(String(algorithm, radix: 16)) requested but not available")
    }

    public var description: String { message }
}
