import NIOCore
import PPPFraming
import Testing

@Suite("Recorded pppd 2.4.9 sessions")
struct RecordedVectorTests {
    static let expectedFrames: [String: [Direction: Int]] = [
        "rechallenge": [.sent: 14, .rcvd: 23],
        "refuse-chap": [.sent: 5, .rcvd: 5],
        "two-way": [.sent: 7, .rcvd: 7],
        "wrong-secret": [.sent: 5, .rcvd: 6],
    ]

    @Test("every recorded frame decodes with a good FCS", arguments: RecordedVectors.all.map(\.name))
    func decodesEveryFrame(name: String) throws {
        let text = try #require(RecordedVectors.all.first { $0.name == name }?.frames)
        let (events, decoders) = replay(parseChunks(text))
        #expect(events.allSatisfy { if case .frame = $0.event { true } else { false } })
        for direction in Direction.allCases {
            let decoder = try #require(decoders[direction])
            #expect(decoder.counters.framesDecoded == Self.expectedFrames[name]?[direction])
            #expect(decoder.counters.dropped == 0)
            #expect(decoder.counters.controlCharactersDiscarded == 0)
            #expect(!decoder.hasPartialFrame)
        }
    }

    @Test("one-byte chunks give the same frames as recorded chunks", arguments: RecordedVectors.all.map(\.name))
    func chunkingInvariance(name: String) throws {
        let chunks = parseChunks(try #require(RecordedVectors.all.first { $0.name == name }?.frames))
        let whole = replay(chunks).events.map(\.event)
        for size in [1, 2, 3, 7] {
            #expect(replay(chunks, chunkSize: size).events.map(\.event) == whole)
        }
    }

    @Test("re-encoding reproduces each direction's byte stream exactly", arguments: RecordedVectors.all.map(\.name))
    func reEncodesByteForByte(name: String) throws {
        let chunks = parseChunks(try #require(RecordedVectors.all.first { $0.name == name }?.frames))
        let (events, _) = replay(chunks)
        for direction in Direction.allCases {
            let recorded = chunks.filter { $0.direction == direction }.flatMap(\.bytes)
            var encoded = ByteBuffer()
            var lastMilliseconds: Int?
            for item in events where item.direction == direction {
                guard case .frame(let frame) = item.event else { continue }
                // ppp_async's flag_time: a leading flag only after a second of silence.
                let idle = lastMilliseconds.map { item.milliseconds - $0 >= 1000 } ?? true
                HDLCEncoder(config: item.sendConfig).encode(frame, into: &encoded, lineIdle: idle)
                lastMilliseconds = item.milliseconds
            }
            #expect(hexString(Array(encoded.readableBytesView)) == hexString(recorded), "\(name) \(direction)")
        }
    }

    @Test("first LCP Configure-Request of two-way, byte for byte")
    func firstConfigureRequest() {
        // Code 1, id 1: ACCM 0, auth CHAP MD5, magic 0x7805ef44, PFC, ACFC.
        let frame = PPPFrame(protocolNumber: 0xc021, information: hex(
            "01 01 00 19 02 06 00 00 00 00 03 05 c2 23 05 05 06 78 05 ef 44 07 02 08 02"))
        let expected = hex("7eff7d23c0217d217d217d207d397d227d267d207d207d207d207d237d25c2237d257d257d26787d25ef447d277d227d287d2240537e")
        #expect(HDLCEncoder().encode(frame) == expected)
        var decoder = HDLCDecoder()
        var events: [HDLCEvent] = []
        decoder.decode(expected) { events.append($0) }
        #expect(events == [.frame(frame)])
    }

    @Test("compressed CHAP Challenge after LCP opened, byte for byte")
    func compressedChallenge() {
        let recorded = hex("c2230143001c12b70205819185aa9b4f4275dd261ba225ac93616c696365b5ff7e")
        let info = hex("0143001c12b70205819185aa9b4f4275dd261ba225ac93616c696365")
        let frame = PPPFrame(protocolNumber: 0xc223, information: info)
        let encoder = HDLCEncoder(config: .init(accm: 0, addressControlCompression: true, protocolCompression: true))
        #expect(encoder.encode(frame, lineIdle: false) == recorded)
        var decoder = HDLCDecoder(config: .init(accm: 0, acceptAddressControlCompression: true, acceptProtocolCompression: true))
        var events: [HDLCEvent] = []
        decoder.decode(recorded) { events.append($0) }
        #expect(events == [.frame(frame)])
        // Without ACFC agreed, the same bytes are a header error.
        var strict = HDLCDecoder(config: .init(accm: 0))
        events = []
        strict.decode(recorded) { events.append($0) }
        #expect(events == [.dropped(.badHeader, octets: 32)])
    }
}
