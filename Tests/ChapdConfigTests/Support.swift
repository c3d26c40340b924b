@testable import ChapdConfig

/// An in-memory file system and host for the parser.
func testContext(files: [String: String] = [:], directory: String = "/etc/ppp",
                 environment: [String: String] = [:], devices: Set<String> = [],
                 unreadable: Set<String> = [], host: String = "myhost") -> OptionContext {
    OptionContext(
        optionsDirectory: directory, environment: environment,
        readFile: { path in
            if unreadable.contains(path) { return .failed("Permission denied") }
            guard let text = files[path] else { return .notFound }
            return .contents(Array(text.utf8))
        },
        isCharacterDevice: { devices.contains($0) },
        hostname: { host })
}

func parse(_ arguments: [String], files: [String: String] = [:], devices: Set<String> = [],
           environment: [String: String] = [:]) throws(OptionError) -> ChapdOptions {
    try OptionParser.parse(arguments: arguments,
                           context: testContext(files: files, environment: environment, devices: devices))
}

func parse(_ line: String, files: [String: String] = [:]) throws(OptionError) -> ChapdOptions {
    try parse(line.split(separator: " ").map(String.init), files: files)
}

/// The error a parse throws, or nil if it succeeds.
func parseError(_ arguments: [String], files: [String: String] = [:], devices: Set<String> = [],
                unreadable: Set<String> = []) -> OptionError? {
    do {
        _ = try OptionParser.parse(arguments: arguments,
                                   context: testContext(files: files, devices: devices, unreadable: unreadable))
        return nil
    } catch {
        return error
    }
}

func words(_ text: String) throws -> [String] {
    try OptionFileWords.words(in: Array(text.utf8)).words.map(\.text)
}
