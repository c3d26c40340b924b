import PPPWords

/// One options-file word and the line it starts on (1-based).
struct OptionWord: Equatable {
    var text: String
    var line: Int
}

/// The words of an options file: pppd's word grammar with quotes allowed anywhere in a word
/// (`a"b c"d` is one word). An over-long word is an error; a quote left open at the end of
/// the file is only a warning, as pppd gives.
enum OptionFileWords {
    enum ReadError: Error, Equatable {
        case wordTooLong(line: Int)
    }

    static func words(in bytes: [UInt8]) throws(ReadError) -> (words: [OptionWord], warnings: [String]) {
        var words: [OptionWord] = []
        var warnings: [String] = []
        for word in PPPWordReader(bytes, quoting: .anywhere) {
            if word.problems.contains(.tooLong) { throw .wordTooLong(line: word.line) }
            if word.problems.contains(.unterminatedQuote) {
                // Never the word itself: it may be a password.
                warnings.append("quoted word starting on line \(word.line) runs to end of file")
            }
            words.append(OptionWord(text: String(decoding: word.bytes, as: UTF8.self), line: word.line))
        }
        return (words, warnings)
    }
}
