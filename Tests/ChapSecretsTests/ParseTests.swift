import Testing
@testable import ChapSecrets

@Suite struct ParseTests {
    @Test func basicEntriesWithLines() throws {
        let f = try SecretsFile.parse("# header\nalice server \"s3cret-alice\" *\n\nbob * pw 10.0.0.1 10.1.0.0/16\n",
                                      path: "f", indirect: table([:]))
        #expect(f.entries.count == 2)
        #expect(f.entries[0].client == b("alice") && f.entries[0].server == b("server"))
        #expect(f.entries[0].secret == Secret("s3cret-alice") && f.entries[0].addresses == [.any] && f.entries[0].line == 2)
        #expect(f.entries[1].line == 4 && f.entries[1].serverIsWildcard && f.entries[1].score == 2)
        #expect(f.entries[1].addresses == [.network(address: 0x0A00_0001, prefixLength: 32, negated: false),
                                            .network(address: 0x0A01_0000, prefixLength: 16, negated: false)])
    }

    @Test func continuationJoinsLinesAndEntryLineIsClientLine() throws {
        let f = try SecretsFile.parse("alice server \\\n  secret \\\n  10.0.0.1\nbob s x\n", path: "f", indirect: table([:]))
        #expect(f.entries.map(\.line) == [1, 4])
        #expect(f.entries[0].secret == Secret("secret") && f.entries[0].addresses.count == 1)
    }

    @Test func quotedWildcardIsAWildcard() throws {
        let f = try SecretsFile.parse(#""*" '*' s"#, path: "f", indirect: table([:]))
        #expect(f.entries[0].clientIsWildcard && f.entries[0].serverIsWildcard)
    }

    @Test func shortLinesAreSkippedWithWarnings() {
        let (f, d) = diagnose("alice\nbob server\ncarol server pw\n")
        #expect(f.entries.map(\.client) == [b("carol")])
        #expect(d.map(\.line) == [1, 2] && d.allSatisfy { $0.severity == .warning })
    }

    @Test func emptyNamesAndSecretsAreWords() throws {
        let f = try SecretsFile.parse(#""" server """#, path: "f", indirect: table([:]))
        #expect(f.entries[0].client == [] && f.entries[0].secret.bytes == [])
    }

    @Test func wordLengthLimit() {
        let ok = String(repeating: "n", count: 1023)
        let long = String(repeating: "n", count: 1024)
        #expect(diagnose("\(ok) s x").1.isEmpty)
        let d = diagnose("a s x\n\(long) s x\n").1
        #expect(d.count == 1 && d[0].severity == .error && d[0].line == 2 && d[0].message.contains("1023"))
    }

    @Test func secretLengthLimit() {
        let ok = String(repeating: "k", count: 256)
        let long = String(repeating: "k", count: 257)
        #expect(diagnose("a s \(ok)").1.isEmpty)
        let d = diagnose("a s \(long)").1
        #expect(d.count == 1 && d[0].line == 1 && d[0].message.contains("256"))
        #expect(!d[0].description.contains("kkkk"))          // the secret never appears
    }

    @Test func nulOctetIsAnError() {
        let d = diagnose(#"a s ab\000cd"#).1
        #expect(d.count == 1 && d[0].severity == .error && d[0].message.contains("NUL"))
    }

    @Test func unterminatedQuoteIsAnErrorWithLine() throws {
        let d = diagnose("a s x\nb s \"oops\nmore").1
        #expect(d.contains { $0.severity == .error && $0.line == 2 && $0.message.contains("quote") })
        #expect(throws: SecretsError.self) { try SecretsFile.parse("a s \"x", path: "f", indirect: table([:])) }
    }

    @Test func allProblemsAreCollected() {
        do {
            _ = try SecretsFile.parse("a s x 1.2.3\nb s y 10.0.0.0/33\nc\n", path: "/etc/ppp/chap-secrets", indirect: table([:]))
            Issue.record("expected an error")
        } catch {
            #expect(error.errors.map(\.line) == [1, 2])
            #expect(error.warnings.map(\.line) == [3])
            #expect(error.description.contains("/etc/ppp/chap-secrets:2: error: "))
        }
    }

    @Test func indirectSecretFromFile() throws {
        let f = try SecretsFile.parse("a s @/etc/ppp/a.secret 10.0.0.1\n", path: "f",
                                      indirect: table(["/etc/ppp/a.secret": "# c\n  \"the secret\" more\n"]))
        #expect(f.entries[0].secret == Secret("the secret"))
        #expect(f.entries[0].indirectPath == "/etc/ppp/a.secret" && f.indirectPaths == ["/etc/ppp/a.secret"])
    }

    @Test func indirectNeedsAbsolutePath() throws {
        let f = try SecretsFile.parse("a s @relative\n", path: "f", indirect: table([:]))
        #expect(f.entries[0].secret == Secret("@relative"))
    }

    @Test func unreadableOrEmptyIndirectSkipsTheLineWithWarning() {
        let (f, d) = diagnose("a s @/missing\nb s @/empty\nc s x\n", indirect: table(["/empty": "# nothing\n"]))
        #expect(f.entries.map(\.client) == [b("c")])
        #expect(d.map(\.line) == [1, 2] && d.allSatisfy { $0.severity == .warning })
    }

    @Test func refusedIndirectIsAnError() {
        let reader = IndirectSecretReader { _ in .refused("is writable by group or others") }
        let d = diagnose("a s @/x\n", indirect: reader).1
        #expect(d.count == 1 && d[0].severity == .error)
    }

    @Test func indirectSecretLengthChecked() {
        let d = diagnose("a s @/x\n", indirect: table(["/x": String(repeating: "z", count: 300)])).1
        #expect(d.count == 1 && d[0].severity == .error && !d[0].description.contains("zzz"))
    }

    @Test func optionsAfterDoubleDash() throws {
        let f = try SecretsFile.parse("a s x 10.0.0.1 -- mtu 1400\nb s y -- \n", path: "f", indirect: table([:]))
        #expect(f.entries[0].addresses.count == 1 && f.entries[0].options == [b("mtu"), b("1400")])
        #expect(f.entries[1].addresses.isEmpty && f.entries[1].options.isEmpty)
        #expect(f.warnings.map(\.line) == [1])
    }

    @Test func lintShortSecretsAndDuplicates() throws {
        let f = try SecretsFile.parse("a s short\na s a-long-enough-secret\nb s exactly12chr\n", path: "f", indirect: table([:]))
        let lint = f.lint()
        #expect(lint.map(\.line) == [1, 2])
        #expect(lint[1].message.contains("line 1"))
    }

    @Test func diagnosticFormat() {
        #expect(SecretsDiagnostic(.error, path: "p", line: 3, "m").description == "p:3: error: m")
        #expect(SecretsDiagnostic(.warning, path: "p", line: nil, "m").description == "p: warning: m")
        #expect(Secret("x").description == "<secret redacted>")
    }
}
