import Testing
@testable import ChapSecrets

@Suite struct AddressTests {
    func rules(_ text: String) throws -> [AddressRule] {
        try SecretsFile.parse("a s x \(text)", path: "f", indirect: table([:])).entries[0].addresses
    }

    @Test func forms() throws {
        #expect(try rules("*") == [.any])
        #expect(try rules("-") == [.none])
        #expect(try rules("") == [])
        #expect(try rules("192.168.1.7") == [.network(address: 0xC0A8_0107, prefixLength: 32, negated: false)])
        #expect(try rules("!10.1.2.3/8") == [.network(address: 0x0A00_0000, prefixLength: 8, negated: true)])
        #expect(try rules("10.0.0.1/32 0.0.0.0/1") == [.network(address: 0x0A00_0001, prefixLength: 32, negated: false),
                                                        .network(address: 0, prefixLength: 1, negated: false)])
    }

    @Test func wordsAfterDashOrStarAreIgnored() throws {
        #expect(try rules("10.0.0.1 - 10.0.0.2") == [.network(address: 0x0A00_0001, prefixLength: 32, negated: false), .none])
        #expect(try rules("* nonsense") == [.any])
    }

    @Test(arguments: ["host.example", "10.0.0", "10.0.0.256", "10.0.0.1/0", "10.0.0.1/33", "10.0.0.1/x",
                      "10.0.0.1/24+", "!*", "!", "1.2.3.4.5", "01234.1.1.1", "10.0.0.1/"])
    func invalidWordsAreErrors(word: String) {
        let d = diagnose("a s x \(word)").1
        #expect(d.count == 1 && d[0].severity == .error && d[0].line == 1)
    }

    @Test func allowsFirstMatchWins() throws {
        let list = try rules("!10.0.0.5 10.0.0.0/24")
        #expect(list.allows(0x0A00_0001))
        #expect(!list.allows(0x0A00_0005))
        #expect(!list.allows(0x0A00_0105))
        #expect(try rules("10.0.0.0/24 !10.0.0.5").allows(0x0A00_0005))
        #expect(try rules("!10.0.0.5 *").allows(0x0B00_0000))
        #expect(!(try rules("!10.0.0.5 *").allows(0x0A00_0005)))
        #expect(!(try rules("10.0.0.1 -").allows(0x0A00_0002)))
    }

    @Test func emptyListAllowsNothing() throws {
        // pppd(8): with only three words on the line, all addresses are disallowed.
        #expect(!(try rules("")).allows(0x0A00_0001))
        #expect(!(try rules("")).permitsSomeAddress)
    }

    @Test func permitsSomeAddressAndSuggestion() throws {
        #expect(try rules("!10.0.0.1 10.0.0.0/8").permitsSomeAddress)
        #expect(!(try rules("!10.0.0.1 -").permitsSomeAddress))
        #expect(try rules("*").permitsSomeAddress)
        #expect(try rules("!10.0.0.9 10.1.0.0/16 10.0.0.2 10.0.0.3").suggestedPeerAddress == 0x0A00_0002)
        #expect(try rules("*").suggestedPeerAddress == nil)
    }
}
