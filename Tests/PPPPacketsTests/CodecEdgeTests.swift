import Testing
@testable import PPPPackets

@Suite struct CodecEdgeTests {
    @Test func controlPacketLengths() throws {
        #expect(throws: PacketError.self) { try ControlPacket(parsing: bytes("01 01 00")) }
        do { _ = try ControlPacket(parsing: bytes("01 01 00 03")); Issue.record("no error") } catch { #expect(error.kind == .badLength) }
        do { _ = try ControlPacket(parsing: bytes("01 01 00 08 00")); Issue.record("no error") } catch { #expect(error.kind == .truncated) }
        // Octets past Length are padding and ignored.
        let p = try ControlPacket(parsing: bytes("06 02 00 05 aa bb cc"))
        #expect(p == ControlPacket(code: 6, identifier: 2, data: [0xaa]))
        #expect(p.bytes == bytes("06 02 00 05 aa"))
    }

    @Test func chapValueSize() throws {
        do { _ = try CHAPPacket(parsing: packet(1, 1, bytes("10 aa"))); Issue.record("no error") } catch {
            #expect(error.kind == .badLength)
        }
        do { _ = try CHAPPacket(parsing: packet(2, 1, [])); Issue.record("no error") } catch {
            #expect(error.kind == .truncated)
        }
        do { _ = try CHAPPacket(parsing: packet(5, 1, [])); Issue.record("no error") } catch {
            #expect(error.kind == .unknownCode)
        }
        let c = try CHAPPacket(parsing: packet(1, 7, bytes("02 0a 0b") + ascii("srv")) + [0, 0])
        #expect(c == .challenge(identifier: 7, value: [0x0a, 0x0b], name: ascii("srv")))
        #expect(try CHAPPacket(parsing: c.bytes) == c)
        #expect(try CHAPPacket(parsing: packet(3, 1, [])) == .success(identifier: 1, message: []))
    }

    @Test func optionLists() throws {
        do { _ = try RawOption.parseList(bytes("07 01")); Issue.record("no error") } catch { #expect(error.kind == .badOption) }
        do { _ = try RawOption.parseList(bytes("05 06 00")); Issue.record("no error") } catch { #expect(error.kind == .truncated) }
        do { _ = try RawOption.parseList(bytes("05")); Issue.record("no error") } catch { #expect(error.kind == .truncated) }
        #expect(try RawOption.parseList([]) == [])
        let lcp = try LCPOption.parseList(bytes("01 03 05 02 06 00 00 00 00 1e 02 03 05 c2 23 05"))
        #expect(lcp == [.unknown(RawOption(type: 1, data: [5])), .asyncMap(0), .unknown(RawOption(type: 0x1e)),
                        .authProtocol(protocol: 0xc223, data: [5])])
        #expect(LCPOption.serializeList(lcp) == bytes("01 03 05 02 06 00 00 00 00 1e 02 03 05 c2 23 05"))
        let ipcp = try IPCPOption.parseList(bytes("03 06 0a 00 00 01 81 04 00 00 02 06 00 2d 0f 01"))
        #expect(ipcp == [.ipAddress(0x0a00_0001), .unknown(RawOption(type: 0x81, data: [0, 0])),
                         .compressionProtocol(protocol: 0x2d, data: [0x0f, 0x01])])
        let v6 = try IPV6CPOption.parseList(bytes("01 0a 00 00 00 00 00 00 00 01 01 04 00 00"))
        #expect(v6 == [.interfaceIdentifier(1), .unknown(RawOption(type: 1, data: [0, 0]))])
    }
}
