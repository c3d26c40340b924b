import ArgumentParser
import ChapSecrets
import Crypto
import Foundation
import ISCSICapture
import PPPCapture
import PPPPackets

/// `chapctl inspect FILE.pcap`: every PPP frame in pppd's debug text, then one summary per
/// CHAP exchange; with `--secrets`, each MD5 Response is checked against the store. Secrets
/// are used for the check only and never printed.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the PPP frames or iSCSI logins and their CHAP exchanges in a pcap capture.",
        discussion: """
            Reads captures written by chapd's `record` option (DLT_PPP_WITH_DIR) and PPP captures \
            from tcpdump/tshark (DLT_PPP, PPP_SERIAL, PPP_PPPD, PPPoE on Ethernet or Linux cooked). \
            With --secrets FILE, a Response is looked up as (client = responder's name, server = \
            challenger's name) and marked valid, WRONG SECRET, or no secret. Exit status 1 when the \
            file cannot be read or breaks off part-way (frames before the break are still shown). \
            A capture holding TCP traffic to or from --iscsi-port (Ethernet, Linux cooked, loopback or \
            raw IP) is read as iSCSI: Login PDUs reassembled across segments, their text keys, and each \
            CHAP_R checked as (client = CHAP_N, server = TargetName) for the initiator and (client = \
            the target's CHAP_N, server = the initiator's CHAP_N) for mutual CHAP.
            """
    )

    @Argument(help: "The capture file.")
    var file: String

    @Option(help: "chap-secrets file to check each CHAP-MD5 Response against.")
    var secrets: String?

    @Flag(help: "One JSON object per line: each frame, skipped record and exchange, then any error.")
    var json = false

    @Option(help: "TCP port of iSCSI traffic in the capture.")
    var iscsiPort: UInt16 = 3260

    func run() throws {
        if let raw = try? RawCaptureReader(path: file).read(),
           let analysis = ISCSICaptureAnalysis.analyze(raw, port: iscsiPort) {
            return try runISCSI(analysis)
        }
        let result: CaptureReadResult
        do {
            result = try CaptureReader(path: file).read()
        } catch {
            throw InspectFailure(description: error.message)
        }
        var store: ChapSecretsStore?
        if let secrets {
            do {
                let s = try ChapSecretsStore(path: secrets)
                for w in s.warnings { FileHandle.standardError.write(Data("chapctl: \(w)\n".utf8)) }
                store = s
            } catch {
                throw InspectFailure(description: "cannot use secrets file: \(error)")
            }
        }
        let analysis = CHAPExchange.analyze(result.records)
        let verdicts = analysis.exchanges.map { e in store.map { Self.verdict(e, $0) } }
        let output = json
            ? InspectJSON.lines(result, analysis, verdicts)
            : InspectText.lines(file, result, analysis, verdicts)
        for line in output { print(line) }
        if let error = result.error {
            if !json { FileHandle.standardError.write(Data("chapctl: \(error.message)\n".utf8)) }
            throw ExitCode(1)
        }
    }

    private func loadStore() throws -> ChapSecretsStore? {
        guard let secrets else { return nil }
        do {
            let s = try ChapSecretsStore(path: secrets)
            for w in s.warnings { FileHandle.standardError.write(Data("chapctl: \(w)\n".utf8)) }
            return s
        } catch {
            throw InspectFailure(description: "cannot use secrets file: \(error)")
        }
    }

    private func runISCSI(_ analysis: ISCSICaptureAnalysis) throws {
        let verdicts = ISCSIInspect.verdicts(analysis, try loadStore())
        let output = json ? ISCSIInspect.json(analysis, verdicts) : ISCSIInspect.text(file, analysis, verdicts)
        for line in output { print(line) }
        if let error = analysis.error {
            if !json { FileHandle.standardError.write(Data("chapctl: \(error.message)\n".utf8)) }
            throw ExitCode(1)
        }
    }

    /// The outcome of checking one Response against the secrets store.
    enum Verdict: Equatable {
        case valid
        case wrongSecret
        case noSecret(client: [UInt8], server: [UInt8])
        case notChecked(String)

        var text: String {
            switch self {
            case .valid: return "valid"
            case .wrongSecret: return "WRONG SECRET"
            case .noSecret(let c, let s): return "no secret for (\(quoted(c)), \(quoted(s)))"
            case .notChecked(let why): return "not checked: \(why)"
            }
        }
    }

    /// RFC 1994: the Response value is MD5(identifier || secret || challenge). pppd looks the
    /// secret up as (peer's name, our name); in a capture those are the names in the
    /// Response and the Challenge.
    static func verdict(_ e: CHAPExchange, _ store: some SecretLookup) -> Verdict {
        guard let response = e.responseValue, let responder = e.responderName else { return .notChecked("no Response") }
        guard let challenge = e.challengeValue, let challenger = e.challengerName else { return .notChecked("no Challenge seen") }
        guard response.count == Insecure.MD5.byteCount else {
            return .notChecked("\(response.count)-octet Response is not CHAP-MD5")
        }
        guard let match = store.lookup(client: responder, server: challenger) else {
            return .noSecret(client: responder, server: challenger)
        }
        var md5 = Insecure.MD5()
        md5.update(data: [e.identifier])
        md5.update(data: match.secret.bytes)
        md5.update(data: challenge)
        return Array(md5.finalize()) == response ? .valid : .wrongSecret
    }
}

/// A failure reported as `Error: …` without the usage text.
struct InspectFailure: Error, CustomStringConvertible {
    var description: String
}

/// Names and messages as pppd shows them: printable ASCII kept, anything else as \xNN.
func quoted(_ bytes: [UInt8]) -> String {
    var s = "\""
    for b in bytes {
        switch b {
        case 0x22, 0x5c: s += "\\" + String(UnicodeScalar(b))
        case 0x20..<0x7f: s.append(Character(UnicodeScalar(b)))
        default: s += "\\x" + (b < 0x10 ? "0" : "") + String(b, radix: 16)
        }
    }
    return s + "\""
}

private func milliseconds(_ us: Int64?) -> Double? { us.map { Double($0) / 1000 } }

/// Human-readable output.
enum InspectText {
    static func lines(_ file: String, _ result: CaptureReadResult, _ analysis: CHAPAnalysis,
                      _ verdicts: [Inspect.Verdict?]) -> [String] {
        var out: [String] = []
        out.append("\(file): link type \(result.linkType.rawValue) (\(result.linkType)), \(result.records.count) PPP frame\(result.records.count == 1 ? "" : "s")"
                   + (result.skipped.isEmpty ? "" : ", \(result.skipped.count) other records skipped"))
        let origin = result.records.first?.timestamp.totalMicroseconds ?? 0
        var skipped = result.skipped[...]
        for r in result.records {
            while let s = skipped.first, s.frameNumber < r.frameNumber {
                out.append("  frame \(s.frameNumber) skipped: \(s.reason)")
                skipped = skipped.dropFirst()
            }
            let t = Double(r.timestamp.totalMicroseconds - origin) / 1e6
            let dir = r.direction.map { $0 == .sent ? "sent" : "rcvd" } ?? "    "
            let text = PPPDebugText.format(protocolNumber: r.protocolNumber, information: r.information)
            out.append(String(format: "%11.6f ", t) + dir + " " + text + (r.isComplete ? "" : " (cut short by the snap length)"))
        }
        for s in skipped { out.append("  frame \(s.frameNumber) skipped: \(s.reason)") }
        for m in analysis.malformed { out.append("  frame \(m.frameNumber) malformed: \(m.reason)") }

        out.append("")
        out.append(analysis.exchanges.isEmpty ? "No CHAP exchanges." : "CHAP exchanges:")
        for (i, e) in analysis.exchanges.enumerated() {
            out.append(summary(i + 1, e, verdicts[i]))
        }
        return out
    }

    static func summary(_ n: Int, _ e: CHAPExchange, _ verdict: Inspect.Verdict?) -> String {
        let challenger = e.challengerName.map(quoted) ?? "?"
        let responder = e.responderName.map(quoted) ?? "?"
        let way: String
        switch e.challengeDirection {
        case .sent: way = " (Challenge sent)"
        case .received: way = " (Challenge rcvd)"
        case nil: way = ""
        }
        var s = "  #\(n) id=0x\(String(e.identifier, radix: 16)): \(challenger) challenged \(responder)\(way): "
        switch e.outcome {
        case .success: s += "Success"
        case .failure: s += "Failure"
        case .none: s += e.responseFrame == nil ? "no Response" : "no Success/Failure"
        }
        if let m = e.message, !m.isEmpty { s += " " + quoted(m) }
        var times: [String] = []
        if let ms = milliseconds(e.challengeToResponseMicroseconds) { times.append(String(format: "Challenge→Response %.3f ms", ms)) }
        if let ms = milliseconds(e.responseToOutcomeMicroseconds) {
            times.append("Response→" + (e.outcome == .failure ? "Failure" : "Success") + String(format: " %.3f ms", ms))
        }
        if !times.isEmpty { s += "; " + times.joined(separator: ", ") }
        let frames = [e.challengeFrame, e.responseFrame, e.outcomeFrame].map { $0.map(String.init) ?? "-" }
        s += "; frames " + frames.joined(separator: "/")
        var repeats: [String] = []
        if e.challengeRetransmissions > 0 { repeats.append("\(e.challengeRetransmissions) Challenge retransmissions") }
        if e.responseRetransmissions > 0 { repeats.append("\(e.responseRetransmissions) Response retransmissions") }
        if e.outcomeRepeats > 0 { repeats.append("\(e.outcomeRepeats) repeated verdicts") }
        if !repeats.isEmpty { s += " (" + repeats.joined(separator: ", ") + ")" }
        if let verdict { s += "; secret: " + verdict.text }
        return s
    }
}

/// `--json`: one object per line, keys sorted, for scripts.
enum InspectJSON {
    struct Frame: Encodable {
        let type = "frame"
        var frame: Int
        var time: Double
        var timestamp: String
        var direction: String?
        var `protocol`: String
        var text: String
        var length: Int
        var complete: Bool
    }

    struct Exchange: Encodable {
        let type = "exchange"
        var identifier: Int
        var challengeDirection: String?
        var challenger: String?
        var responder: String?
        var outcome: String
        var message: String?
        var challengeFrame: Int?
        var responseFrame: Int?
        var outcomeFrame: Int?
        var challengeToResponseMs: Double?
        var responseToOutcomeMs: Double?
        var challengeRetransmissions: Int
        var responseRetransmissions: Int
        var outcomeRepeats: Int
        var secret: String?
    }

    struct Note: Encodable {
        var type: String
        var frame: Int?
        var message: String
    }

    static func lines(_ result: CaptureReadResult, _ analysis: CHAPAnalysis, _ verdicts: [Inspect.Verdict?]) -> [String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func line(_ value: some Encodable) -> String {
            (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        }
        var out: [String] = []
        let origin = result.records.first?.timestamp.totalMicroseconds ?? 0
        for r in result.records {
            out.append(line(Frame(
                frame: r.frameNumber,
                time: Double(r.timestamp.totalMicroseconds - origin) / 1e6,
                timestamp: r.timestamp.description,
                direction: r.direction.map { $0 == .sent ? "sent" : "rcvd" },
                protocol: "0x" + String(format: "%04x", r.protocolNumber),
                text: PPPDebugText.describe(protocolNumber: r.protocolNumber, information: r.information),
                length: r.information.count,
                complete: r.isComplete)))
        }
        for s in result.skipped { out.append(line(Note(type: "skipped", frame: s.frameNumber, message: s.reason))) }
        for m in analysis.malformed { out.append(line(Note(type: "malformed", frame: m.frameNumber, message: m.reason))) }
        for (e, verdict) in zip(analysis.exchanges, verdicts) {
            out.append(line(Exchange(
                identifier: Int(e.identifier),
                challengeDirection: e.challengeDirection.map { $0 == .sent ? "sent" : "rcvd" },
                challenger: e.challengerName.map { String(decoding: $0, as: UTF8.self) },
                responder: e.responderName.map { String(decoding: $0, as: UTF8.self) },
                outcome: e.outcome.rawValue,
                message: e.message.map { String(decoding: $0, as: UTF8.self) },
                challengeFrame: e.challengeFrame,
                responseFrame: e.responseFrame,
                outcomeFrame: e.outcomeFrame,
                challengeToResponseMs: milliseconds(e.challengeToResponseMicroseconds),
                responseToOutcomeMs: milliseconds(e.responseToOutcomeMicroseconds),
                challengeRetransmissions: e.challengeRetransmissions,
                responseRetransmissions: e.responseRetransmissions,
                outcomeRepeats: e.outcomeRepeats,
                secret: verdict?.text)))
        }
        if let error = result.error {
            out.append(line(Note(type: "error", frame: error.frameNumber, message: error.message)))
        }
        return out
    }
}
