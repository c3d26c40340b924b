import Testing
@testable import ChapSecrets

/// What chap-secrets makes of pppd's word grammar (the grammar itself: PPPWordsTests).
@Suite struct SecretsWordTests {
    @Test func quotesOnlyAtAWordsStart() throws {
        // pppd's rule: the closing quote ends the word; a later quote is literal.
        #expect(words(#""abc"def"#) == [b("abc"), b("def")])
        #expect(words(#"ab"cd"#) == [b(#"ab"cd"#)])
        let f = try SecretsFile.parse(#""cl"srv pw"# + "\n" + #"c"l s x"#, path: "f", indirect: table([:]))
        #expect(f.entries.map(\.client) == [b("cl"), b(#"c"l"#)])
        #expect(f.entries.map(\.server) == [b("srv"), b("s")])
        #expect(f.entries.map(\.secret) == [Secret("pw"), Secret("x")])
    }

    @Test func emptyUnclosedQuoteAtTheEndIsNoWord() {
        #expect(wordsBytes(Array("\"".utf8)).isEmpty)
        let w = wordsBytes(Array("\"abc".utf8))
        #expect(w.count == 1 && w[0].problems.contains(.unterminatedQuote) && w[0].bytes == b("abc"))
        // So "a s \"" is a line without a secret (a warning), not an unclosed quote (an error).
        let d = diagnose("a s \"").1
        #expect(d.count == 1 && d[0].severity == .warning && d[0].message.contains("no secret"))
        #expect(diagnose("a s pw \"").1.isEmpty)
    }

    @Test func linesFollowUnescapedNewlinesOnly() {
        let w = wordsBytes(Array("a \\\nb\nc".utf8))
        #expect(w.map(\.startsLine) == [false, false, true])
        let (f, d) = diagnose("a \\\ns pw\nb s \"two\nlines\"\n# c\n  c s pw3")
        #expect(d.isEmpty)
        #expect(f.entries.map(\.line) == [1, 3, 6])
        #expect(f.entries.map(\.secret) == [Secret("pw"), Secret("two\nlines"), Secret("pw3")])
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
