import NIOCore
import PPPFraming
import Testing

@Suite("HDLC decoder")
struct HDLCDecoderTests {
    let lcp = PPPFrame(protocolNumber: 0xc021, information: [0x09, 0x07, 0x00, 0x08, 0x01, 0x02, 0x03, 0x04])
    let ip = PPPFrame(protocolNumber: 0x0021, information: [0x45, 0x00, 0x11, 0x13, 0x7e, 0x7d])

    func decode(_ bytes: [UInt8], _ decoder: inout HDLCDecoder) -> [HDLCEvent] {
        var events: [HDLCEvent] = []
        decoder.decode(bytes) { events.append($0) }
        return events
    }

    @Test("back-to-back frames sharing one flag, and runs of flags")
    func sharedFlags() {
        let encoder = HDLCEncoder()
        let stream = [0x7e, 0x7e] + encoder.encode(lcp) + encoder.encode(ip, lineIdle: false) + [0x7e, 0x7e, 0x7e]
        var decoder = HDLCDecoder()
        #expect(decode(stream, &decoder) == [.frame(lcp), .frame(ip)])
        #expect(decoder.counters == { var c = HDLCCounters(); c.framesDecoded = 2; return c }())
    }

    @Test("ByteBuffer input decodes like an array")
    func byteBufferInput() {
        var decoder = HDLCDecoder()
        var events: [HDLCEvent] = []
        decoder.decode(ByteBuffer(bytes: HDLCEncoder().encode(ip))) { events.append($0) }
        #expect(events == [.frame(ip)])
    }

    @Test("abort sequence 7d 7e discards the frame in progress; the next frame survives")
    func abort() {
        var decoder = HDLCDecoder()
        let stream: [UInt8] = [0x7e, 0xff, 0x7d, 0x23, 0xc0, 0x21, 0x7d, 0x21, 0x7d, 0x7e] + HDLCEncoder().encode(lcp, lineIdle: false)
        #expect(decode(stream, &decoder) == [.dropped(.aborted, octets: 5), .frame(lcp)])
        #expect(decoder.counters.aborted == 1)
        #expect(decoder.counters.framesDecoded == 1)
    }

    @Test("bad FCS is dropped and counted; decoding continues")
    func badFCS() {
        var damaged = HDLCEncoder().encode(ip)
        damaged[6] ^= 0x01
        var decoder = HDLCDecoder()
        let events = decode(damaged + HDLCEncoder().encode(ip, lineIdle: false), &decoder)
        #expect(events.count == 2)
        #expect(events.last == .frame(ip))
        guard case .dropped(.badFCS, _) = events.first else {
            Issue.record("expected badFCS, got \(String(describing: events.first))")
            return
        }
        #expect(decoder.counters.badFCS == 1)
    }

    @Test("frames under 4 octets are too short")
    func tooShort() {
        var decoder = HDLCDecoder(config: .init(accm: 0))
        #expect(decode([0x7e, 0x01, 0x02, 0x03, 0x7e, 0x7d, 0x5e, 0x7e], &decoder)
            == [.dropped(.tooShort, octets: 3), .dropped(.tooShort, octets: 1)])
        #expect(decoder.counters.tooShort == 2)
    }

    @Test("frames over MRU + header + FCS, or with information over the MRU, are too long")
    func tooLong() {
        let config = HDLCReceiveConfig(accm: 0, mru: 100, acceptAddressControlCompression: true, acceptProtocolCompression: true)
        let full = HDLCEncoder(config: .init(accm: 0))
        let compressed = HDLCEncoder(config: .init(accm: 0, addressControlCompression: true, protocolCompression: true))
        let ok = PPPFrame(protocolNumber: 0x0021, information: [UInt8](repeating: 0x55, count: 100))
        let long = PPPFrame(protocolNumber: 0x0021, information: [UInt8](repeating: 0x55, count: 101))
        let longer = PPPFrame(protocolNumber: 0x0021, information: [UInt8](repeating: 0x55, count: 103))
        var decoder = HDLCDecoder(config: config)
        let events = decode(full.encode(ok) + full.encode(long) + compressed.encode(longer) + full.encode(ok), &decoder)
        #expect(events == [.frame(ok), .dropped(.tooLong, octets: 107), .dropped(.tooLong, octets: 106), .frame(ok)])
        #expect(decoder.counters.tooLong == 2)
    }

    @Test("endless garbage without flags stays bounded and ends as one too-long drop")
    func unboundedGarbage() {
        var decoder = HDLCDecoder(config: .init(accm: 0))
        var events: [HDLCEvent] = []
        let block = [UInt8](repeating: 0x41, count: 10_000)
        for _ in 0 ..< 100 { decoder.decode(block) { events.append($0) } }
        #expect(events.isEmpty)
        #expect(decoder.hasPartialFrame)
        decoder.decode([0x7e]) { events.append($0) }
        #expect(events == [.dropped(.tooLong, octets: 1_000_000)])
        #expect(!decoder.hasPartialFrame)
    }

    @Test("unescaped XON/XOFF in the receive ACCM are discarded; escaped ones are data")
    func xonXoff() {
        let encoded = HDLCEncoder().encode(ip)  // 0x11 and 0x13 in the information are escaped
        #expect(encoded.contains(0x7d) && !encoded.contains(0x11) && !encoded.contains(0x13))
        var noisy = encoded
        noisy.insert(0x13, at: 3)
        noisy.insert(0x11, at: 9)
        var decoder = HDLCDecoder()
        #expect(decode(noisy, &decoder) == [.frame(ip)])
        #expect(decoder.counters.controlCharactersDiscarded == 2)
    }

    @Test("raw control characters are data when the receive ACCM is 0")
    func rawControlCharactersKept() {
        let encoded = HDLCEncoder(config: .init(accm: 0)).encode(ip)
        #expect(encoded.contains(0x11) && encoded.contains(0x13))
        var open = HDLCDecoder(config: .init(accm: 0))
        #expect(decode(encoded, &open) == [.frame(ip)])
        // With the default ACCM they would be taken for noise, and the FCS then fails.
        var strict = HDLCDecoder()
        let events = decode(encoded, &strict)
        #expect(strict.counters.badFCS == 1)
        #expect(strict.counters.controlCharactersDiscarded == encoded.filter { $0 < 0x20 }.count)
        #expect(events.count == 1)
    }

    @Test("header rules: ACFC/PFC only when agreed, malformed fields dropped")
    func headerRules() {
        func framed(_ body: [UInt8]) -> [UInt8] {
            let fcs = FCS16.checksum(body)
            return [0x7e] + HDLCEncoder.escapeAllForTest(body + [UInt8(fcs & 0xff), UInt8(fcs >> 8)]) + [0x7e]
        }
        let strict = HDLCReceiveConfig()
        let lenient = HDLCReceiveConfig(acceptAddressControlCompression: true, acceptProtocolCompression: true)
        let cases: [(body: [UInt8], strict: HDLCEvent?, lenient: HDLCEvent?)] = [
            ([0xff, 0x03, 0x00, 0x21, 0xaa], .frame(.init(protocolNumber: 0x21, information: [0xaa])), .frame(.init(protocolNumber: 0x21, information: [0xaa]))),
            ([0x00, 0x21, 0xaa], nil, .frame(.init(protocolNumber: 0x21, information: [0xaa]))),
            ([0xff, 0x03, 0x21, 0xaa], nil, .frame(.init(protocolNumber: 0x21, information: [0xaa]))),
            ([0x21, 0xaa, 0xbb], nil, .frame(.init(protocolNumber: 0x21, information: [0xaa, 0xbb]))),
            ([0xff, 0x05, 0x00, 0x21], nil, nil),   // control must be 03
            // An even low octet is an invalid protocol number, but RFC 1661 §2 has the link treat
            // it as unrecognized (Protocol-Reject in the network phase): the framing passes it on.
            ([0xff, 0x03, 0xc0, 0x22], .frame(.init(protocolNumber: 0xc022, information: [])), .frame(.init(protocolNumber: 0xc022, information: []))),
            ([0xff, 0x03, 0x12, 0x34, 0x01], .frame(.init(protocolNumber: 0x1234, information: [1])), .frame(.init(protocolNumber: 0x1234, information: [1]))),
            ([0x80, 0x20, 0x01], nil, .frame(.init(protocolNumber: 0x8020, information: [0x01]))),  // needs ACFC
            ([0xff, 0x03], nil, nil),               // no protocol at all (also too short: 4 with FCS)
            ([0xff, 0x03, 0xc0], nil, nil),         // truncated protocol
        ]
        for item in cases {
            for (config, expected) in [(strict, item.strict), (lenient, item.lenient)] {
                var decoder = HDLCDecoder(config: config)
                let events = decode(framed(item.body), &decoder)
                if let expected {
                    #expect(events == [expected], "\(item.body)")
                    #expect(HDLCDecoder.parseHeader(item.body, config: config) != nil)
                } else {
                    #expect(events == [.dropped(.badHeader, octets: item.body.count + 2)], "\(item.body)")
                    #expect(decoder.counters.badHeader == 1)
                    #expect(HDLCDecoder.parseHeader(item.body, config: config) == nil)
                }
            }
        }
    }

    @Test("raw frames are reported as received, FCS stripped, before their event")
    func rawFrames() {
        let compressed = HDLCEncoder(config: .init(accm: 0, addressControlCompression: true, protocolCompression: true))
        var decoder = HDLCDecoder(config: .init(accm: 0))   // does not accept ACFC: header error
        var log: [String] = []
        let stream = HDLCEncoder().encode(lcp) + compressed.encode(ip) + [0x01, 0x02, 0x7e]
        decoder.decode(stream, rawFrame: { log.append("raw " + hexString($0)) }) { log.append("\($0)") }
        #expect(log == [
            "raw ff03c021" + hexString(lcp.information),
            "\(HDLCEvent.frame(lcp))",
            "raw 21" + hexString(ip.information),
            "\(HDLCEvent.dropped(.badHeader, octets: 9))",
            "\(HDLCEvent.dropped(.tooShort, octets: 2))",
        ])
    }

    @Test("config changes take effect from the next octet")
    func configChangeMidStream() {
        let before = HDLCEncoder()
        let after = HDLCEncoder(config: .init(accm: 0, addressControlCompression: true, protocolCompression: true))
        var decoder = HDLCDecoder()
        var events = decode(before.encode(lcp), &decoder)
        decoder.config = .init(accm: 0, acceptAddressControlCompression: true, acceptProtocolCompression: true)
        events += decode(after.encode(ip, lineIdle: false), &decoder)
        #expect(events == [.frame(lcp), .frame(ip)])
    }

    @Test("discardPartialFrame forgets buffered octets silently")
    func discardPartial() {
        var decoder = HDLCDecoder()
        let encoded = HDLCEncoder().encode(ip)
        _ = decode(Array(encoded.prefix(5)), &decoder)
        #expect(decoder.hasPartialFrame)
        decoder.discardPartialFrame()
        #expect(decode(Array(encoded.dropFirst(5)), &decoder).count == 1)   // tail alone: a drop
        #expect(decode(encoded, &decoder) == [.frame(ip)])
    }
}

extension HDLCEncoder {
    /// Escapes every octet that the default ACCM would (test helper for hand-built bodies).
    static func escapeAllForTest(_ body: [UInt8]) -> [UInt8] {
        body.flatMap { $0 < 0x20 || $0 == 0x7e || $0 == 0x7d ? [0x7d, $0 ^ 0x20] : [$0] }
    }
}
