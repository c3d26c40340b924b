import Foundation
import SharedVectors
import PPPFraming
import PPPPackets

/// The real pppd 2.4.9 sessions in /work/shared/vectors, and a decode loop matching
/// `chapctl decode` (which lives in an executable the tests cannot import).
enum RecordedVectors {
    static let root = SharedVectors.root

    static var folders: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.filter { name in
            FileManager.default.fileExists(atPath: "\(root)/\(name)/frames.txt")
        }.sorted()
    }

    static func frames(_ folder: String) throws -> String {
        try String(contentsOfFile: "\(root)/\(folder)/frames.txt", encoding: .utf8)
    }

    static func log(_ folder: String) throws -> String {
        try String(contentsOfFile: "\(root)/\(folder)/pppd-log.txt", encoding: .utf8)
    }

    struct Decoded { var sent: Bool; var line: String; var dropped: Bool }

    /// One HDLC decoder per direction, switched to LCP's agreement once it is Opened.
    static func decode(_ file: VectorFile) -> [Decoded] {
        var decoders: [VectorFile.Direction: HDLCDecoder] = [.sent: HDLCDecoder(), .rcvd: HDLCDecoder()]
        var tracker = LCPAgreementTracker()
        var out: [Decoded] = []
        func side(_ d: VectorFile.Direction) -> LCPAgreementTracker.Side { d == .sent ? .local : .remote }
        for chunk in file.chunks where !chunk.isEndOfFile {
            // Split at flags so a config change applies from the next frame on.
            var start = 0
            while start < chunk.bytes.count {
                var end = start
                while end < chunk.bytes.count && chunk.bytes[end] != 0x7e { end += 1 }
                end = min(end + 1, chunk.bytes.count)
                var events: [HDLCEvent] = []
                decoders[chunk.direction]!.decode(chunk.bytes[start..<end]) { events.append($0) }
                start = end
                for event in events {
                    switch event {
                    case .frame(let f):
                        out.append(Decoded(sent: chunk.direction == .sent,
                                           line: PPPDebugText.logLine(sent: chunk.direction == .sent, protocolNumber: f.protocolNumber, information: f.information),
                                           dropped: false))
                        if tracker.observe(from: side(chunk.direction), protocolNumber: f.protocolNumber, information: f.information) {
                            for d in [VectorFile.Direction.sent, .rcvd] {
                                if let s = tracker.settings(forFramesFrom: side(d)) {
                                    decoders[d]!.config = HDLCReceiveConfig(accm: s.accm, mru: s.mru,
                                        acceptAddressControlCompression: s.addressControlCompression,
                                        acceptProtocolCompression: s.protocolCompression)
                                }
                            }
                        }
                    case .dropped(let reason, let octets):
                        out.append(Decoded(sent: chunk.direction == .sent, line: "dropped \(reason) \(octets)", dropped: true))
                    }
                }
            }
        }
        return out
    }
}
