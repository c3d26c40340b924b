import Testing
import PPPWords

/// Problems are reported on the word, never by refusing it.
@Suite struct ProblemTests {
    @Test(arguments: PPPWordReader.Quoting.allCases) func unterminatedQuote(q: PPPWordReader.Quoting) {
        let w = wordsBytes(b("\"abc"), q)
        #expect(w.count == 1 && w[0].problems == [.unterminatedQuote] && w[0].bytes == b("abc"))
        let p = wordsBytes(b("password 'secret-to-eof"), q)
        #expect(p.map(\.bytes) == [b("password"), b("secret-to-eof")])
        #expect(p.map(\.problems) == [[], [.unterminatedQuote]])
    }

    @Test(arguments: PPPWordReader.Quoting.allCases) func emptyUnclosedQuoteIsReported(q: PPPWordReader.Quoting) {
        // The callers decide: chap-secrets drops it (as pppd), options files keep an empty word.
        #expect(wordsBytes(b("\""), q) == [PPPWord(bytes: [], line: 1, quoted: true, problems: [.unterminatedQuote])])
    }

    @Test func anywhereQuoteOpenedMidWordAndLeftOpen() {
        let w = wordsBytes(b("a'b c"), .anywhere)
        #expect(w.map(\.bytes) == [b("ab c")])
        #expect(w.map(\.problems) == [[.unterminatedQuote]])
        #expect(wordsBytes(b("a'b c")).map(\.problems) == [[], []])
    }

    @Test(arguments: PPPWordReader.Quoting.allCases) func nulOctets(q: PPPWordReader.Quoting) {
        #expect(wordsBytes(b(#"ab\000cd ok"#), q).map(\.problems) == [[.nulOctet], []])
        #expect(wordsBytes(b(#"\x"#), q).map(\.problems) == [[.nulOctet]])
        #expect(wordsBytes([0x61, 0x00, 0x62], q).map(\.problems) == [[.nulOctet]])
        #expect(wordsBytes(b(#"\x01\1"#), q).map(\.problems) == [[]])
    }

    @Test(arguments: PPPWordReader.Quoting.allCases) func overlongWordKeptWhole(q: PPPWordReader.Quoting) {
        let limit = PPPWordReader.maximumWordLength
        #expect(limit == 1023)
        let long = String(repeating: "x", count: limit + 1)
        let w = wordsBytes(b("auth\n\(long)"), q)
        #expect(w.map(\.problems) == [[], [.tooLong]])
        #expect(w.map(\.line) == [1, 2])
        #expect(w.last?.bytes.count == limit + 1)
        #expect(wordsBytes(b(String(repeating: "y", count: limit)), q).map(\.problems) == [[]])
        // Counted after escapes: 1023 escapes are 1023 octets.
        #expect(wordsBytes(b(String(repeating: "\\s", count: limit)), q).map(\.problems) == [[]])
    }

    @Test func problemsCombine() {
        let w = wordsBytes(b("\"\\0" + String(repeating: "z", count: PPPWordReader.maximumWordLength)))
        #expect(w.map(\.problems) == [[.unterminatedQuote, .nulOctet, .tooLong]])
    }

    @Test func readerIsASequence() {
        var r = PPPWordReader(b("a\nb"))
        #expect(r.next()?.bytes == b("a"))
        #expect(r.line == 1)
        #expect(r.next()?.bytes == b("b"))
        #expect(r.line == 2)
        #expect(r.next() == nil)
        #expect(Array(PPPWordReader(b("x y z"))).count == 3)
    }
}
