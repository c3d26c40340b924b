import Foundation

/// The chap-secrets file behind `SecretLookup`: loaded once, reloaded on demand (SIGHUP) or
/// when the file (or an `@/path` it names) changed. A reload that fails keeps the previous
/// contents. Lookups and reloads may run on any threads.
public final class ChapSecretsStore: SecretLookup, @unchecked Sendable {
    public let path: String
    private let indirect: IndirectSecretReader

    /// One reference to share with lookups (copying the index struct retained many).
    private final class IndexBox: Sendable {
        let index: SecretsIndex
        init(_ index: SecretsIndex) { self.index = index }
    }

    private struct State {
        var box: IndexBox
        var index: SecretsIndex { box.index }
        var signature: FileSignature?
        var indirectSignatures: [String: FileSignature?]
    }

    // NSLock (not Synchronization.Mutex) keeps the package's macOS 13 floor.
    private let lock = NSLock()
    private var state: State

    /// Loads `path`; throws every problem found if the file cannot be used.
    public init(path: String, indirect: IndirectSecretReader = .filesystem) throws(SecretsError) {
        self.path = path
        self.indirect = indirect
        self.state = try Self.load(path: path, indirect: indirect)
    }

    /// An in-memory store (tests, other backends' adapters); `reload()` re-reads `file.path`.
    public init(file: SecretsFile, indirect: IndirectSecretReader = .filesystem) {
        self.path = file.path
        self.indirect = indirect
        self.state = State(box: IndexBox(SecretsIndex(file)), signature: nil, indirectSignatures: [:])
    }

    private static func load(path: String, indirect: IndirectSecretReader) throws(SecretsError) -> State {
        let contents: FileAccess.Contents
        switch FileAccess.load(path: path) {
        case .success(let c): contents = c
        case .failure(.unreadable(let why)), .failure(.refused(let why)):
            throw SecretsError([SecretsDiagnostic(.error, path: path, line: nil, why)])
        }
        let fileWarnings = contents.warnings.map { SecretsDiagnostic(.warning, path: path, line: nil, $0) }
        do {
            var file = try SecretsFile.parse(contents.bytes, path: path, indirect: indirect)
            file.warnings = fileWarnings + file.warnings
            var indirectSignatures: [String: FileSignature?] = [:]
            for p in file.indirectPaths { indirectSignatures[p] = FileAccess.currentSignature(path: p) }
            return State(box: IndexBox(SecretsIndex(file)), signature: contents.signature, indirectSignatures: indirectSignatures)
        } catch {
            throw SecretsError(fileWarnings + error.diagnostics)
        }
    }

    private func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// The current contents (entries, warnings from the last successful load).
    public var file: SecretsFile { withLock { state.box }.index.file }
    public var warnings: [SecretsDiagnostic] { file.warnings }

    public func lookup(client: [UInt8], server: [UInt8]) -> SecretMatch? {
        let box = withLock { state.box }
        let index = box.index
        guard let e = index.entry(client: client, server: server) else { return nil }
        return SecretMatch(client: e.client, server: e.server, secret: e.secret,
                           addresses: e.addresses, source: "\(index.file.path):\(e.line)")
    }

    /// The whole chosen entry, including pppd extra options after `--`.
    public func entry(client: [UInt8], server: [UInt8]) -> SecretsEntry? {
        withLock { state.box }.index.entry(client: client, server: server)
    }

    /// pppd's have_chap_secret() (nil = name not known yet); see `SecretsIndex.hasSecret`.
    public func hasSecret(client: [UInt8]?, server: [UInt8]?, needAddress: Bool = false) -> Bool {
        withLock { state.box }.index.hasSecret(client: client, server: server, needAddress: needAddress)
    }

    /// Re-reads the file (SIGHUP). On failure the previous contents stay in use and the
    /// error says why. Returns the new contents' warnings.
    @discardableResult
    public func reload() throws(SecretsError) -> [SecretsDiagnostic] {
        let fresh = try Self.load(path: path, indirect: indirect)
        withLock { state = fresh }
        return fresh.index.file.warnings
    }

    /// Reloads only if the file or one of its `@/path` files changed (device, inode, size,
    /// mtime, mode). Returns whether it reloaded; throws (keeping the old contents) if the
    /// changed file cannot be used. A failed file is retried on the next call only after it
    /// changes again.
    @discardableResult
    public func reloadIfChanged() throws(SecretsError) -> Bool {
        let (old, oldIndirect) = withLock { (state.signature, state.indirectSignatures) }
        let now = FileAccess.currentSignature(path: path)
        var changed = now != old
        if !changed {
            for (p, sig) in oldIndirect where FileAccess.currentSignature(path: p) != sig { changed = true; break }
        }
        guard changed else { return false }
        do {
            try reload()
            return true
        } catch {
            // Remember what we saw so a broken file is reported once, not on every poll.
            withLock {
                state.signature = now
                for p in oldIndirect.keys { state.indirectSignatures[p] = FileAccess.currentSignature(path: p) }
            }
            throw error
        }
    }
}
