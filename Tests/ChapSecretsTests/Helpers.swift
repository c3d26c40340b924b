import Foundation
@testable import ChapSecrets

func b(_ s: String) -> [UInt8] { Array(s.utf8) }

/// All words of a text, as strings where printable (tests only).
func words(_ text: String) -> [[UInt8]] {
    var r = WordReader(Array(text.utf8))
    var out: [[UInt8]] = []
    while let w = r.next() { out.append(w.bytes) }
    return out
}

func wordsBytes(_ text: [UInt8]) -> [WordReader.Word] {
    var r = WordReader(text)
    var out: [WordReader.Word] = []
    while let w = r.next() { out.append(w) }
    return out
}

/// Indirect reads from a table, so grammar tests touch no disk.
func table(_ files: [String: String]) -> IndirectSecretReader {
    IndirectSecretReader { path in
        if let text = files[path] { return .contents(Array(text.utf8), warnings: []) }
        return .unreadable("No such file or directory")
    }
}

func diagnose(_ text: String, indirect: IndirectSecretReader = table([:])) -> (SecretsFile, [SecretsDiagnostic]) {
    SecretsFile.diagnose(Array(text.utf8), path: "f", indirect: indirect)
}

/// A fresh private temp directory.
func tempDirectory() -> String {
    let dir = NSTemporaryDirectory() + "chapsecrets-tests-" + UUID().uuidString
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

func write(_ text: String, to path: String, mode: mode_t = 0o600) {
    _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    chmod(path, mode)
}
