/// One word of a pppd options or secrets file, as `PPPWordReader` found it.
public struct PPPWord: Equatable, Sendable {
    /// The word with quotes removed and escapes applied.
    public var bytes: [UInt8]
    /// 1-based line on which the word starts.
    public var line: Int
    /// A quote was opened in the word (so `""` is a real, empty word).
    public var quoted: Bool
    /// An unescaped newline outside quotes (a comment's end included) came before this word.
    /// Never true for the first word unless blank or comment lines precede it.
    public var startsLine: Bool
    /// What was odd about the word. The reader never refuses a word: each caller decides
    /// which of these are errors and which are warnings.
    public var problems: Problems

    public init(bytes: [UInt8], line: Int, quoted: Bool = false, startsLine: Bool = false,
                problems: Problems = []) {
        self.bytes = bytes
        self.line = line
        self.quoted = quoted
        self.startsLine = startsLine
        self.problems = problems
    }

    public struct Problems: OptionSet, Hashable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// A quote was still open at the end of the text.
        public static let unterminatedQuote = Problems(rawValue: 1 << 0)
        /// The word holds a 0 octet (raw, or from `\0`/`\x` escapes); pppd keeps words as C
        /// strings and would cut it short there.
        public static let nulOctet = Problems(rawValue: 1 << 1)
        /// Longer than `PPPWordReader.maximumWordLength` (the bytes are kept whole).
        public static let tooLong = Problems(rawValue: 1 << 2)
    }
}
