import Testing
@testable import ChapdConfig

@Suite struct WordGrammarTests {
    @Test func whitespaceAndNewlinesSeparateWords() throws {
        #expect(try words("  name\talice\n\n  auth\r\n") == ["name", "alice", "auth"])
    }

    @Test func commentsRunToEndOfLine() throws {
        #expect(try words("# a comment\nauth # trailing\nnoip#glued\n") == ["auth", "noip"])
    }

    @Test func quotesKeepSpacesAndHashes() throws {
        #expect(try words(#"success-message "Welcome # friend" 'it''s' a"b c"d"#)
                == ["success-message", "Welcome # friend", "its", "ab cd"])
    }

    @Test func emptyQuotedWordIsAWord() throws {
        #expect(try words(#"name "" auth"#) == ["name", "", "auth"])
    }

    @Test func otherQuoteInsideQuotesIsLiteral() throws {
        #expect(try words(#""it's" 'say "hi"'"#) == ["it's", #"say "hi""#])
    }

    @Test func backslashEscapes() throws {
        #expect(try words(##"a\sb c\tD \101\x42\x4a q\"x \\ \#z"##)
                == ["a b", "c\tD", "ABJ", "q\"x", "\\", "#z"])
        #expect(try words(#"\a\b\f\n\r"#) == ["\u{07}\u{08}\u{0C}\n\r"])
    }

    @Test func octalStopsAfterThreeDigitsAndHexAfterTwo() throws {
        #expect(try words(#"\1011 \x414"#) == ["A1", "A4"])
    }

    @Test func backslashNewlineJoinsAndIsIgnoredBetweenWords() throws {
        #expect(try words("na\\\nme alice \\\n auth") == ["name", "alice", "auth"])
    }

    @Test func escapesWorkInsideQuotes() throws {
        #expect(try words(#""a\"b""#) == [#"a"b"#])
    }

    @Test func lineNumbersAreThoseOfTheWordStart() throws {
        let r = try OptionWordReader.words(in: Array("auth\n# c\n\nname 'multi\nline'\nnoip".utf8))
        #expect(r.words.map(\.line) == [1, 4, 4, 6])
        #expect(r.words[2].text == "multi\nline")
    }

    @Test func unterminatedQuoteWarnsWithoutTheWord() throws {
        let r = try OptionWordReader.words(in: Array("password 'secret-to-eof".utf8))
        #expect(r.words.map(\.text) == ["password", "secret-to-eof"])
        #expect(r.warnings.count == 1)
        #expect(!(r.warnings.first ?? "").contains("secret"))
    }

    @Test func overlongWordIsAnError() {
        let long = String(repeating: "x", count: OptionWordReader.maxWordLength + 1)
        #expect(throws: OptionWordReader.ReadError.wordTooLong(line: 2)) {
            _ = try OptionWordReader.words(in: Array("auth\n\(long)".utf8))
        }
        #expect((try? words(String(repeating: "y", count: OptionWordReader.maxWordLength)))?.first?.count
                == OptionWordReader.maxWordLength)
    }

    @Test func trailingBackslashAtEndOfFileDoesNotTrap() throws {
        #expect(try words("auth\\") == ["auth"])
        #expect(try words("\\") == [])
        #expect(try words("\\x") == ["\0"])
    }

    @Test func emptyAndCommentOnlyInput() throws {
        #expect(try words("") == [])
        #expect(try words("# only\n   \n#x") == [])
    }
}
