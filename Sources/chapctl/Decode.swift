import ArgumentParser
import Foundation
import PPPFraming
import PPPPackets

/// `chapctl decode FILE`: prints every frame of a frames.txt line capture the way pppd logs
/// it (`sent [LCP ConfReq id=0x1 …]`), in file order.
///
/// Each direction is its own byte stream with its own HDLC decoder. The decoders start with
/// RFC 1662 defaults and switch to what LCP agreed (ACCM, PFC, ACFC, MRU) once both
/// Configure-Acks have been seen; they are never switched back, so a renegotiation is
/// decoded leniently. A frame the decoder drops prints as
/// `sent (dropped: bad FCS, 12 octets)`; pppd itself never sees those (the kernel drops them).
struct Decode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode a frames.txt line capture into pppd-style packet lines."
    )

    @Argument(help: "A capture in frames.txt format: `sent|rcvd MILLISECONDS HEX` per line.")
    var file: String

    @Flag(name: .long, help: "Prefix each line with the chunk's time in milliseconds.")
    var showTime = false

    func run() throws {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw DecodeFailure("cannot read \(file): \(error.localizedDescription)")
        }
        let capture: VectorFile
        do {
            capture = try VectorFile(parsing: text)
        } catch {
            throw DecodeFailure("\(file): \(error)")
        }
        var line = CaptureDecoder()
        for chunk in capture.chunks {
            line.feed(chunk) { entry in
                print(showTime ? "\(chunk.milliseconds) \(entry.text)" : entry.text)
            }
        }
        for entry in line.finish() {
            print(entry.text)
        }
    }
}

/// A failure with a message for the operator; ArgumentParser prints it and exits non-zero.
struct DecodeFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Both directions of a capture, decoded frame by frame while following LCP's agreement.
struct CaptureDecoder {
    struct Entry {
        var direction: VectorFile.Direction
        var frame: PPPFrame?
        var text: String
    }

    private var decoders: [VectorFile.Direction: HDLCDecoder] = [.sent: HDLCDecoder(), .rcvd: HDLCDecoder()]
    private var tracker = LCPAgreementTracker()

    static func side(_ d: VectorFile.Direction) -> LCPAgreementTracker.Side { d == .sent ? .local : .remote }

    mutating func feed(_ chunk: VectorFile.Chunk, _ emit: (Entry) -> Void) {
        let direction = chunk.direction
        if chunk.isEndOfFile {
            if decoders[direction]?.hasPartialFrame == true {
                emit(Entry(direction: direction, frame: nil, text: "\(direction.rawValue) (unfinished frame at end of stream)"))
            }
            decoders[direction]?.discardPartialFrame()
            return
        }
        guard var decoder = decoders[direction] else { return }
        var events: [HDLCEvent] = []
        // Config changes must apply from the octet after the frame that caused them, so
        // feed byte runs up to each frame boundary rather than the whole chunk at once.
        var index = chunk.bytes.startIndex
        while index < chunk.bytes.endIndex {
            var end = index
            while end < chunk.bytes.endIndex && chunk.bytes[end] != 0x7e { end += 1 }
            if end < chunk.bytes.endIndex { end += 1 }
            decoder.decode(chunk.bytes[index..<end]) { events.append($0) }
            index = end
            for event in events {
                switch event {
                case .frame(let frame):
                    let text = PPPDebugText.logLine(sent: direction == .sent, protocolNumber: frame.protocolNumber, information: frame.information)
                    emit(Entry(direction: direction, frame: frame, text: text))
                    if tracker.observe(from: Self.side(direction), protocolNumber: frame.protocolNumber, information: frame.information) {
                        decoders[direction] = decoder
                        applyAgreement()
                        decoder = decoders[direction] ?? decoder
                    }
                case .dropped(let reason, let octets):
                    emit(Entry(direction: direction, frame: nil, text: "\(direction.rawValue) (dropped: \(reason), \(octets) octets)"))
                }
            }
            events.removeAll(keepingCapacity: true)
        }
        decoders[direction] = decoder
    }

    /// Frames sent by a side are received under the options that side Acked.
    private mutating func applyAgreement() {
        for direction in [VectorFile.Direction.sent, .rcvd] {
            guard let s = tracker.settings(forFramesFrom: Self.side(direction)) else { continue }
            decoders[direction]?.config = HDLCReceiveConfig(
                accm: s.accm, mru: s.mru,
                acceptAddressControlCompression: s.addressControlCompression,
                acceptProtocolCompression: s.protocolCompression)
        }
    }

    /// Reports streams that ended inside a frame.
    func finish() -> [Entry] {
        [VectorFile.Direction.sent, .rcvd].compactMap { d in
            decoders[d]?.hasPartialFrame == true
                ? Entry(direction: d, frame: nil, text: "\(d.rawValue) (unfinished frame at end of capture)") : nil
        }
    }
}
