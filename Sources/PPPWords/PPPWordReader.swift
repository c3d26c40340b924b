/// pppd's word grammar for options and secrets files (options.c getword), over octets.
///
/// - Words are separated by white space (C `isspace`: space, \t, \n, \v, \f, \r).
/// - `#` at the start of a word begins a comment to the end of the line; an unquoted `#`
///   inside a word ends that word (the comment then starts there).
/// - `"` or `'` quotes up to the same quote character; white space, `#` and newlines inside
///   are literal and the quote characters are dropped. Where a quote may open, and whether
///   the closing quote ends the word, is `Quoting`.
/// - `\` escapes, inside quotes too: \a \b \f \n \r \t, `\s` = space, `\ddd` (1-3 octal
///   digits, low 8 bits kept), `\xH`/`\xHH` (1-2 hex digits, none = 0), backslash-newline =
///   nothing (a continuation, also between words); any other escaped character stands for
///   itself (so `\v` is `v`, as in pppd). An escaped quote never opens a quote.
/// - A lone backslash at the end of the text ends the word (and is dropped).
public struct PPPWordReader: IteratorProtocol, Sequence {
    public enum Quoting: Sendable, CaseIterable {
        /// pppd's getword: only a word's first character opens a quote, the closing quote
        /// ends the word (`"ab"cd` is two words) and a quote later in a word is literal.
        case wordStart
        /// Quotes open and close anywhere, shell-style: `a"b c"d` is the one word `ab cd`.
        case anywhere
    }

    /// pppd's MAXWORDLEN is 1024 with the terminating NUL: 1023 octets fit.
    public static let maximumWordLength = 1023

    public let quoting: Quoting
    private let text: [UInt8]
    private var index = 0
    /// The line the reader has reached (1-based).
    public private(set) var line = 1

    public init(_ text: [UInt8], quoting: Quoting = .wordStart) {
        self.text = text
        self.quoting = quoting
    }

    /// Every word of `text`.
    public static func words(in text: [UInt8], quoting: Quoting = .wordStart) -> [PPPWord] {
        Array(PPPWordReader(text, quoting: quoting))
    }

    private static let newline: UInt8 = 0x0A
    private static let backslash = UInt8(ascii: "\\")
    private static let hash = UInt8(ascii: "#")

    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (0x09...0x0D).contains(c) }
    private static func isQuote(_ c: UInt8) -> Bool { c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") }
    private static func isOctal(_ c: UInt8) -> Bool { (0x30...0x37).contains(c) }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }

    private func peek() -> UInt8? { index < text.count ? text[index] : nil }

    private mutating func take() -> UInt8? {
        guard index < text.count else { return nil }
        let c = text[index]
        index += 1
        if c == Self.newline { line += 1 }
        return c
    }

    /// The next word, or nil at the end of the text.
    public mutating func next() -> PPPWord? {
        // Skip white space, comments and backslash-newlines up to a word's first character.
        var startsLine = false
        var inComment = false
        while let c = peek() {
            if c == Self.newline { _ = take(); startsLine = true; inComment = false; continue }
            if inComment { _ = take(); continue }
            if c == Self.hash { _ = take(); inComment = true; continue }
            if c == Self.backslash, index + 1 < text.count, text[index + 1] == Self.newline {
                _ = take(); _ = take(); continue
            }
            if Self.isSpace(c) { _ = take(); continue }
            break
        }
        guard let first = peek() else { return nil }

        let startLine = line
        var word: [UInt8] = []
        var sawNUL = false
        var quote: UInt8? = nil
        var quoted = false
        if Self.isQuote(first) {
            _ = take()
            quote = first
            quoted = true
        }
        func append(_ c: UInt8) {
            if c == 0 { sawNUL = true }
            word.append(c)
        }

        while let c = peek() {
            if c == Self.backslash {
                _ = take()
                guard let e = take() else { break }
                if e == Self.newline { continue }
                append(escapeValue(e))
            } else if let q = quote {
                _ = take()
                if c != q {
                    append(c)
                } else {
                    quote = nil
                    if quoting == .wordStart { break }
                }
            } else if quoting == .anywhere && Self.isQuote(c) {
                _ = take()
                quote = c
                quoted = true
            } else if Self.isSpace(c) || c == Self.hash {
                break  // left for the next call: a newline there marks the next word
            } else {
                _ = take()
                append(c)
            }
        }
        // Only a lone backslash at the end of the text gathers nothing without a quote.
        if word.isEmpty && !quoted { return nil }

        var problems: PPPWord.Problems = []
        if quote != nil { problems.insert(.unterminatedQuote) }
        if sawNUL { problems.insert(.nulOctet) }
        if word.count > Self.maximumWordLength { problems.insert(.tooLong) }
        return PPPWord(bytes: word, line: startLine, quoted: quoted, startsLine: startsLine, problems: problems)
    }

    /// The octet an escape stands for; `e` is the character after the backslash (not a newline).
    /// Octal and hex escapes read their further digits from the text.
    private mutating func escapeValue(_ e: UInt8) -> UInt8 {
        switch e {
        case UInt8(ascii: "a"): return 0x07
        case UInt8(ascii: "b"): return 0x08
        case UInt8(ascii: "f"): return 0x0C
        case UInt8(ascii: "n"): return 0x0A
        case UInt8(ascii: "r"): return 0x0D
        case UInt8(ascii: "s"): return 0x20
        case UInt8(ascii: "t"): return 0x09
        case UInt8(ascii: "x"):
            var v: UInt8 = 0
            var n = 0
            while n < 2, let d = peek().flatMap(Self.hexValue) {
                v = v << 4 | d
                _ = take()
                n += 1
            }
            return v
        default:
            guard Self.isOctal(e) else { return e }
            // Up to three digits; like a C char, only the low 8 bits survive.
            var v = UInt32(e - 0x30)
            var n = 1
            while n < 3, let d = peek(), Self.isOctal(d) {
                v = v << 3 | UInt32(d - 0x30)
                _ = take()
                n += 1
            }
            return UInt8(truncatingIfNeeded: v)
        }
    }
}
