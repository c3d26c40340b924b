import Testing
import PPPWords

/// The grammar both quoting rules share: each test runs under both.
@Suite struct GrammarTests {
    static let both = PPPWordReader.Quoting.allCases

    @Test(arguments: both) func whitespaceSeparatesWords(q: PPPWordReader.Quoting) {
        #expect(words("a  b\tc\u{0B}d\u{0C}e\r f\n g", q) == ["a", "b", "c", "d", "e", "f", "g"].map(b))
        #expect(strings("  name\talice\n\n  auth\r\n", q) == ["name", "alice", "auth"])
    }

    @Test(arguments: both) func emptyAndCommentOnlyInput(q: PPPWordReader.Quoting) {
        #expect(words("", q) == [])
        #expect(words("# only\n   \n#x", q) == [])
    }

    @Test(arguments: both) func commentsAtWordStartAndMidLine(q: PPPWordReader.Quoting) {
        #expect(words("# whole line\na b # rest\nc", q) == ["a", "b", "c"].map(b))
        // An unquoted # ends the word and starts a comment.
        #expect(words("abc#def ghi\nj", q) == ["abc", "j"].map(b))
        #expect(strings("# a comment\nauth # trailing\nnoip#glued\n", q) == ["auth", "noip"])
    }

    @Test(arguments: both) func quotesKeepSpacesHashesAndNewlines(q: PPPWordReader.Quoting) {
        #expect(words(#""a b" 'c d' "it's" 'say "hi"'"#, q) == [b("a b"), b("c d"), b("it's"), b(#"say "hi""#)])
        #expect(strings(#"success-message "Welcome # friend""#, q) == ["success-message", "Welcome # friend"])
        let w = wordsBytes(Array("\"a#b\nc\" d".utf8), q)
        #expect(w.map(\.bytes) == [b("a#b\nc"), b("d")])
        #expect(w.map(\.quoted) == [true, false])
        #expect(w.count == 2 && w[1].startsLine == false)   // the quoted newline does not end the line
        #expect(w.count == 2 && w[1].line == 2)
    }

    @Test(arguments: both) func emptyQuotedWordIsAWord(q: PPPWordReader.Quoting) {
        #expect(words(#"a "" b"#, q) == [b("a"), [], b("b")])
        #expect(words("''", q) == [[]])
        #expect(strings(#"name "" auth"#, q) == ["name", "", "auth"])
        #expect(wordsBytes(b("''"), q).first?.quoted == true)
    }

    @Test(arguments: [
        ("\\a", 0x07), ("\\b", 0x08), ("\\f", 0x0C), ("\\n", 0x0A), ("\\r", 0x0D),
        ("\\s", 0x20), ("\\t", 0x09), ("\\\\", 0x5C), ("\\\"", 0x22), ("\\'", 0x27),
        ("\\#", 0x23), ("\\ ", 0x20), ("\\v", 0x76), ("\\q", 0x71),
    ] as [(String, Int)])
    func singleEscapes(escape: String, value: Int) {
        for q in Self.both {
            #expect(words("x\(escape)y", q) == [[0x78, UInt8(value), 0x79]])
        }
    }

    @Test(arguments: both) func escapesInOneWord(q: PPPWordReader.Quoting) {
        #expect(strings(##"a\sb c\tD \101\x42\x4a q\"x \\ \#z"##, q)
                == ["a b", "c\tD", "ABJ", "q\"x", "\\", "#z"])
        #expect(strings(#"\a\b\f\n\r"#, q) == ["\u{07}\u{08}\u{0C}\n\r"])
    }

    @Test(arguments: both) func octalEscapes(q: PPPWordReader.Quoting) {
        #expect(words(#"\101\60\7x"#, q) == [[0x41, 0x30, 0x07, 0x78]])
        #expect(words(#"\1012"#, q) == [[0x41, 0x32]])           // at most three digits
        #expect(words(#"\777"#, q) == [[0xFF]])                    // 511 keeps its low 8 bits
        #expect(words(#"\18"#, q) == [[0x01, 0x38]])               // 8 is not octal
        #expect(strings(#"\1011 \x414"#, q) == ["A1", "A4"])
    }

    @Test(arguments: both) func hexEscapes(q: PPPWordReader.Quoting) {
        #expect(words(#"\x41\x4a\xFfz"#, q) == [[0x41, 0x4A, 0xFF, 0x7A]])
        #expect(words(#"\x414"#, q) == [[0x41, 0x34]])            // at most two digits
        #expect(words(#"\x7g"#, q) == [[0x07, 0x67]])
        #expect(words(#"a\xg"#, q) == [[0x61, 0x00, 0x67]])       // no digits: NUL, as pppd
    }

    @Test(arguments: both) func escapedQuoteOrHashStartsAPlainWord(q: PPPWordReader.Quoting) {
        #expect(words(#"\"abc def"#, q) == [b(#""abc"#), b("def")])
        #expect(words(##"\#abc"##, q) == [b("#abc")])
        #expect(words(#"\ x"#, q) == [b(" x")])
        #expect(wordsBytes(b(#"\"abc"#), q).first?.quoted == false)
    }

    @Test(arguments: both) func escapesWorkInsideQuotes(q: PPPWordReader.Quoting) {
        #expect(words(#""a\"b\tc""#, q) == [b("a\"b\tc")])
        #expect(words(#"'a\'b'"#, q) == [b("a'b")])
        #expect(strings(#""a\"b""#, q) == [#"a"b"#])
    }

    @Test(arguments: both) func backslashNewlineContinues(q: PPPWordReader.Quoting) {
        let w = wordsBytes(Array("a \\\nb\nc".utf8), q)
        #expect(w.map(\.bytes) == ["a", "b", "c"].map(b))
        #expect(w.map(\.startsLine) == [false, false, true])
        #expect(words("ab\\\ncd", q) == [b("abcd")])               // joins inside a word
        #expect(words("\"ab\\\ncd\"", q) == [b("abcd")])           // and inside quotes
        #expect(strings("na\\\nme alice \\\n auth", q) == ["name", "alice", "auth"])
    }

    @Test(arguments: both) func newlineFlagAndLineNumbers(q: PPPWordReader.Quoting) {
        let w = wordsBytes(Array("\n\na b\n# c\n  d".utf8), q)
        #expect(w.map(\.line) == [3, 3, 5])
        #expect(w.map(\.startsLine) == [true, false, true])
        let v = wordsBytes(Array("auth\n# c\n\nname 'multi\nline'\nnoip".utf8), q)
        #expect(v.map(\.line) == [1, 4, 4, 6])
        #expect(v.count == 4 && v[2].bytes == b("multi\nline"))
    }

    @Test(arguments: both) func trailingBackslashAtEnd(q: PPPWordReader.Quoting) {
        #expect(words("abc\\", q) == [b("abc")])
        #expect(words("\\", q).isEmpty)
        #expect(words("\\x", q) == [[0]])
    }

    @Test(arguments: both) func randomBytesNeverTrap(q: PPPWordReader.Quoting) {
        var rng = LCG(state: 7)
        var total = 0
        for _ in 0..<2000 {
            let n = Int(rng.next() % 64)
            let alphabet: [UInt8] = Array("ab \"'\\#\n\t0x7".utf8) + [0, 0xFF]
            let text = (0..<n).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            let ws = wordsBytes(text, q)
            // A word's line is one the text has.
            let lines = text.filter { $0 == 0x0A }.count + 1
            #expect(ws.allSatisfy { (1...lines).contains($0.line) })
            total += ws.count
        }
        #expect(total > 0)
    }
}
