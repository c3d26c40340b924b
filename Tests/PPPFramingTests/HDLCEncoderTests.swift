import NIOCore
import PPPFraming
import Testing

@Suite("HDLC encoder")
struct HDLCEncoderTests {
    let compressed = HDLCSendConfig(accm: 0, addressControlCompression: true, protocolCompression: true)

    @Test("default config: ff 03, 2-byte protocol, control characters escaped, flags both ends")
    func defaultConfig() {
        let bytes = HDLCEncoder().encode(PPPFrame(protocolNumber: 0x0021, information: [0x00, 0x7e, 0x7d, 0x20, 0x11]))
        #expect(bytes.first == 0x7e && bytes.last == 0x7e)
        #expect(Array(bytes[1 ..< 14]) == [0xff, 0x7d, 0x23, 0x7d, 0x20, 0x21, 0x7d, 0x20, 0x7d, 0x5e, 0x7d, 0x5d, 0x20])
    }

    @Test("ACFC and PFC applied to a low protocol, only ACFC to a high one")
    func compressionRules() {
        let encoder = HDLCEncoder(config: compressed)
        #expect(HDLCEncoder.header(for: PPPFrame(protocolNumber: 0x0021, information: []), config: compressed) == [0x21])
        #expect(HDLCEncoder.header(for: PPPFrame(protocolNumber: 0x8021, information: []), config: compressed) == [0x80, 0x21])
        let only = HDLCSendConfig(accm: 0, addressControlCompression: false, protocolCompression: true)
        #expect(HDLCEncoder.header(for: PPPFrame(protocolNumber: 0x0021, information: []), config: only) == [0xff, 0x03, 0x21])
        let bytes = encoder.encode(PPPFrame(protocolNumber: 0x0021, information: [0x45]), lineIdle: false)
        #expect(Array(bytes.prefix(2)) == [0x21, 0x45])
    }

    /// Found by FuzzHDLCDecoder: a frame of protocol 0x0000 (invalid, but RFC 1661 §2 has the
    /// link, not the framing, deal with it) went out as the single octet 00, which the receiver
    /// reads as the high half of a two-octet field: 00 a1 01 ... came back as protocol 0x00a1.
    @Test("PFC never compresses an even protocol number: the single octet would read as a high half",
          arguments: [UInt16(0x0000), 0x00a0, 0x00fe])
    func pfcLeavesEvenProtocolsWhole(protocolNumber: UInt16) {
        let frame = PPPFrame(protocolNumber: protocolNumber, information: [0xa1, 0x01, 0x00])
        #expect(HDLCEncoder.header(for: frame, config: compressed) == [0x00, UInt8(protocolNumber)])
        var receive = HDLCReceiveConfig()
        receive.accm = 0  // as `compressed` sends: control characters arrive unescaped
        receive.acceptAddressControlCompression = true
        receive.acceptProtocolCompression = true
        var decoder = HDLCDecoder(config: receive)
        var events: [HDLCEvent] = []
        decoder.decode(HDLCEncoder(config: compressed).encode(frame)) { events.append($0) }
        #expect(events == [.frame(frame)])
    }

    @Test("LCP always carries ff 03 and a 2-byte protocol, even with ACFC/PFC on")
    func lcpKeepsFullHeader() {
        let echo = PPPFrame(protocolNumber: 0xc021, information: [0x09, 0x01, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00])
        #expect(HDLCEncoder.header(for: echo, config: compressed) == [0xff, 0x03, 0xc0, 0x21])
        // Echo-Request (code 9) uses the negotiated ACCM: its zero bytes go out raw, no forced flag.
        let bytes = HDLCEncoder(config: compressed).encode(echo, lineIdle: false)
        #expect(Array(bytes.prefix(8)) == [0xff, 0x03, 0xc0, 0x21, 0x09, 0x01, 0x00, 0x08])
    }

    @Test("LCP codes 1-7 use the default ACCM and always get an opening flag")
    func lcpLinkConfigurationUsesDefaults() {
        let termReq = PPPFrame(protocolNumber: 0xc021, information: [0x05, 0x02, 0x00, 0x04])
        let bytes = HDLCEncoder(config: compressed).encode(termReq, lineIdle: false)
        #expect(Array(bytes.prefix(12)) == [0x7e, 0xff, 0x7d, 0x23, 0xc0, 0x21, 0x7d, 0x25, 0x7d, 0x22, 0x7d, 0x20])
        #expect(termReq.isLCPLinkConfiguration)
        #expect(!PPPFrame(protocolNumber: 0xc021, information: [0x09]).isLCPLinkConfiguration)
        #expect(!PPPFrame(protocolNumber: 0xc021, information: []).isLCPLinkConfiguration)
        #expect(!PPPFrame(protocolNumber: 0xc223, information: [0x01]).isLCPLinkConfiguration)
    }

    @Test("opening flag omitted when the line is busy; closing flag always present")
    func leadingFlag() {
        let frame = PPPFrame(protocolNumber: 0xc223, information: [0x03, 0x01, 0x00, 0x04])
        let busy = HDLCEncoder(config: compressed).encode(frame, lineIdle: false)
        let idle = HDLCEncoder(config: compressed).encode(frame, lineIdle: true)
        #expect(busy.first == 0xc2 && busy.last == 0x7e)
        #expect(idle == [0x7e] + busy)
    }

    @Test("FCS octets are escaped too")
    func fcsEscaped() {
        func escaped(_ byte: UInt8) -> [UInt8] {
            byte == 0x7e || byte == 0x7d || byte < 0x20 ? [0x7d, byte ^ 0x20] : [byte]
        }
        // Find payloads whose FCS has an octet needing escape, then check the frame's tail.
        var rng = TestRandom(seed: 7)
        var found = 0
        for _ in 0 ..< 5000 where found < 5 {
            let info = rng.bytes(6).map { $0 | 0x80 }  // no escapes inside the information
            let fcs = FCS16.checksum([0xff, 0x03, 0x00, 0x21] + info)
            let low = UInt8(fcs & 0xff), high = UInt8(fcs >> 8)
            guard escaped(low).count == 2 || escaped(high).count == 2 else { continue }
            found += 1
            let bytes = HDLCEncoder().encode(PPPFrame(protocolNumber: 0x0021, information: info))
            let tail = escaped(low) + escaped(high) + [0x7e]
            #expect(Array(bytes.suffix(tail.count)) == tail)
            #expect(bytes.count == 1 + 6 + 6 + tail.count)
        }
        #expect(found == 5)
    }

    @Test("ByteBuffer and array encodings agree and append")
    func byteBufferAppends() {
        let frame = PPPFrame(protocolNumber: 0x8021, information: [1, 2, 3])
        var buffer = ByteBuffer(bytes: [0xaa])
        HDLCEncoder().encode(frame, into: &buffer)
        #expect(Array(buffer.readableBytesView) == [0xaa] + HDLCEncoder().encode(frame))
    }
}
