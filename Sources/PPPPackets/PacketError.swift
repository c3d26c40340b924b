/// The one error type for malformed packets, in the style of swift-nio-ssh's `NIOSSHError`:
/// a small set of kinds that can grow without breaking callers, and a message for humans.
public struct PacketError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable { case truncated, badLength, badOption, unknownCode }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The input ended before a field or length said it would.
        public static let truncated = Kind(.truncated)
        /// A length field is impossible (too small, or larger than what encloses it).
        public static let badLength = Kind(.badLength)
        /// An option's length does not fit its type.
        public static let badOption = Kind(.badOption)
        /// A code this protocol does not define.
        public static let unknownCode = Kind(.unknownCode)
        public var description: String { "\(base)" }
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind): \(message)" }
}
