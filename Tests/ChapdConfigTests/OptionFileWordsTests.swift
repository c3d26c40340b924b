import Testing
@testable import ChapdConfig

/// What options files make of pppd's word grammar (the grammar itself: PPPWordsTests).
@Suite struct OptionFileWordsTests {
    @Test func quotesOpenAndCloseAnywhereInAWord() throws {
        #expect(try words(#"success-message "Welcome # friend" 'it''s' a"b c"d"#)
                == ["success-message", "Welcome # friend", "its", "ab cd"])
        let o = try parse(["file", "/tmp/o"], files: ["/tmp/o": #"name a"b c"d"#])
        #expect(o.name == "ab cd")
    }

    @Test func lineNumbersAreThoseOfTheWordStart() throws {
        let r = try OptionFileWords.words(in: Array("auth\n# c\n\nname 'multi\nline'\nnoip".utf8))
        #expect(r.words.map(\.line) == [1, 4, 4, 6])
        #expect(r.words.count == 4 && r.words[2].text == "multi\nline")
    }

    @Test func unterminatedQuoteWarnsWithoutTheWord() throws {
        let r = try OptionFileWords.words(in: Array("password 'secret-to-eof".utf8))
        #expect(r.words.map(\.text) == ["password", "secret-to-eof"])
        #expect(r.warnings.count == 1)
        #expect(!(r.warnings.first ?? "").contains("secret"))
        // An empty quote left open is still a word (unlike chap-secrets).
        #expect(try words("name '") == ["name", ""])
        let o = try parse(["file", "/tmp/o"], files: ["/tmp/o": "name 'bob"])
        #expect(o.name == "bob")
        #expect(o.warnings == ["/tmp/o: quoted word starting on line 1 runs to end of file"])
    }

    @Test func overlongWordIsAnError() throws {
        let limit = 1023
        let long = String(repeating: "x", count: limit + 1)
        #expect(throws: OptionFileWords.ReadError.wordTooLong(line: 2)) {
            _ = try OptionFileWords.words(in: Array("auth\n\(long)".utf8))
        }
        #expect((try? words(String(repeating: "y", count: limit)))?.first?.count == limit)
        let e = parseError(["file", "/tmp/o"], files: ["/tmp/o": "auth\n\(long)"])
        #expect(e?.kind == .file)
        #expect(e?.message == "word too long (more than 1023 bytes)")
        #expect(e?.source == .file(path: "/tmp/o", line: 2))
    }

    @Test func nulOctetsAreKept() throws {
        #expect(try words("\\x") == ["\0"])
        #expect(try words(#"a\000b"#) == ["a\0b"])
    }
}
