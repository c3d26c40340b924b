/// The one error type of PPPCapture. Messages name the file and, for a broken capture,
/// the frame number where reading stopped; they never contain frame contents.
public struct CaptureError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable { case cannotOpen, writeFailed, closed, unsupportedLinkType, corrupt }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The file could not be created (writer) or opened as a capture (reader).
        public static let cannotOpen = Kind(.cannotOpen)
        /// Writing or flushing a frame failed (disk full, I/O error).
        public static let writeFailed = Kind(.writeFailed)
        /// `write` after `close`.
        public static let closed = Kind(.closed)
        /// A capture whose link type carries no PPP frames this reader understands.
        public static let unsupportedLinkType = Kind(.unsupportedLinkType)
        /// The capture breaks off or is damaged at `frameNumber`.
        public static let corrupt = Kind(.corrupt)
        public var description: String { "\(base)" }
    }

    public let kind: Kind
    public let message: String
    /// 1-based record number where a corrupt capture breaks (tshark's frame numbering).
    public let frameNumber: Int?

    public init(_ kind: Kind, _ message: String, frameNumber: Int? = nil) {
        self.kind = kind
        self.message = message
        self.frameNumber = frameNumber
    }

    public var description: String { message }
}
