import Testing
@testable import ChapSecrets

/// pppd's scan_authfile() done literally over the word stream (our reference).
func referenceScan(_ text: [UInt8], client: [UInt8], server: [UInt8]) -> (secret: [UInt8], line: Int)? {
    let ws = wordsBytes(text)
    var i = 0
    var best = -1
    var found: (secret: [UInt8], line: Int)?
    let star: [UInt8] = [0x2A]
    while i < ws.count {
        // Each iteration starts at a word that begins a line.
        let c = ws[i]
        var j = i + 1
        func nextLineStart(_ k: Int) -> Int { var k = k; while k < ws.count && !ws[k].startsLine { k += 1 }; return k }
        defer { i = nextLineStart(j) }
        if c.bytes != client && c.bytes != star { continue }
        var flag = c.bytes == star ? 0 : 2
        guard j < ws.count, !ws[j].startsLine else { continue }
        let s = ws[j]; j += 1
        if s.bytes != star {
            if s.bytes != server { continue }
            flag |= 1
        }
        if flag <= best { continue }
        guard j < ws.count, !ws[j].startsLine else { continue }
        let secret = ws[j]; j += 1
        best = flag
        found = (secret.bytes, c.line)
    }
    return found
}

@Suite struct MatchingTests {
    func index(_ text: String) throws -> SecretsIndex {
        SecretsIndex(try SecretsFile.parse(text, path: "f", indirect: table([:])))
    }

    @Test func scoresAndTies() throws {
        let ix = try index("""
        * * anyany
        * srv anysrv
        alice * aliceany
        alice srv exact1
        alice srv exact2
        * srv anysrv2
        """)
        #expect(ix.entry(client: b("alice"), server: b("srv"))?.secret == Secret("exact1"))
        #expect(ix.entry(client: b("alice"), server: b("other"))?.secret == Secret("aliceany"))
        #expect(ix.entry(client: b("bob"), server: b("srv"))?.secret == Secret("anysrv"))
        #expect(ix.entry(client: b("bob"), server: b("x"))?.secret == Secret("anyany"))
    }

    @Test func clientWildcardScoresBelowNamedClient() throws {
        // score 2 (client named) beats score 1 (server named) even when it comes later.
        let ix = try index("* srv one\nalice * two\n")
        #expect(ix.entry(client: b("alice"), server: b("srv"))?.secret == Secret("two"))
    }

    @Test func caseSensitiveOctetNames() throws {
        let ix = try index("Alice srv x\n\"caf\\xc3\\xa9\" srv y\n")
        #expect(ix.entry(client: b("alice"), server: b("srv")) == nil)
        #expect(ix.entry(client: [0x63, 0x61, 0x66, 0xC3, 0xA9], server: b("srv"))?.secret == Secret("y"))
    }

    @Test func emptyNameMatchesOnlyEmptyOrWildcard() throws {
        let ix = try index("\"\" srv e\nalice srv a\n")
        #expect(ix.entry(client: [], server: b("srv"))?.secret == Secret("e"))
        #expect(ix.entry(client: b("bob"), server: b("srv")) == nil)
    }

    @Test func hasSecretLikeHaveChapSecret() throws {
        let ix = try index("alice srv x -\nbob * y 10.0.0.1\n")
        #expect(ix.hasSecret(client: nil, server: b("srv")))
        #expect(ix.hasSecret(client: nil, server: b("other")))       // bob * matches any server
        #expect(!ix.hasSecret(client: b("carol"), server: nil))
        #expect(ix.hasSecret(client: b("alice"), server: nil))
        #expect(!ix.hasSecret(client: b("alice"), server: b("srv"), needAddress: true))
        #expect(ix.hasSecret(client: b("bob"), server: b("srv"), needAddress: true))
        // Unknown client on srv: best is alice's (score 3) which allows no address.
        #expect(!ix.hasSecret(client: nil, server: b("srv"), needAddress: true))
        #expect(!SecretsIndex(SecretsFile(path: "f", entries: [])).hasSecret(client: nil, server: nil))
    }

    @Test func storeLookupFillsMatch() throws {
        let store = ChapSecretsStore(file: try SecretsFile.parse("x y z\nalice srv pw 10.0.0.1\n", path: "/p", indirect: table([:])))
        let m = try #require(store.lookup(client: b("alice"), server: b("srv")))
        #expect(m.secret == Secret("pw") && m.source == "/p:2" && m.addresses.count == 1)
        #expect(store.lookup(client: b("nobody"), server: b("srv")) == nil)
    }

    @Test func indexAgreesWithReferenceOnRandomFiles() throws {
        var rng = SplitMix(seed: 0xC4A9)
        let clients = ["alice", "bob", "carol", "*", "\"*\"", "''"]
        let servers = ["srv", "gw", "*", "\"\""]
        var compared = 0
        for _ in 0..<300 {
            var text = ""
            let lines = Int(rng.next() % 12)
            for n in 0..<lines {
                let c = clients[Int(rng.next() % UInt64(clients.count))]
                let s = servers[Int(rng.next() % UInt64(servers.count))]
                switch rng.next() % 10 {
                case 0: text += "\(c)\n"                                   // skipped: client only
                case 1: text += "\(c) \(s)\n"                              // skipped: no secret
                case 2: text += "# comment \(n)\n"
                case 3: text += "\(c) \\\n \(s) sec\(n)\n"                  // continuation
                default: text += "\(c) \(s) sec\(n) 10.0.0.\(n)\n"
                }
            }
            let bytes = Array(text.utf8)
            let ix = SecretsIndex(try SecretsFile.parse(bytes, path: "f", indirect: table([:])))
            for c in ["alice", "bob", "carol", "dave", "*", ""] {
                for s in ["srv", "gw", "other", ""] {
                    let ref = referenceScan(bytes, client: b(c), server: b(s))
                    let got = ix.entry(client: b(c), server: b(s))
                    #expect(ref?.secret == got?.secret.bytes && ref?.line == got?.line, "\(text) \(c) \(s)")
                    compared += 1
                }
            }
        }
        #expect(compared == 300 * 24)
    }
}
