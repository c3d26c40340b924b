// pppd's options-file word grammar (options.c getword), over bytes, with line numbers.
//
// Words are separated by white space; newlines are white space too. `#` starts a comment
// to end of line (outside quotes). '...' and "..." quote white space and `#`; the quote
// characters are dropped and may change mid-word (a"b c"d is one word). A backslash
// escapes the next character: \a \b \f \n \r \t as in C, \s = space, \ddd octal (up to 3
// digits), \xHH hex (up to 2 digits), any other character stands for itself, and a
// backslash-newline is ignored (also between words).

/// One word and the line it starts on (1-based).
struct OptionWord: Equatable {
    var text: String
    var line: Int
}

struct OptionWordReader {
    /// pppd's MAXWORDLEN is 1024 including the terminator.
    static let maxWordLength = 1023

    enum ReadError: Error, Equatable {
        case wordTooLong(line: Int)
    }

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    /// Non-fatal notes (pppd warns about a quoted word running to end of file).
    private(set) var warnings: [String] = []

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    private mutating func next() -> UInt8? {
        guard index < bytes.count else { return nil }
        let c = bytes[index]
        index += 1
        if c == 0x0A { line += 1 }
        return c
    }

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private static func isSpace(_ c: UInt8) -> Bool {
        c == 0x20 || (0x09...0x0D).contains(c)
    }

    private static func isOctal(_ c: UInt8) -> Bool { (0x30...0x37).contains(c) }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }

    /// The next word, or nil at end of input.
    mutating func nextWord() throws(ReadError) -> OptionWord? {
        // Skip white space, comments and backslash-newlines.
        var inComment = false
        while let c = peek() {
            if c == 0x0A { _ = next(); inComment = false; continue }
            if inComment { _ = next(); continue }
            if c == UInt8(ascii: "#") { _ = next(); inComment = true; continue }
            if c == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == 0x0A {
                _ = next(); _ = next(); continue
            }
            if Self.isSpace(c) { _ = next(); continue }
            break
        }
        guard peek() != nil else { return nil }

        let startLine = line
        var word: [UInt8] = []
        var quote: UInt8? = nil
        var quoted = false  // "" is a word (empty), a lone backslash at EOF is not
        while let c = peek() {
            if c == UInt8(ascii: "\\") {
                _ = next()
                guard let e = next() else { break }  // a lone backslash at EOF ends the word
                switch e {
                case 0x0A: continue  // backslash-newline: ignored, the word goes on
                case UInt8(ascii: "a"): word.append(0x07)
                case UInt8(ascii: "b"): word.append(0x08)
                case UInt8(ascii: "f"): word.append(0x0C)
                case UInt8(ascii: "n"): word.append(0x0A)
                case UInt8(ascii: "r"): word.append(0x0D)
                case UInt8(ascii: "s"): word.append(0x20)
                case UInt8(ascii: "t"): word.append(0x09)
                case UInt8(ascii: "x"):
                    var v: UInt8 = 0
                    var n = 0
                    while n < 2, let d = peek().flatMap(Self.hexValue) {
                        v = v << 4 | d
                        _ = next()
                        n += 1
                    }
                    word.append(v)
                default:
                    if Self.isOctal(e) {
                        var v = UInt32(e - 0x30)
                        var n = 1
                        while n < 3, let d = peek(), Self.isOctal(d) {
                            v = v << 3 | UInt32(d - 0x30)
                            _ = next()
                            n += 1
                        }
                        word.append(UInt8(truncatingIfNeeded: v))
                    } else {
                        word.append(e)
                    }
                }
            } else if let q = quote {
                _ = next()
                if c == q { quote = nil } else { word.append(c) }
            } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                _ = next()
                quote = c
                quoted = true
            } else if Self.isSpace(c) || c == UInt8(ascii: "#") {
                break  // left for the next call: a newline there still ends a comment
            } else {
                _ = next()
                word.append(c)
            }
            if word.count > Self.maxWordLength { throw .wordTooLong(line: startLine) }
        }
        if word.isEmpty && !quoted { return nil }
        if quote != nil {
            warnings.append("quoted word starting on line \(startLine) runs to end of file")
        }
        return OptionWord(text: String(decoding: word, as: UTF8.self), line: startLine)
    }

    /// Every word of `bytes`.
    static func words(in bytes: [UInt8]) throws(ReadError) -> (words: [OptionWord], warnings: [String]) {
        var reader = OptionWordReader(bytes)
        var out: [OptionWord] = []
        while let w = try reader.nextWord() { out.append(w) }
        return (out, reader.warnings)
    }
}
