import ChapdConfig
import FuzzCommon
import PPPWords

/// The options-file parser (ChapdConfig) and pppd's word reader (PPPWords) on arbitrary text.
/// The first octet chooses: the text as an options file (`file /fuzz/options`, other files
/// absent or the same text again), or as command-line words split at NUL octets; and
/// chapd's own parse or `chapd serve`'s (the text is chapd.conf too, with its server words:
/// listen, line, remote-pool, limits; then the first served line's options.TTYNAME). The word
/// reader runs over the text in every quoting mode.
/// Checks: no trap; word line numbers never decrease and stay within the text's lines.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOptions(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    var input = FuzzInput(start, count)
    let mode = input.u8()
    let text = input.rest()

    let lines = text.reduce(1) { $0 + ($1 == 0x0a ? 1 : 0) }
    for quoting in PPPWordReader.Quoting.allCases {
        var last = 0
        for word in PPPWordReader.words(in: text, quoting: quoting) {
            fuzzCheck(word.line >= last && word.line <= lines, "word line \(word.line) after \(last), of \(lines)")
            last = word.line
        }
    }

    let reader: @Sendable (String) -> FileReadResult = { path in
        if path == "/fuzz/options" || path == "/fuzz/chapd.conf" { return .contents(text) }
        switch path.utf8.count % 3 {
        case 0: return .notFound
        case 1: return .failed("Permission denied")
        default: return .contents(text)  // includes that recurse: the depth limit must hold
        }
    }
    let arguments: [String]
    if mode & 1 == 0 {
        arguments = ["file", "/fuzz/options"]
    } else {
        arguments = text.split(separator: 0, omittingEmptySubsequences: false).prefix(64).map { String(decoding: $0, as: UTF8.self) }
    }
    let context = OptionContext(optionsDirectory: "/fuzz", environment: [:], readFile: reader,
                                isCharacterDevice: { $0.hasPrefix("/dev/") })
    if mode & 2 == 0 {
        if let options = try? OptionParser.parse(arguments: arguments, context: context) {
            _ = options.dumpText
        }
    } else if let options = try? OptionParser.parseServer(arguments: arguments, context: context) {
        _ = options.dumpText
        if let line = options.server.lines.first,
           let served = try? OptionParser.parseServerLine(arguments: arguments, context: context, line: line) {
            _ = served.dumpText
        }
    }
    return 0
}
