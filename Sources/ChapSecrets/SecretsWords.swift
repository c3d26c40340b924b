import PPPWords

/// chap-secrets words: pppd's grammar with quotes only at a word's start. A quote opened at
/// the very end of the file with nothing after it is no word (pppd's getword returns none).
struct SecretsWordReader {
    typealias Word = PPPWord
    private var reader: PPPWordReader

    init(_ text: [UInt8]) { reader = PPPWordReader(text, quoting: .wordStart) }

    mutating func next() -> PPPWord? {
        guard let word = reader.next() else { return nil }
        if word.bytes.isEmpty && word.problems.contains(.unterminatedQuote) { return nil }
        return word
    }
}
