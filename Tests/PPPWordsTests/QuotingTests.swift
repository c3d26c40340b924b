import Testing
import PPPWords

/// Where the two quoting rules differ.
@Suite struct QuotingTests {
    @Test func wordStartQuotedWordEndsAtClosingQuote() {
        #expect(words(#""abc"def"#) == [b("abc"), b("def")])
        let w = wordsBytes(b(#""abc"def"#))
        #expect(w.map(\.quoted) == [true, false])
        #expect(w.map(\.startsLine) == [false, false])
    }

    @Test func wordStartQuoteInsideAWordIsLiteral() {
        #expect(words(#"ab"cd"#) == [b(#"ab"cd"#)])
        #expect(wordsBytes(b(#"ab"cd"#)).first?.quoted == false)
        #expect(strings(#"'it''s' a"b c"d"#) == ["it", "s", #"a"b"#, #"c"d"#])
    }

    @Test func anywhereQuotesOpenAndCloseMidWord() {
        #expect(strings(#"success-message "Welcome # friend" 'it''s' a"b c"d"#, .anywhere)
                == ["success-message", "Welcome # friend", "its", "ab cd"])
        #expect(words(#""abc"def"#, .anywhere) == [b("abcdef")])
        #expect(wordsBytes(b(#"a"b c"d"#), .anywhere).first?.quoted == true)
    }

    @Test func otherQuoteInsideQuotesIsLiteral() {
        for q in PPPWordReader.Quoting.allCases {
            #expect(strings(#""it's" 'say "hi"'"#, q) == ["it's", #"say "hi""#])
        }
    }

    @Test func defaultIsPPPDsRule() {
        #expect(PPPWordReader(b("x")).quoting == .wordStart)
    }
}
