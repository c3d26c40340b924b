/// pppd's word grammar for options and secrets files (options.c getword), over octets.
///
/// - Words are separated by white space (C `isspace`: space, \t, \n, \v, \f, \r).
/// - `#` at the start of a word begins a comment to the end of the line; an unquoted `#`
///   inside a word ends that word (the comment then starts there).
/// - `"` or `'` at the start of a word quotes it up to the same quote character; white
///   space, `#` and newlines inside are literal; the word ends right after the closing quote.
/// - `\` escapes: \a \b \f \n \r \t, `\s` = space, `\ddd` (1-3 octal digits, value kept to
///   8 bits), `\xH`/`\xHH` (1-2 hex digits), backslash-newline = nothing (continuation);
///   any other escaped character stands for itself (so `\v` is `v`, as in pppd).
/// - A word escaped at its first character is never a quoted word.
/// - `""` is a real, empty word.
struct WordReader {
    struct Word {
        var bytes: [UInt8]
        /// Line on which the word starts.
        var line: Int
        /// A newline (not escaped, not inside quotes) came before this word.
        var startsLine: Bool
        /// An opening quote that was never closed before the end of the text.
        var unterminatedQuote: Bool
    }

    private let text: [UInt8]
    private var position = 0
    private(set) var line = 1

    init(_ text: [UInt8]) { self.text = text }

    private mutating func read() -> UInt8? {
        guard position < text.count else { return nil }
        let byte = text[position]
        position += 1
        if byte == 0x0A { line += 1 }
        return byte
    }

    private mutating func unread() {
        position -= 1
        if text[position] == 0x0A { line -= 1 }
    }

    static func isSpace(_ c: UInt8) -> Bool {
        c == 0x20 || (c >= 0x09 && c <= 0x0D)
    }

    private static func isOctal(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x37 }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }

    /// The next word, or nil at the end of the text.
    mutating func next() -> Word? {
        var sawNewline = false
        var escape = false
        var comment = false
        var current: UInt8?

        // Skip white space and comments up to the first character of a word.
        while let c = read() {
            if c == 0x0A {
                if escape { escape = false } else { sawNewline = true; comment = false }
                continue
            }
            if comment { continue }
            if escape { current = c; break }
            if c == 0x5C { escape = true; continue }
            if c == 0x23 { comment = true; continue }
            if !Self.isSpace(c) { current = c; break }
        }
        let startLine = line

        var quote: UInt8?
        var closed = false
        if !escape, let c = current, c == 0x22 || c == 0x27 {
            quote = c
            current = read()
        }

        var word: [UInt8] = []
        while let c = current {
            if escape {
                escape = false
                if c == 0x0A { current = read(); continue }
                var value: UInt8
                var lookahead = false
                switch c {
                case UInt8(ascii: "a"): value = 0x07
                case UInt8(ascii: "b"): value = 0x08
                case UInt8(ascii: "f"): value = 0x0C
                case UInt8(ascii: "n"): value = 0x0A
                case UInt8(ascii: "r"): value = 0x0D
                case UInt8(ascii: "s"): value = 0x20
                case UInt8(ascii: "t"): value = 0x09
                default:
                    if Self.isOctal(c) {
                        // Up to three digits; like a C char, only the low 8 bits survive.
                        var v = 0
                        var digit: UInt8? = c
                        var n = 0
                        while n < 3, let d = digit, Self.isOctal(d) {
                            v = (v << 3) + Int(d - 0x30)
                            digit = read()
                            n += 1
                        }
                        value = UInt8(truncatingIfNeeded: v)
                        current = digit
                        lookahead = true
                    } else if c == UInt8(ascii: "x") {
                        var v: UInt8 = 0
                        var digit = read()
                        var n = 0
                        while n < 2, let d = digit, let h = Self.hexValue(d) {
                            v = (v << 4) + h
                            digit = read()
                            n += 1
                        }
                        value = v
                        current = digit
                        lookahead = true
                    } else {
                        value = c
                    }
                }
                word.append(value)
                if !lookahead { current = read() }
                continue
            }
            if let q = quote {
                if c == q { closed = true; break }
            } else if Self.isSpace(c) || c == 0x23 {
                unread()
                break
            }
            if c == 0x5C {
                escape = true
                current = read()
                continue
            }
            word.append(c)
            current = read()
        }

        // End of text with nothing gathered: no word (an unclosed, empty quote included).
        if current == nil && word.isEmpty && !closed { return nil }
        return Word(bytes: word, line: startLine, startsLine: sawNewline,
                    unterminatedQuote: quote != nil && !closed)
    }
}
