import FuzzCommon
import PPPFraming
import PPPPackets

/// The frames.txt reader (`VectorFile`, what `chapctl decode` reads from an operator's file)
/// on any text; what parses is then decoded as `chapctl decode` does: each direction its own
/// HDLC stream, frames printed as pppd logs them, LCP's agreement applied as it is seen.
/// Checks: every chunk carries octets unless it is an eof marker; the chunks written back as
/// frames.txt lines parse to the same chunks; printed lines stay within pppd's 1023 characters.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFramesText(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    guard let file = try? VectorFile(parsing: text) else { return 0 }

    var written = ""
    for chunk in file.chunks {
        fuzzCheck(chunk.isEndOfFile == chunk.bytes.isEmpty, "chunk bytes \(chunk.bytes.count), eof \(chunk.isEndOfFile)")
        let hex = chunk.bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        written += chunk.isEndOfFile ? "eof-\(chunk.direction.rawValue) \(chunk.milliseconds)\n"
                                     : "\(chunk.direction.rawValue) \(chunk.milliseconds) \(hex)\n"
    }
    let again = try? VectorFile(parsing: written)
    fuzzCheck(again == file, "frames.txt written back parses differently")

    var decoders: [VectorFile.Direction: HDLCDecoder] = [.sent: HDLCDecoder(), .rcvd: HDLCDecoder()]
    var tracker = LCPAgreementTracker()
    for chunk in file.chunks where !chunk.isEndOfFile {
        let direction = chunk.direction
        let side: LCPAgreementTracker.Side = direction == .sent ? .local : .remote
        var frames: [PPPFrame] = []
        decoders[direction]!.decode(chunk.bytes[...]) { event in
            if case .frame(let f) = event { frames.append(f) }
        }
        for frame in frames {
            let line = PPPDebugText.logLine(sent: direction == .sent, protocolNumber: frame.protocolNumber, information: frame.information)
            fuzzCheck(line.utf8.count <= 1023, "log line of \(line.utf8.count) characters")
            if tracker.observe(from: side, protocolNumber: frame.protocolNumber, information: frame.information) {
                for d in [VectorFile.Direction.sent, .rcvd] {
                    guard let s = tracker.settings(forFramesFrom: d == .sent ? .local : .remote) else { continue }
                    decoders[d]!.config = HDLCReceiveConfig(accm: s.accm, mru: s.mru,
                                                            acceptAddressControlCompression: s.addressControlCompression,
                                                            acceptProtocolCompression: s.protocolCompression)
                }
            }
        }
    }
    return 0
}
