import NIOCore
import PPPFraming
import Testing

/// Straightforward octet-at-a-time codec, kept here as the specification the fast paths
/// (word-at-a-time scanning, bulk copies, slicing-by-8 FCS) are checked against.
enum ReferenceCodec {
    static func fcs(_ fcs: UInt16, _ byte: UInt8) -> UInt16 {
        var value = fcs ^ UInt16(byte)
        for _ in 0 ..< 8 { value = value & 1 != 0 ? (value >> 1) ^ 0x8408 : value >> 1 }
        return value
    }

    static func encode(_ frame: PPPFrame, config: HDLCSendConfig, lineIdle: Bool) -> [UInt8] {
        let lcp = frame.protocolNumber == 0xc021
        let linkConfiguration = lcp && (1 ... 7).contains(frame.information.first ?? 0)
        let accm = linkConfiguration ? 0xffff_ffff : config.accm
        var body: [UInt8] = []
        if lcp || !config.addressControlCompression { body += [0xff, 0x03] }
        let high = UInt8(frame.protocolNumber >> 8)
        if lcp || !config.protocolCompression || high != 0 { body.append(high) }
        body.append(UInt8(frame.protocolNumber & 0xff))
        body += frame.information
        var register: UInt16 = 0xffff
        for byte in body { register = fcs(register, byte) }
        body += [UInt8(~register & 0xff), UInt8(~register >> 8)]
        var out: [UInt8] = lineIdle || linkConfiguration ? [0x7e] : []
        for byte in body {
            if byte == 0x7e || byte == 0x7d || (byte < 0x20 && accm & (1 << UInt32(byte)) != 0) {
                out += [0x7d, byte ^ 0x20]
            } else {
                out.append(byte)
            }
        }
        return out + [0x7e]
    }

    struct Decoder {
        var config: HDLCReceiveConfig
        var counters = HDLCCounters()
        var frame: [UInt8] = []
        var length = 0
        var escaped = false
        var register: UInt16 = 0xffff

        var limit: Int { min(max(config.mru, 0), 65_535) + 6 }

        mutating func decode(_ bytes: [UInt8], raw: inout [[UInt8]], events: inout [HDLCEvent]) {
            for byte in bytes {
                if byte == 0x7e {
                    finish(raw: &raw, events: &events)
                    frame = []
                    length = 0
                    escaped = false
                    register = 0xffff
                    continue
                }
                if byte < 0x20, config.accm & (1 << UInt32(byte)) != 0 {
                    counters.controlCharactersDiscarded += 1
                    continue
                }
                var octet = byte
                if escaped {
                    octet ^= 0x20
                    escaped = false
                } else if byte == 0x7d {
                    escaped = true
                    continue
                }
                if length < limit { frame.append(octet) }
                length += 1
                register = fcs(register, octet)
            }
        }

        mutating func drop(_ reason: HDLCDropReason, _ events: inout [HDLCEvent]) {
            switch reason {
            case .badFCS: counters.badFCS += 1
            case .tooShort: counters.tooShort += 1
            case .tooLong: counters.tooLong += 1
            case .aborted: counters.aborted += 1
            case .badHeader: counters.badHeader += 1
            }
            events.append(.dropped(reason, octets: length))
        }

        mutating func finish(raw: inout [[UInt8]], events: inout [HDLCEvent]) {
            if escaped { return drop(.aborted, &events) }
            if length == 0 { return }
            if length > limit { return drop(.tooLong, &events) }
            if length < 4 { return drop(.tooShort, &events) }
            if register != 0xf0b8 { return drop(.badFCS, &events) }
            let body = Array(frame[0 ..< length - 2])
            raw.append(body)
            guard let parsed = HDLCDecoder.parseHeader(body, config: config) else { return drop(.badHeader, &events) }
            if parsed.information.count > config.mru { return drop(.tooLong, &events) }
            counters.framesDecoded += 1
            events.append(.frame(parsed))
        }
    }
}

@Suite("Fast paths against the reference codec")
struct DifferentialTests {
    /// Octets biased towards the ones the fast paths must stop at.
    static func octet(_ rng: inout TestRandom) -> UInt8 {
        switch Int.random(in: 0 ..< 16, using: &rng) {
        case 0: return 0x7e
        case 1: return 0x7d
        case 2, 3: return UInt8.random(in: 0 ..< 0x20, using: &rng)
        case 4: return [0x5e, 0x5d, 0x20, 0x31, 0x33, 0x11, 0x13][Int.random(in: 0 ..< 7, using: &rng)]
        default: return UInt8.random(in: 0 ... 255, using: &rng)
        }
    }

    static func information(_ rng: inout TestRandom, maximum: Int) -> [UInt8] {
        let length = Int.random(in: 0 ... maximum, using: &rng)
        switch Int.random(in: 0 ..< 4, using: &rng) {
        case 0: return rng.bytes(length)
        case 1:
            // Plain octets with specials placed at or around 8-octet word boundaries.
            var bytes = (0 ..< length).map { _ in UInt8.random(in: 0x30 ... 0x70, using: &rng) }
            var index = Int.random(in: 0 ..< 9, using: &rng)
            while index < bytes.count {
                bytes[index] = [0x7e, 0x7d, 0x00, 0x11, 0x13, 0x1f][Int.random(in: 0 ..< 6, using: &rng)]
                index += 8 * Int.random(in: 1 ... 4, using: &rng) + Int.random(in: -1 ... 1, using: &rng)
            }
            return bytes
        default: return (0 ..< length).map { _ in octet(&rng) }
        }
    }

    static func accm(_ rng: inout TestRandom) -> UInt32 {
        [0, 0xffff_ffff, 0x000a_0000, 0x8000_0001, UInt32.random(in: 0 ... .max, using: &rng)][Int.random(in: 0 ..< 5, using: &rng)]
    }

    static func protocolNumber(_ rng: inout TestRandom) -> UInt16 {
        [0xc021, 0x0021, 0x0057, 0xc223, 0x8021, 0x0001][Int.random(in: 0 ..< 6, using: &rng)]
    }

    @Test("FCS-16 slicing-by-8 equals the bitwise definition at every length and offset")
    func fcs() {
        var rng = TestRandom(seed: 7)
        let data = rng.bytes(600)
        for start in 0 ..< 9 {
            for length in 0 ... 300 {
                let slice = data[start ..< start + length]
                let expected = slice.reduce(FCS16.initial) { ReferenceCodec.fcs($0, $1) }
                #expect(FCS16.update(FCS16.initial, slice) == expected)
                #expect(FCS16.update(FCS16.initial, Array(slice)) == expected)
                #expect(FCS16.update(0x1234, AnySequence(slice)) == slice.reduce(0x1234) { ReferenceCodec.fcs($0, $1) })
            }
        }
    }

    @Test("encoder output equals the reference for every config", arguments: [11, 12, 13, 14] as [UInt64])
    func encoder(seed: UInt64) {
        var rng = TestRandom(seed: seed)
        for _ in 0 ..< 400 {
            let config = HDLCSendConfig(accm: Self.accm(&rng), addressControlCompression: .random(using: &rng),
                                        protocolCompression: .random(using: &rng))
            let frame = PPPFrame(protocolNumber: Self.protocolNumber(&rng), information: Self.information(&rng, maximum: 200))
            let idle = Bool.random(using: &rng)
            let expected = ReferenceCodec.encode(frame, config: config, lineIdle: idle)
            let encoder = HDLCEncoder(config: config)
            #expect(encoder.encode(frame, lineIdle: idle) == expected)
            var buffer = ByteBuffer(bytes: [0x42])
            encoder.encode(frame, into: &buffer, lineIdle: idle)
            #expect(Array(buffer.readableBytesView) == [0x42] + expected)
        }
    }

    @Test("an encoder whose config is changed in place encodes as a fresh one")
    func encoderConfigChanged() {
        var rng = TestRandom(seed: 15)
        var encoder = HDLCEncoder(config: .init(accm: 0))
        for round in 0 ..< 200 {
            if round % 2 == 0 {
                encoder.config.accm = Self.accm(&rng)
            } else {
                encoder.config = HDLCSendConfig(accm: Self.accm(&rng), addressControlCompression: .random(using: &rng),
                                                protocolCompression: .random(using: &rng))
            }
            let frame = PPPFrame(protocolNumber: Self.protocolNumber(&rng), information: Self.information(&rng, maximum: 100))
            #expect(encoder.encode(frame) == ReferenceCodec.encode(frame, config: encoder.config, lineIdle: true))
        }
    }

    /// A line stream: encoded frames (under a possibly different ACCM than the receiver's),
    /// aborts, lone escapes, raw control octets, corrupted and oversize frames, garbage.
    static func stream(_ rng: inout TestRandom, mru: Int) -> [UInt8] {
        var stream: [UInt8] = []
        for _ in 0 ..< Int.random(in: 1 ... 40, using: &rng) {
            let config = HDLCSendConfig(accm: accm(&rng), addressControlCompression: .random(using: &rng),
                                        protocolCompression: .random(using: &rng))
            let maximum = Bool.random(using: &rng) ? 64 : mru + 24
            let frame = PPPFrame(protocolNumber: protocolNumber(&rng), information: information(&rng, maximum: maximum))
            var bytes = HDLCEncoder(config: config).encode(frame, lineIdle: .random(using: &rng))
            switch Int.random(in: 0 ..< 12, using: &rng) {
            case 0: bytes[Int.random(in: 0 ..< bytes.count, using: &rng)] ^= UInt8.random(in: 1 ... 255, using: &rng)
            case 1: bytes.insert(0x7d, at: Int.random(in: 0 ..< bytes.count, using: &rng))  // lone escape
            case 2: bytes.insert(contentsOf: [0x7d, 0x7e], at: Int.random(in: 0 ..< bytes.count, using: &rng))  // abort
            case 3: bytes.insert(UInt8.random(in: 0 ..< 0x20, using: &rng), at: Int.random(in: 0 ..< bytes.count, using: &rng))
            case 4: bytes = (0 ..< Int.random(in: 0 ... 40, using: &rng)).map { _ in octet(&rng) }
            case 5: bytes = rng.bytes(Int.random(in: 0 ... mru + 40, using: &rng))
            default: break
            }
            stream += bytes
        }
        return stream
    }

    @Test("decoder events, raw frames and counters equal the reference under random chunking",
          arguments: [21, 22, 23, 24, 25, 26, 27, 28] as [UInt64])
    func decoder(seed: UInt64) {
        var rng = TestRandom(seed: seed)
        for _ in 0 ..< 40 {
            let config = HDLCReceiveConfig(accm: Self.accm(&rng), mru: [1500, 100, 17, 0, 2000][Int.random(in: 0 ..< 5, using: &rng)],
                                           acceptAddressControlCompression: .random(using: &rng),
                                           acceptProtocolCompression: .random(using: &rng))
            let stream = Self.stream(&rng, mru: config.mru)
            var reference = ReferenceCodec.Decoder(config: config)
            var expectedRaw: [[UInt8]] = [], expected: [HDLCEvent] = []
            reference.decode(stream, raw: &expectedRaw, events: &expected)

            var decoder = HDLCDecoder(config: config)
            var raw: [[UInt8]] = [], events: [HDLCEvent] = []
            var index = 0
            while index < stream.count {
                let size = [1, 2, 7, 8, 9, 64, 4096][Int.random(in: 0 ..< 7, using: &rng)]
                let end = min(stream.count, index + Int.random(in: 1 ... size, using: &rng))
                switch Int.random(in: 0 ..< 3, using: &rng) {
                case 0: decoder.decode(stream[index ..< end], rawFrame: { raw.append($0) }) { events.append($0) }
                case 1: decoder.decode(ByteBuffer(bytes: stream[index ..< end]), rawFrame: { raw.append($0) }) { events.append($0) }
                default: decoder.decode(AnySequenceCollection(stream[index ..< end]), rawFrame: { raw.append($0) }) { events.append($0) }
                }
                index = end
            }
            // The borrowing entry points report the same, fed in other random pieces.
            var borrowing = HDLCDecoder(config: config)
            var borrowed: [HDLCEvent] = []
            index = 0
            while index < stream.count {
                let end = min(stream.count, index + Int.random(in: 1 ... 600, using: &rng))
                let record: (HDLCBorrowedEvent) -> Void = { event in
                    switch event {
                    case .frame(let view): borrowed.append(.frame(view.frame))
                    case .dropped(let reason, let octets): borrowed.append(.dropped(reason, octets: octets))
                    }
                }
                if Bool.random(using: &rng) {
                    borrowing.decodeBorrowing(stream[index ..< end], record)
                } else {
                    borrowing.decodeBorrowing(ByteBuffer(bytes: stream[index ..< end]), record)
                }
                index = end
            }
            #expect(borrowed == expected)
            #expect(borrowing.counters == reference.counters)
            #expect(events == expected, "config \(config)")
            #expect(raw == expectedRaw)
            #expect(decoder.counters == reference.counters)
            #expect(decoder.hasPartialFrame == (reference.length > 0 || reference.escaped))
        }
    }

    @Test("receive ACCM and compression changed between reads (mid-frame too) apply from the next octet, as in the reference",
          arguments: [41, 42, 43] as [UInt64])
    func configChanges(seed: UInt64) {
        var rng = TestRandom(seed: seed)
        for _ in 0 ..< 30 {
            let config = HDLCReceiveConfig(accm: Self.accm(&rng), mru: 1500)
            let stream = Self.stream(&rng, mru: config.mru)
            var reference = ReferenceCodec.Decoder(config: config)
            var decoder = HDLCDecoder(config: config)
            var expectedRaw: [[UInt8]] = [], expected: [HDLCEvent] = []
            var raw: [[UInt8]] = [], events: [HDLCEvent] = []
            var index = 0
            while index < stream.count {
                let end = min(stream.count, index + Int.random(in: 1 ... 300, using: &rng))
                reference.decode(Array(stream[index ..< end]), raw: &expectedRaw, events: &expected)
                decoder.decode(stream[index ..< end], rawFrame: { raw.append($0) }) { events.append($0) }
                index = end
                if Int.random(in: 0 ..< 3, using: &rng) == 0 {
                    let changed = HDLCReceiveConfig(accm: Self.accm(&rng), mru: 1500,
                                                    acceptAddressControlCompression: .random(using: &rng),
                                                    acceptProtocolCompression: .random(using: &rng))
                    reference.config = changed
                    decoder.config = changed
                }
            }
            #expect(events == expected)
            #expect(raw == expectedRaw)
            #expect(decoder.counters == reference.counters)
        }
    }

    @Test("a frame spanning many reads, split at every offset, decodes once")
    func spanningReads() {
        var rng = TestRandom(seed: 31)
        let frame = PPPFrame(protocolNumber: 0x0021, information: Self.information(&rng, maximum: 1500))
        let bytes = HDLCEncoder(config: .init(accm: 0)).encode(frame)
        for split in 0 ... bytes.count {
            var decoder = HDLCDecoder(config: .init(accm: 0))
            var events: [HDLCEvent] = []
            decoder.decode(bytes[..<split]) { events.append($0) }
            decoder.decode(bytes[split...]) { events.append($0) }
            #expect(events == [.frame(frame)])
        }
    }
}

/// A collection without contiguous storage, so the decoder's copying path is exercised too.
struct AnySequenceCollection: Collection {
    let base: ArraySlice<UInt8>
    init(_ base: ArraySlice<UInt8>) { self.base = base }
    var startIndex: Int { base.startIndex }
    var endIndex: Int { base.endIndex }
    subscript(position: Int) -> UInt8 { base[position] }
    func index(after i: Int) -> Int { i + 1 }
}

@Suite("Decoder storage")
struct DecoderStorageTests {
    @Test("an MRU raised in the middle of a frame keeps the FCS exact (octets buffered before are not carried over, as before)")
    func mruRaisedMidFrame() {
        let frame = PPPFrame(protocolNumber: 0x0021, information: Array(repeating: 0x41, count: 40))
        let bytes = HDLCEncoder(config: .init(accm: 0)).encode(frame)
        var decoder = HDLCDecoder(config: .init(accm: 0, mru: 10))
        var events: [HDLCEvent] = []
        decoder.decode(bytes[..<30]) { events.append($0) }
        decoder.config.mru = 1500
        decoder.decode(bytes[30...]) { events.append($0) }
        // The storage is replaced (zeroed) when the MRU grows, so the frame's first octets are
        // gone and the header no longer parses; the FCS, kept exact, does not fail first.
        #expect(events == [.dropped(.badHeader, octets: 46)])
    }

    @Test("a frame far past the storage is too long, and the next one decodes")
    func farTooLong() {
        var decoder = HDLCDecoder(config: .init(accm: 0, mru: 20))
        var events: [HDLCEvent] = []
        let ok = PPPFrame(protocolNumber: 0x0021, information: [1, 2, 3])
        decoder.decode([0x7e] + Array(repeating: 0x41, count: 1000) + [0x7d, 0x5e] + HDLCEncoder(config: .init(accm: 0)).encode(ok)) { events.append($0) }
        #expect(events == [.dropped(.tooLong, octets: 1001), .frame(ok)])
    }
}
