import PPPWords

func b(_ s: String) -> [UInt8] { Array(s.utf8) }

/// The words' bytes.
func words(_ text: String, _ quoting: PPPWordReader.Quoting = .wordStart) -> [[UInt8]] {
    PPPWordReader.words(in: Array(text.utf8), quoting: quoting).map(\.bytes)
}

/// The words as text (tests whose words are all UTF-8).
func strings(_ text: String, _ quoting: PPPWordReader.Quoting = .wordStart) -> [String] {
    words(text, quoting).map { String(decoding: $0, as: UTF8.self) }
}

func wordsBytes(_ text: [UInt8], _ quoting: PPPWordReader.Quoting = .wordStart) -> [PPPWord] {
    PPPWordReader.words(in: text, quoting: quoting)
}

/// A deterministic generator for the random-input test (Knuth's MMIX LCG, high bits).
struct LCG {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 33
    }
}
