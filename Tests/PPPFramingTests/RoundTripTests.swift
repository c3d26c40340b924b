import NIOCore
import PPPFraming
import Testing

@Suite("Round trips, chunking, fuzz")
struct RoundTripTests {
    static func randomProtocol(_ rng: inout TestRandom) -> UInt16 {
        switch Int.random(in: 0 ..< 4, using: &rng) {
        case 0: return 0xc021
        case 1: return [0x0021, 0x0057, 0x00fd, 0x0001][Int.random(in: 0 ..< 4, using: &rng)]
        default:
            // Any well-formed protocol: high octet even, low octet odd.
            let high = UInt16.random(in: 0 ... 255, using: &rng) & 0xfe
            let low = UInt16.random(in: 0 ... 255, using: &rng) | 0x01
            return high << 8 | low
        }
    }

    static func randomFrames(_ rng: inout TestRandom, count: Int, maxInformation: Int) -> [PPPFrame] {
        (0 ..< count).map { _ in
            let length = Int.random(in: 0 ... maxInformation, using: &rng)
            return PPPFrame(protocolNumber: randomProtocol(&rng), information: rng.bytes(length))
        }
    }

    @Test("encode/decode round trip with seeded random ACCMs, compression and flags", arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func roundTrip(seed: UInt64) {
        var rng = TestRandom(seed: seed)
        for _ in 0 ..< 20 {
            let accm: UInt32 = [0, 0xffff_ffff, 0x000a_0000, UInt32.random(in: 0 ... .max, using: &rng)][Int.random(in: 0 ..< 4, using: &rng)]
            let acfc = Bool.random(using: &rng), pfc = Bool.random(using: &rng)
            let encoder = HDLCEncoder(config: .init(accm: accm, addressControlCompression: acfc, protocolCompression: pfc))
            var decoder = HDLCDecoder(config: .init(accm: accm, mru: 1500, acceptAddressControlCompression: acfc, acceptProtocolCompression: pfc))
            let frames = Self.randomFrames(&rng, count: 30, maxInformation: 1500)
            var buffer = ByteBuffer()
            for frame in frames { encoder.encode(frame, into: &buffer, lineIdle: Bool.random(using: &rng)) }
            var decoded: [HDLCEvent] = []
            decoder.decode(buffer) { decoded.append($0) }
            #expect(decoded == frames.map { .frame($0) }, "accm \(accm) acfc \(acfc) pfc \(pfc)")
            #expect(decoder.counters.framesDecoded == frames.count)
            #expect(decoder.counters.dropped == 0)
        }
    }

    @Test("chunking invariance: 1-byte, random and whole-stream feeding agree, garbage included")
    func chunkingInvariance() {
        var rng = TestRandom(seed: 42)
        let encoder = HDLCEncoder()
        var stream: [UInt8] = []
        for frame in Self.randomFrames(&rng, count: 40, maxInformation: 300) {
            stream += encoder.encode(frame, lineIdle: Bool.random(using: &rng))
            if Int.random(in: 0 ..< 4, using: &rng) == 0 { stream += rng.bytes(Int.random(in: 1 ... 20, using: &rng)) }
        }
        func run(_ pieces: [ArraySlice<UInt8>]) -> ([HDLCEvent], HDLCCounters) {
            var decoder = HDLCDecoder()
            var events: [HDLCEvent] = []
            for piece in pieces { decoder.decode(piece) { events.append($0) } }
            return (events, decoder.counters)
        }
        let whole = run([stream[...]])
        #expect(whole.1.framesDecoded >= 40 - whole.1.dropped)
        #expect(whole.1.framesDecoded > 0)
        let single = run(stream.indices.map { stream[$0 ... $0] })
        var random: [ArraySlice<UInt8>] = []
        var index = 0
        while index < stream.count {
            let end = min(stream.count, index + Int.random(in: 1 ... 700, using: &rng))
            random.append(stream[index ..< end])
            index = end
        }
        #expect(single.0 == whole.0 && single.1 == whole.1)
        let chunked = run(random)
        #expect(chunked.0 == whole.0 && chunked.1 == whole.1)
    }

    @Test("seeded garbage never traps and every frame is accounted for", arguments: [11, 12, 13] as [UInt64])
    func fuzz(seed: UInt64) {
        var rng = TestRandom(seed: seed)
        let configs = [
            HDLCReceiveConfig(),
            HDLCReceiveConfig(accm: 0, mru: 64, acceptAddressControlCompression: true, acceptProtocolCompression: true),
            HDLCReceiveConfig(accm: 0x000a_0000, mru: -5),
            HDLCReceiveConfig(accm: 0, mru: 0, acceptAddressControlCompression: true, acceptProtocolCompression: true),
        ]
        for config in configs {
            var decoder = HDLCDecoder(config: config)
            var events = 0
            for _ in 0 ..< 200 {
                // Bias towards flags and escapes so frames of every shape appear.
                let chunk: [UInt8] = (0 ..< Int.random(in: 0 ... 400, using: &rng)).map { _ in
                    switch Int.random(in: 0 ..< 20, using: &rng) {
                    case 0: 0x7e
                    case 1: 0x7d
                    case 2: 0xff
                    case 3: 0x03
                    default: UInt8.random(in: 0 ... 255, using: &rng)
                    }
                }
                decoder.decode(chunk) { _ in events += 1 }
            }
            let counters = decoder.counters
            #expect(events == counters.framesDecoded + counters.dropped)
            #expect(counters.dropped > 0)
            #expect(counters.controlCharactersDiscarded > 0 || config.accm == 0)
        }
    }
}
