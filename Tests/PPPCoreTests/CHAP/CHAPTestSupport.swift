import ChapSecrets
import PPPCore
import PPPPackets

/// An in-memory secrets table with exact-name matching (the chap-secrets grammar and
/// scoring are ChapSecrets' business, not the machines').
struct TableSecrets: SecretLookup {
    var entries: [(client: String, server: String, secret: String)]

    init(_ entries: [(client: String, server: String, secret: String)]) { self.entries = entries }

    func lookup(client: [UInt8], server: [UInt8]) -> SecretMatch? {
        for entry in entries where Array(entry.client.utf8) == client && Array(entry.server.utf8) == server {
            return SecretMatch(client: client, server: server, secret: Secret(entry.secret),
                               addresses: [.any], source: "table")
        }
        return nil
    }
}

/// Records each query, to prove which names a machine looked up (and how often).
final class RecordingSecrets: SecretLookup, @unchecked Sendable {
    // Tests are single-threaded; @unchecked is only to satisfy SecretLookup's Sendable.
    var queries: [(client: String, server: String)] = []
    let table: TableSecrets
    init(_ table: TableSecrets) { self.table = table }
    func lookup(client: [UInt8], server: [UInt8]) -> SecretMatch? {
        queries.append((String(decoding: client, as: UTF8.self), String(decoding: server, as: UTF8.self)))
        return table.lookup(client: client, server: server)
    }
}

extension Array {
    func sent<O>() -> [CHAPPacket] where Element == CHAPAction<O> {
        compactMap { if case .send(let p) = $0 { return p } else { return nil } }
    }
    func outcomes<O>() -> [O] where Element == CHAPAction<O> {
        compactMap { if case .outcome(let o) = $0 { return o } else { return nil } }
    }
    func logs<O>() -> [String] where Element == CHAPAction<O> {
        compactMap { if case .log(_, let s) = $0 { return s } else { return nil } }
    }
    func timer<O>() -> Instant? where Element == CHAPAction<O> {
        var last: Instant?
        for action in self {
            if case .setTimer(let d) = action { last = d }
            if case .cancelTimer = action { last = nil }
        }
        return last
    }
    func cancelsTimer<O>() -> Bool where Element == CHAPAction<O> {
        contains { if case .cancelTimer = $0 { return true } else { return false } }
    }
}

func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

func hex(_ s: some StringProtocol) -> [UInt8]? {
    let chars = Array(s)
    guard chars.count % 2 == 0 else { return nil }
    var out: [UInt8] = []
    var i = 0
    while i < chars.count {
        guard let byte = UInt8(String(chars[i...i + 1]), radix: 16) else { return nil }
        out.append(byte)
        i += 2
    }
    return out
}

/// Parses pppd's `sent [CHAP Challenge id=0x43 <b702...>, name = "alice"]` lines.
func parseCHAPLogLine(_ line: some StringProtocol) -> CHAPPacket? {
    let text = String(line).trimmingPrefix(while: { $0 == " " })
    let parts = text.split(separator: " ", maxSplits: 4)
    guard parts.count == 5, parts[1] == "[CHAP",
          parts[3].hasPrefix("id=0x"), let id = UInt8(parts[3].dropFirst(5), radix: 16) else { return nil }
    let rest = parts[4]
    guard let open = rest.firstIndex(of: "<"), let close = rest.firstIndex(of: ">"),
          let value = hex(rest[rest.index(after: open)..<close]),
          let q1 = rest.firstIndex(of: "\""), let q2 = rest.lastIndex(of: "\""), q1 < q2 else { return nil }
    let name = Array(rest[rest.index(after: q1)..<q2].utf8)
    switch parts[2] {
    case "Challenge": return .challenge(identifier: id, value: value, name: name)
    case "Response": return .response(identifier: id, value: value, name: name)
    default: return nil
    }
}

extension String {
    func trimmingPrefix(while predicate: (Character) -> Bool) -> Substring {
        self[(firstIndex(where: { !predicate($0) }) ?? endIndex)...]
    }
}

func md5Response(_ id: UInt8, _ secret: String, _ challenge: [UInt8]) -> [UInt8] {
    CHAPMD5Digest().makeResponse(identifier: id, secret: Secret(secret), challenge: challenge)
}
