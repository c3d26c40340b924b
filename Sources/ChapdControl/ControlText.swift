// What chapctl prints for control answers: the sessions table, the server's counters, and the
// request line it sends. Pure, so the text can be pinned in tests.

import Foundation

/// A column of `chapctl show sessions`.
public enum SessionColumn: String, CaseIterable, Sendable {
    case id, line, peer, phase, uptime, local, remote, ifname
    case octetsIn = "octets-in", octetsOut = "octets-out", packetsIn = "packets-in", packetsOut = "packets-out"
    /// RADIUS accounting's Acct-Session-Id (with `plugin radius.so`); asked for by name only.
    case acctSessionId = "acct-session-id"

    /// The columns shown when none are asked for.
    public static var standard: [SessionColumn] { allCases.filter { $0 != .acctSessionId } }

    /// Numbers line up on the right, text on the left.
    var rightAligned: Bool {
        switch self {
        case .id, .uptime, .octetsIn, .octetsOut, .packetsIn, .packetsOut: return true
        default: return false
        }
    }

    func cell(_ row: SessionRow) -> String {
        // A peer chooses its CHAP name: control characters in it must not reach the
        // operator's terminal (escape sequences), so they are shown as '?'.
        func orDash(_ s: String?) -> String {
            guard let s, !s.isEmpty else { return "-" }
            guard s.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7f...0x9f).contains($0.value) }) else { return s }
            return String(String.UnicodeScalarView(s.unicodeScalars.map {
                $0.value < 0x20 || (0x7f...0x9f).contains($0.value) ? "?" : $0 }))
        }
        switch self {
        case .id: return String(row.id)
        case .line: return orDash(row.line)
        case .peer: return orDash(row.peer)
        case .phase: return orDash(row.phase)
        case .uptime: return ControlText.duration(row.uptimeSeconds)
        case .local: return orDash(row.localAddress)
        case .remote: return orDash(row.remoteAddress)
        case .ifname: return orDash(row.interface)
        case .octetsIn: return String(row.octetsIn)
        case .octetsOut: return String(row.octetsOut)
        case .packetsIn: return String(row.packetsIn)
        case .packetsOut: return String(row.packetsOut)
        case .acctSessionId: return orDash(row.acctSessionId)
        }
    }
}

/// A `--columns` list that names no column chapctl knows.
public struct ColumnListError: Error, Equatable, CustomStringConvertible {
    public let description: String
}

public enum ControlText {
    /// `--columns id,peer,uptime`: the columns in the order given.
    public static func columns(_ list: String) throws(ColumnListError) -> [SessionColumn] {
        let valid = SessionColumn.allCases.map(\.rawValue).joined(separator: ", ")
        let names = list.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.contains(where: \.isEmpty) else {
            throw ColumnListError(description: "--columns needs comma-separated column names; valid columns: \(valid)")
        }
        var out: [SessionColumn] = []
        for name in names {
            guard let column = SessionColumn(rawValue: name.lowercased()) else {
                throw ColumnListError(description: "unknown column '\(name)'; valid columns: \(valid)")
            }
            out.append(column)
        }
        return out
    }

    /// The sessions as an aligned table with a header line; cells two spaces apart, no
    /// trailing blanks. Empty values print as "-".
    public static func sessionsTable(_ rows: [SessionRow], columns: [SessionColumn] = SessionColumn.standard) -> String {
        let header = columns.map { $0.rawValue.uppercased() }
        let body = rows.map { row in columns.map { $0.cell(row) } }
        let widths = columns.indices.map { c in ([header[c]] + body.map { $0[c] }).map(\.count).max() ?? 0 }
        func render(_ cells: [String]) -> String {
            var line = ""
            for (c, cell) in cells.enumerated() {
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                if c > 0 { line += "  " }
                line += columns[c].rightAligned ? pad + cell : cell + pad
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
        return ([render(header)] + body.map(render)).joined(separator: "\n") + "\n"
    }

    /// 1d02h03m04s, 2h00m05s, 3m04s, 7s; fractions of a second are dropped.
    public static func duration(_ seconds: Double) -> String {
        let total = seconds.isFinite && seconds > 0 ? Int(min(seconds, Double(Int32.max))) : 0
        let d = total / 86400, h = total / 3600 % 24, m = total / 60 % 60, s = total % 60
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
        if d > 0 { return "\(d)d\(two(h))h\(two(m))m\(two(s))s" }
        if h > 0 { return "\(h)h\(two(m))m\(two(s))s" }
        if m > 0 { return "\(m)m\(two(s))s" }
        return "\(s)s"
    }

    /// `chapctl show stat`: one "label  value" line per counter; counters kept by reason show
    /// their total and the reasons in name order.
    public static func stat(_ s: ServerStat) -> String {
        func split(_ counts: [String: Int]) -> String {
            // Saturating: the counts arrive as JSON from the socket, and a sum past Int.max
            // must print, not trap chapctl.
            let total = counts.values.reduce(0) { sum, n in
                let (s, overflow) = sum.addingReportingOverflow(n)
                return overflow ? (n > 0 ? Int.max : Int.min) : s
            }
            let parts = counts.filter { $0.value != 0 }.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            return parts.isEmpty ? String(total) : "\(total) (\(parts.joined(separator: ", ")))"
        }
        let rows: [(String, String)] = [
            ("uptime", duration(s.uptimeSeconds)),
            ("links", split(s.linksByPhase)),
            ("links total", String(s.linksTotal)),
            ("handshakes ok", String(s.handshakesOK)),
            ("handshakes failed", split(s.handshakesFailed)),
            ("frames dropped", split(s.framesDropped)),
            ("connections refused", split(s.connectionsRefused)),
            ("secrets reloads", String(s.secretsReloads)),
            ("pool free", s.poolFree.map(String.init) ?? "no pool"),
        ]
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0 + String(repeating: " ", count: width - $0.0.count + 2) + $0.1 }
            .joined(separator: "\n") + "\n"
    }

    /// `chapctl terminate`: which links were asked to end.
    public static func terminated(_ ids: [Int]) -> String {
        switch ids.count {
        case 0: return "no links terminated\n"
        case 1: return "terminating link \(ids[0])\n"
        default: return "terminating \(ids.count) links: \(ids.map(String.init).joined(separator: " "))\n"
        }
    }

    /// `--json`: the payload alone, pretty and with sorted keys so it diffs well.
    public static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }
}

extension ControlRequest {
    /// The request as the server reads it: one line of JSON ending in "\n".
    public func encodedLine() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [0x0A]
    }
}
