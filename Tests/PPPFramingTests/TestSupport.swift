import PPPFraming

/// SplitMix64, so tests are reproducible without depending on PPPCore.
struct TestRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
    mutating func bytes(_ count: Int) -> [UInt8] {
        (0 ..< count).map { _ in UInt8.random(in: 0 ... 255, using: &self) }
    }
}

func hex(_ text: String) -> [UInt8] {
    var out: [UInt8] = []
    var high: UInt8?
    for scalar in text.unicodeScalars {
        guard let nibble = UInt8(String(scalar), radix: 16) else { continue }
        if let h = high { out.append(h << 4 | nibble); high = nil } else { high = nibble }
    }
    return out
}

func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
}

enum Direction: String, CaseIterable { case sent, rcvd }

struct Chunk {
    var direction: Direction
    var milliseconds: Int
    var bytes: [UInt8]
}

/// Parses a frames.txt: `sent|rcvd MS HEX`; other lines (e.g. `eof-sent`) are skipped.
func parseChunks(_ text: String) -> [Chunk] {
    text.split(separator: "\n").compactMap { line in
        let fields = line.split(separator: " ")
        guard fields.count == 3, let direction = Direction(rawValue: String(fields[0])),
              let ms = Int(fields[1]) else { return nil }
        return Chunk(direction: direction, milliseconds: ms, bytes: hex(String(fields[2])))
    }
}

/// Options from an LCP Configure-Ack that change framing for the direction the Ack travels in.
struct AckedFraming: Equatable {
    var accm: UInt32 = 0xffff_ffff
    var pfc = false
    var acfc = false

    init?(lcpInformation info: [UInt8]) {
        guard info.count >= 4, info[0] == 2 else { return nil }
        let length = min(Int(info[2]) << 8 | Int(info[3]), info.count)
        var index = 4
        while index + 2 <= length {
            let type = info[index], optionLength = Int(info[index + 1])
            guard optionLength >= 2, index + optionLength <= length else { break }
            switch type {
            case 2 where optionLength == 6:
                accm = info[index + 2 ..< index + 6].reduce(0) { $0 << 8 | UInt32($1) }
            case 7: pfc = true
            case 8: acfc = true
            default: break
            }
            index += optionLength
        }
    }

    var receive: HDLCReceiveConfig {
        HDLCReceiveConfig(accm: accm, acceptAddressControlCompression: acfc, acceptProtocolCompression: pfc)
    }
    var send: HDLCSendConfig {
        HDLCSendConfig(accm: accm, addressControlCompression: acfc, protocolCompression: pfc)
    }
}

struct ReplayedFrame {
    var direction: Direction
    var milliseconds: Int
    var event: HDLCEvent
    /// Send config of that direction's encoder when the frame was decoded.
    var sendConfig: HDLCSendConfig
}

/// Replays a recorded session through one decoder per direction, in recorded order, switching
/// both directions to the Ack'ed framing once LCP has an Ack each way (LCP Opened).
/// `chunkSize` re-splits every recorded chunk (nil = as recorded).
func replay(_ chunks: [Chunk], chunkSize: Int? = nil) -> (events: [ReplayedFrame], decoders: [Direction: HDLCDecoder]) {
    var decoders: [Direction: HDLCDecoder] = [.sent: HDLCDecoder(), .rcvd: HDLCDecoder()]
    var sendConfigs: [Direction: HDLCSendConfig] = [.sent: .init(), .rcvd: .init()]
    var acks: [Direction: AckedFraming] = [:]
    var opened = false
    var out: [ReplayedFrame] = []
    for chunk in chunks {
        let pieces: [ArraySlice<UInt8>]
        if let size = chunkSize {
            pieces = stride(from: 0, to: chunk.bytes.count, by: size).map { chunk.bytes[$0 ..< min($0 + size, chunk.bytes.count)] }
        } else {
            pieces = [chunk.bytes[...]]
        }
        for piece in pieces {
            var decoder = decoders[chunk.direction]!
            var events: [HDLCEvent] = []
            decoder.decode(piece) { events.append($0) }
            decoders[chunk.direction] = decoder
            for event in events {
                out.append(ReplayedFrame(direction: chunk.direction, milliseconds: chunk.milliseconds,
                                         event: event, sendConfig: sendConfigs[chunk.direction]!))
                if case .frame(let frame) = event, frame.protocolNumber == 0xc021,
                   let acked = AckedFraming(lcpInformation: frame.information) {
                    acks[chunk.direction] = acked
                }
            }
            if !opened, let sent = acks[.sent], let rcvd = acks[.rcvd] {
                opened = true
                decoders[.sent]!.config = sent.receive
                decoders[.rcvd]!.config = rcvd.receive
                sendConfigs[.sent] = sent.send
                sendConfigs[.rcvd] = rcvd.send
            }
        }
    }
    return (out, decoders)
}
