import Testing
@testable import ChapSecrets

@Suite struct WordGrammarTests {
    @Test func whitespaceSeparatesWords() {
        #expect(words("a  b\tc\u{0B}d\u{0C}e\r f\n g") == ["a", "b", "c", "d", "e", "f", "g"].map(b))
    }

    @Test func doubleAndSingleQuotes() {
        #expect(words(#""a b" 'c d' "it's" 'say "hi"'"#) == [b("a b"), b("c d"), b("it's"), b(#"say "hi""#)])
    }

    @Test func quotedWordEndsAtClosingQuote() {
        #expect(words(#""abc"def"#) == [b("abc"), b("def")])
    }

    @Test func quoteInsideUnquotedWordIsLiteral() {
        #expect(words(#"ab"cd"#) == [b(#"ab"cd"#)])
    }

    @Test func emptyQuotedWordIsAWord() {
        #expect(words(#"a "" b"#) == [b("a"), [], b("b")])
        #expect(words("''") == [[]])
    }

    @Test func hashInsideQuotesAndNewlineInsideQuotesAreLiteral() {
        let w = wordsBytes(Array("\"a#b\nc\" d".utf8))
        #expect(w.map(\.bytes) == [b("a#b\nc"), b("d")])
        #expect(w[1].startsLine == false)   // the quoted newline does not end the line
        #expect(w[1].line == 2)
    }

    @Test func commentsAtWordStartAndMidLine() {
        #expect(words("# whole line\na b # rest\nc") == ["a", "b", "c"].map(b))
        // An unquoted # ends the word and starts a comment.
        #expect(words("abc#def ghi\nj") == ["abc", "j"].map(b))
    }

    @Test(arguments: [
        ("\\a", 0x07), ("\\b", 0x08), ("\\f", 0x0C), ("\\n", 0x0A), ("\\r", 0x0D),
        ("\\s", 0x20), ("\\t", 0x09), ("\\\\", 0x5C), ("\\\"", 0x22), ("\\'", 0x27),
        ("\\#", 0x23), ("\\ ", 0x20), ("\\v", 0x76), ("\\q", 0x71),
    ] as [(String, Int)])
    func singleEscapes(escape: String, value: Int) {
        #expect(words("x\(escape)y") == [[0x78, UInt8(value), 0x79]])
    }

    @Test func octalEscapes() {
        #expect(words(#"\101\60\7x"#) == [[0x41, 0x30, 0x07, 0x78]])
        #expect(words(#"\1012"#) == [[0x41, 0x32]])           // at most three digits
        #expect(words(#"\777"#) == [[0xFF]])                    // 511 keeps its low 8 bits
        #expect(words(#"\18"#) == [[0x01, 0x38]])               // 8 is not octal
    }

    @Test func hexEscapes() {
        #expect(words(#"\x41\x4a\xFfz"#) == [[0x41, 0x4A, 0xFF, 0x7A]])
        #expect(words(#"\x414"#) == [[0x41, 0x34]])            // at most two digits
        #expect(words(#"\x7g"#) == [[0x07, 0x67]])
        #expect(words(#"a\xg"#) == [[0x61, 0x00, 0x67]])       // no digits: NUL, as pppd
    }

    @Test func escapedQuoteOrHashStartsAPlainWord() {
        #expect(words(#"\"abc def"#) == [b(#""abc"#), b("def")])
        #expect(words(##"\#abc"##) == [b("#abc")])
        #expect(words(#"\ x"#) == [b(" x")])
    }

    @Test func escapesWorkInsideQuotes() {
        #expect(words(#""a\"b\tc""#) == [b("a\"b\tc")])
        #expect(words(#"'a\'b'"#) == [b("a'b")])
    }

    @Test func backslashNewlineContinues() {
        let w = wordsBytes(Array("a \\\nb\nc".utf8))
        #expect(w.map(\.bytes) == ["a", "b", "c"].map(b))
        #expect(w.map(\.startsLine) == [false, false, true])
        #expect(words("ab\\\ncd") == [b("abcd")])               // joins inside a word
        #expect(words("\"ab\\\ncd\"") == [b("abcd")])           // and inside quotes
    }

    @Test func newlineFlagAndLineNumbers() {
        let w = wordsBytes(Array("\n\na b\n# c\n  d".utf8))
        #expect(w.map(\.line) == [3, 3, 5])
        #expect(w.map(\.startsLine) == [true, false, true])
    }

    @Test func unterminatedQuote() {
        let w = wordsBytes(Array("\"abc".utf8))
        #expect(w.count == 1 && w[0].unterminatedQuote && w[0].bytes == b("abc"))
        #expect(wordsBytes(Array("\"".utf8)).isEmpty)           // nothing gathered: no word
    }

    @Test func trailingBackslashAtEnd() {
        #expect(words("abc\\") == [b("abc")])
        #expect(words("\\").isEmpty)
    }

    @Test func randomBytesNeverTrap() {
        var rng = SplitMix(seed: 7)
        for _ in 0..<2000 {
            let n = Int(rng.next() % 64)
            let alphabet: [UInt8] = Array("ab \"'\\#\n\t0x7".utf8) + [0, 0xFF]
            let text = (0..<n).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            _ = wordsBytes(text)
            _ = SecretsFile.diagnose(text, path: "f", indirect: table([:]))
        }
    }
}

/// A tiny deterministic generator for tests (no dependency on PPPCore).
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
