import ChapSecrets
import Foundation
import ISCSICapture
import ISCSIChap
import PPPCapture

/// `chapctl inspect` on an iSCSI capture: the Login PDUs with their text keys, then each CHAP
/// exchange and, with --secrets, whether each CHAP_R was valid. Secrets are only used for
/// the check; CHAP_C and CHAP_R values are shown (they are on the wire anyway).
enum ISCSIInspect {
    static func verdicts(_ analysis: ISCSICaptureAnalysis, _ store: ChapSecretsStore?) -> [CapturedCHAPVerdict?] {
        analysis.exchanges.map { e in store.map { CapturedCHAPVerdict.check(e, $0) } }
    }

    static func text(_ file: String, _ a: ISCSICaptureAnalysis, _ verdicts: [CapturedCHAPVerdict?]) -> [String] {
        var out: [String] = []
        let logins = a.pdus.filter { $0.login != nil }.count
        out.append("\(file): link type \(a.linkType) (\(a.linkTypeName)), iSCSI on TCP port \(a.port): "
                   + "\(a.connections.count) connection\(a.connections.count == 1 ? "" : "s"), \(a.pdus.count) PDU\(a.pdus.count == 1 ? "" : "s") (\(logins) login)")
        let origin = a.pdus.first?.timestamp.totalMicroseconds ?? 0
        for c in a.connections {
            out.append("connection \(c.number): initiator \(c.initiator) -> target \(c.target)")
            for p in a.pdus where p.connection == c.number {
                let t = Double(p.timestamp.totalMicroseconds - origin) / 1e6
                var line = String(format: "%11.6f ", t) + "\(p.direction.rawValue) \(p.opcodeName) (frame \(p.frameNumber))"
                if let l = p.login {
                    line += " CSG=\(l.currentStage) NSG=\(l.nextStage) T=\(l.transit ? 1 : 0)"
                    if l.isResponse { line += " status " + ISCSILoginStatus.describe(statusClass: l.statusClass, statusDetail: l.statusDetail) }
                    if l.tsih != 0 { line += String(format: " TSIH=0x%04x", l.tsih) }
                    out.append(line)
                    for k in l.keys { out.append("              \(k.key)=\(k.value)") }
                } else {
                    if let problem = p.problem { line += ": text keys unreadable: \(problem)" }
                    out.append(line)
                }
            }
        }
        for n in a.notes { out.append("  " + n.message) }
        out.append("")
        out.append(a.exchanges.isEmpty ? "No CHAP exchanges." : "CHAP exchanges:")
        for (i, e) in a.exchanges.enumerated() {
            var s = "  #\(i + 1) connection \(e.connection): "
            switch e.who {
            case .targetChallengedInitiator:
                s += "target \(e.challengerName.map { "\"\($0)\"" } ?? "?") challenged initiator \(e.responderName.map { "\"\($0)\"" } ?? "?")"
            case .initiatorChallengedTarget:
                s += "initiator \(e.challengerName.map { "\"\($0)\"" } ?? "?") challenged target \(e.responderName.map { "\"\($0)\"" } ?? "?") (mutual)"
            }
            s += " with " + (e.algorithm?.description ?? "CHAP_A=\(e.algorithmNumber ?? "?")")
            if let id = e.identifier { s += ", id \(id)" }
            if let c = e.challenge { s += ", \(c.count)-octet challenge" }
            s += e.response == nil ? ": no CHAP_R" : ": CHAP_R sent"
            if let o = e.outcome { s += ", " + o }
            s += "; frames " + [e.challengeFrame, e.responseFrame].map { $0.map(String.init) ?? "-" }.joined(separator: "/")
            if let p = e.problem { s += "; problem: \(p)" }
            if let v = verdicts[i] { s += "; secret: " + v.text }
            out.append(s)
        }
        return out
    }

    struct PDULine: Encodable {
        let type = "pdu"
        var connection: Int
        var frame: Int
        var time: Double
        var direction: String
        var opcode: String
        var csg: Int?
        var nsg: Int?
        var transit: Bool?
        var status: String?
        var keys: [[String]]?
        var problem: String?
    }

    struct ExchangeLine: Encodable {
        let type = "exchange"
        var connection: Int
        var who: String
        var algorithm: String?
        var identifier: Int?
        var challenger: String?
        var responder: String?
        var challengeFrame: Int?
        var responseFrame: Int?
        var outcome: String?
        var problem: String?
        var secret: String?
    }

    struct Note: Encodable {
        var type: String
        var frame: Int?
        var message: String
    }

    static func json(_ a: ISCSICaptureAnalysis, _ verdicts: [CapturedCHAPVerdict?]) -> [String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func line(_ value: some Encodable) -> String {
            (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        }
        let origin = a.pdus.first?.timestamp.totalMicroseconds ?? 0
        var out: [String] = []
        for p in a.pdus {
            out.append(line(PDULine(
                connection: p.connection, frame: p.frameNumber, time: Double(p.timestamp.totalMicroseconds - origin) / 1e6,
                direction: p.direction.rawValue, opcode: p.opcodeName,
                csg: p.login.map { Int($0.currentStage) }, nsg: p.login.map { Int($0.nextStage) }, transit: p.login?.transit,
                status: p.login.flatMap { $0.isResponse ? ISCSILoginStatus.describe(statusClass: $0.statusClass, statusDetail: $0.statusDetail) : nil },
                keys: p.login.map { $0.keys.map { [$0.key, $0.value] } }, problem: p.problem)))
        }
        for n in a.notes { out.append(line(Note(type: "note", frame: n.frame, message: n.message))) }
        for (e, v) in zip(a.exchanges, verdicts) {
            out.append(line(ExchangeLine(
                connection: e.connection, who: e.who.rawValue, algorithm: e.algorithm?.name ?? e.algorithmNumber,
                identifier: e.identifier.map(Int.init), challenger: e.challengerName, responder: e.responderName,
                challengeFrame: e.challengeFrame, responseFrame: e.responseFrame, outcome: e.outcome, problem: e.problem,
                secret: v?.text)))
        }
        if let error = a.error { out.append(line(Note(type: "error", frame: error.frameNumber, message: error.message))) }
        return out
    }
}
