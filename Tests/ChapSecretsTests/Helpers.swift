import Foundation
@testable import ChapSecrets

func b(_ s: String) -> [UInt8] { Array(s.utf8) }

/// The words chap-secrets parsing sees, as bytes.
func words(_ text: String) -> [[UInt8]] {
    wordsBytes(Array(text.utf8)).map(\.bytes)
}

/// The words chap-secrets parsing sees.
func wordsBytes(_ text: [UInt8]) -> [SecretsWordReader.Word] {
    var r = SecretsWordReader(text)
    var out: [SecretsWordReader.Word] = []
    while let w = r.next() { out.append(w) }
    return out
}

/// A tiny deterministic generator for tests (no dependency on PPPCore).
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
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
