import ChapdControl
import Foundation
import FuzzCommon

/// The control socket's request decoding as ControlServer does it (the line before the first
/// newline through JSONDecoder), chapctl's `--columns` parser on the input as text, and
/// chapctl's renderers (sessions table, stat, terminate, JSON) on rows and counters built
/// from the input. Checks: no trap; a request that decodes re-encodes (`encodedLine`) to a
/// line that decodes to the same request; the table has a header and ends in a newline.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzControl(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    var input = FuzzInput(start, count)
    let bytes = input.bytes
    let line = bytes.firstIndex(of: 0x0a).map { Array(bytes[..<$0]) } ?? bytes
    if let request = try? JSONDecoder().decode(ControlRequest.self, from: Data(line)) {
        do {
            let encoded = try request.encodedLine()
            fuzzCheck(encoded.last == 0x0a && encoded.dropLast().firstIndex(of: 0x0a) == nil, "encodedLine is not one line")
            let again = try JSONDecoder().decode(ControlRequest.self, from: Data(encoded.dropLast()))
            fuzzCheck(again == request, "\(request) re-encodes to \(again)")
        } catch {
            fatalError("a decoded request does not round-trip: \(error)")
        }
    }
    let text = String(decoding: bytes, as: UTF8.self)
    if let columns = try? ControlText.columns(text) {
        fuzzCheck(!columns.isEmpty, "no columns from \(text.debugDescription)")
    }

    let columns = (0..<Int(input.u8() % 16)).map { _ in SessionColumn.allCases[Int(input.u8()) % SessionColumn.allCases.count] }
    var rows: [SessionRow] = []
    for _ in 0..<Int(input.u8() % 8) {
        rows.append(SessionRow(id: int(&input), line: string(&input), peer: string(&input), phase: string(&input),
                               uptimeSeconds: Double(bitPattern: input.u64()),
                               localAddress: input.bool() ? string(&input) : nil, remoteAddress: input.bool() ? string(&input) : nil,
                               interface: input.bool() ? string(&input) : nil, octetsIn: int(&input), octetsOut: int(&input),
                               packetsIn: int(&input), packetsOut: int(&input)))
    }
    for table in [ControlText.sessionsTable(rows, columns: columns), ControlText.sessionsTable(rows)] {
        // Octets, not Characters: a cell ending in "\r" makes the last Character "\r\n".
        fuzzCheck(table.utf8.last == 0x0a, "table without its final newline")
    }
    let stat = ServerStat(uptimeSeconds: Double(bitPattern: input.u64()), linksByPhase: counts(&input), linksTotal: int(&input),
                          handshakesOK: int(&input), handshakesFailed: counts(&input), framesDropped: counts(&input),
                          connectionsRefused: counts(&input), secretsReloads: int(&input), poolFree: input.bool() ? int(&input) : nil)
    fuzzCheck(ControlText.stat(stat).split(separator: "\n", omittingEmptySubsequences: false).count >= 10, "stat lost lines")
    _ = ControlText.terminated(rows.map(\.id))
    _ = try? ControlText.json(ControlResponse(ok: true, sessions: rows, stat: stat))
    return 0
}

/// Any Int, extremes included (the renderers must not overflow).
func int(_ input: inout FuzzInput) -> Int { Int(truncatingIfNeeded: input.u64()) }

func string(_ input: inout FuzzInput) -> String { String(decoding: input.blob(), as: UTF8.self) }

func counts(_ input: inout FuzzInput) -> [String: Int] {
    var out: [String: Int] = [:]
    for _ in 0..<Int(input.u8() % 6) { out[string(&input)] = int(&input) }
    return out
}
