/// Lookup tables over a parsed file: cost does not grow with the file. One table per pppd
/// score, each keeping only the FIRST line for its key, which reproduces pppd's scan (a
/// later line replaces the best only with a strictly higher score).
public struct SecretsIndex: Sendable {
    public let file: SecretsFile
    private var exact: [PairKey: Int] = [:]         // score 3: client and server named
    private var byClient: [NameKey: Int] = [:]       // score 2: client named, server `*`
    private var byServer: [NameKey: Int] = [:]       // score 1: client `*`, server named
    private var anyAny: Int?                         // score 0: `*` `*`
    private var clients: Set<NameKey> = []
    private var servers: Set<NameKey> = []
    private var anyWildClient = false
    private var anyWildServer = false

    public init(_ file: SecretsFile) {
        self.file = file
        for (i, e) in file.entries.enumerated() {
            switch (e.clientIsWildcard, e.serverIsWildcard) {
            case (false, false):
                let key = PairKey(client: e.client, server: e.server)
                if exact[key] == nil { exact[key] = i }
            case (false, true): if byClient[NameKey(e.client)] == nil { byClient[NameKey(e.client)] = i }
            case (true, false): if byServer[NameKey(e.server)] == nil { byServer[NameKey(e.server)] = i }
            case (true, true): if anyAny == nil { anyAny = i }
            }
            if e.clientIsWildcard { anyWildClient = true } else { clients.insert(NameKey(e.client)) }
            if e.serverIsWildcard { anyWildServer = true } else { servers.insert(NameKey(e.server)) }
        }
    }

    /// The entry pppd's scan_authfile() would choose for (client, server). Names compare
    /// as octets, case-sensitively; an empty name is just a name (pppd's get_secret()).
    public func entry(client: [UInt8], server: [UInt8]) -> SecretsEntry? {
        let i = exact[PairKey(client: client, server: server)] ?? byClient[NameKey(client)] ?? byServer[NameKey(server)] ?? anyAny
        return i.map { file.entries[$0] }
    }

    /// pppd's have_chap_secret(): could any line serve? nil means "name not known yet",
    /// which matches every line. With `needAddress`, the best line (as pppd picks it) must
    /// also authorise some address.
    public func hasSecret(client: [UInt8]?, server: [UInt8]?, needAddress: Bool = false) -> Bool {
        if let client, let server {
            guard let e = entry(client: client, server: server) else { return false }
            return !needAddress || e.addresses.permitsSomeAddress
        }
        if !needAddress {
            if let client { return anyWildClient || clients.contains(NameKey(client)) }
            if let server { return anyWildServer || servers.contains(NameKey(server)) }
            return !file.entries.isEmpty
        }
        // Rare (start-up checks): scan as pppd does.
        var best: SecretsEntry?
        for e in file.entries {
            if let client, !e.clientIsWildcard, e.client != client { continue }
            if let server, !e.serverIsWildcard, e.server != server { continue }
            if e.score > (best?.score ?? -1) { best = e }
        }
        return best?.addresses.permitsSomeAddress ?? false
    }
}
