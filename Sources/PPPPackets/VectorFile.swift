/// A recorded line capture in the frames.txt format of /work/shared/vectors: one chunk per
/// line, `sent|rcvd MILLISECONDS HEX`, direction seen from the recording side. The bytes are
/// the raw async-HDLC stream, cut wherever a read() or write() cut it. `eof-sent` and
/// `eof-rcvd` lines (no bytes) mark where a direction's stream ended.
public struct VectorFile: Hashable, Sendable {
    public enum Direction: String, Hashable, Sendable {
        case sent, rcvd
    }

    public struct Chunk: Hashable, Sendable {
        public var direction: Direction
        public var milliseconds: UInt64
        public var bytes: [UInt8]
        /// True for an `eof-…` marker: that direction's stream ended here.
        public var isEndOfFile: Bool

        public init(direction: Direction, milliseconds: UInt64, bytes: [UInt8], isEndOfFile: Bool = false) {
            self.direction = direction
            self.milliseconds = milliseconds
            self.bytes = bytes
            self.isEndOfFile = isEndOfFile
        }
    }

    public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        public var line: Int
        public var reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    public var chunks: [Chunk]

    public init(chunks: [Chunk]) { self.chunks = chunks }

    /// Parses the whole text. Blank lines and lines starting with `#` are skipped.
    public init(parsing text: String) throws(ParseError) {
        var chunks: [Chunk] = []
        var lineNumber = 0
        // "\r\n" is one Character: splitting at "\n" alone would leave a CRLF file one line.
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) || line.hasPrefix("#") { continue }
            chunks.append(try Self.parseLine(line, number: lineNumber))
        }
        self.chunks = chunks
    }

    static func parseLine(_ line: Substring, number: Int) throws(ParseError) -> Chunk {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count == 2 || fields.count == 3 else {
            throw ParseError(line: number, reason: "expected `sent|rcvd MILLISECONDS HEX`, found \(fields.count) fields")
        }
        var word = fields[0]
        let eof = word.hasPrefix("eof-")
        if eof { word = word.dropFirst(4) }
        guard let direction = Direction(rawValue: String(word)) else {
            throw ParseError(line: number, reason: "direction `\(fields[0].prefix(16))` is not sent, rcvd, eof-sent or eof-rcvd")
        }
        guard let ms = UInt64(fields[1]) else {
            throw ParseError(line: number, reason: "time `\(fields[1].prefix(24))` is not a whole number of milliseconds")
        }
        let hexText = fields.count == 3 ? fields[2] : ""
        if eof && !hexText.isEmpty {
            throw ParseError(line: number, reason: "an eof marker carries no bytes")
        }
        if !eof && hexText.isEmpty {
            throw ParseError(line: number, reason: "chunk has no bytes")
        }
        guard let bytes = HexBytes.decode(hexText) else {
            throw ParseError(line: number, reason: "bytes are not an even-length hex string")
        }
        return Chunk(direction: direction, milliseconds: ms, bytes: bytes, isEndOfFile: eof)
    }
}
