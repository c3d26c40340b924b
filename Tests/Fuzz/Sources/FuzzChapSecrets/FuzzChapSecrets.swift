import ChapSecrets
import FuzzCommon

/// The chap-secrets parser (and the pppd word reader under it) on arbitrary text, with an
/// in-memory reader for `@file` indirect secrets. Then what parsed is indexed, linted and
/// looked up. Checks: no trap; a successful parse yields the same entries as diagnose.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzChapSecrets(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let input = FuzzInput(start, count)
    let text = input.bytes
    let indirect = IndirectSecretReader { path in
        switch path.utf8.count % 3 {
        case 0: return .contents(Array("indirect-secret\n".utf8), warnings: [])
        case 1: return .unreadable("No such file or directory")
        default: return .refused("writable by others")
        }
    }
    let (file, diagnostics) = SecretsFile.diagnose(text, path: "/fuzz/chap-secrets", indirect: indirect)
    for d in diagnostics { _ = d.description }
    _ = file.lint()
    if let parsed = try? SecretsFile.parse(text, path: "/fuzz/chap-secrets", indirect: indirect) {
        fuzzCheck(parsed.entries == file.entries, "parse and diagnose disagree on the entries")
    }
    let index = SecretsIndex(file)
    for entry in file.entries.prefix(16) {
        _ = index.entry(client: entry.client, server: entry.server)
        _ = index.hasSecret(client: entry.client, server: entry.server, needAddress: true)
    }
    let store = ChapSecretsStore(file: file, indirect: indirect)
    _ = store.lookup(client: Array("alice".utf8), server: Array("server".utf8))
    _ = store.hasSecret(client: nil, server: nil)
    return 0
}
