import Testing
import PPPCapture

@Suite struct LinkTypeTests {
    let lcpEcho: [UInt8] = [0x09, 0x01, 0x00, 0x08, 0xde, 0xad, 0xbe, 0xef]

    @Test func pppWithAndWithoutAddressControl() {
        let full = CaptureLinkType.ppp.parse([0xff, 0x03, 0xc0, 0x21] + lcpEcho)
        let bare = CaptureLinkType.ppp.parse([0xc0, 0x21] + lcpEcho)
        let expected = CaptureLinkType.Parsed.frame(direction: nil, protocolNumber: 0xc021, information: lcpEcho)
        #expect(full == expected)
        #expect(bare == expected)
        #expect(CaptureLinkType.pppSerial.parse([0xff, 0x03, 0xc0, 0x21] + lcpEcho) == expected)
    }

    @Test func compressedProtocolField() {
        #expect(CaptureLinkType.ppp.parse([0x21, 0x45, 0x00]) ==
                .frame(direction: nil, protocolNumber: 0x0021, information: [0x45, 0x00]))
        #expect(CaptureLinkType.ppp.parse([0xff, 0x03, 0x21]) ==
                .frame(direction: nil, protocolNumber: 0x0021, information: []))
    }

    @Test func malformedRecordsAreSkippedNotTrapped() {
        for bad: [UInt8] in [[], [0xff, 0x03], [0xc0], [0xc0, 0x20, 1, 2]] {
            guard case .skipped = CaptureLinkType.ppp.parse(bad) else {
                Issue.record("\(bad) should be skipped"); continue
            }
        }
        guard case .skipped = CaptureLinkType.pppSerial.parse([0x0f, 0x00, 0x08, 0x00]) else {
            Issue.record("Cisco HDLC should be skipped"); return
        }
        for lt in CaptureLinkType.allCases {
            for n in 0..<24 { _ = lt.parse(Array(repeating: 0xff, count: n)) }
        }
    }

    @Test func directionOctet() {
        #expect(CaptureLinkType.pppWithDirection.parse([1, 0xff, 0x03, 0xc2, 0x23, 9]) ==
                .frame(direction: .sent, protocolNumber: 0xc223, information: [9]))
        #expect(CaptureLinkType.pppWithDirection.parse([0, 0xc2, 0x23, 9]) ==
                .frame(direction: .received, protocolNumber: 0xc223, information: [9]))
        #expect(CaptureLinkType.pppPPPD.parse([0, 0x03, 0xc2, 0x23, 9]) ==
                .frame(direction: .received, protocolNumber: 0xc223, information: [9]))
        guard case .skipped = CaptureLinkType.pppWithDirection.parse([7, 0xc2, 0x23]) else {
            Issue.record("direction 7 should be skipped"); return
        }
    }

    @Test func pppoeOverEthernetAndLinuxCooked() {
        let pppoe: [UInt8] = [0x11, 0x00, 0x12, 0x34, 0x00, 0x06, 0xc2, 0x23, 3, 7, 0, 4] + [0, 0, 0]  // padding after length
        let expected = CaptureLinkType.Parsed.frame(direction: nil, protocolNumber: 0xc223, information: [3, 7, 0, 4])
        let eth = Array(repeating: UInt8(0xaa), count: 12) + [0x88, 0x64] + pppoe
        #expect(CaptureLinkType.ethernet.parse(eth) == expected)
        let vlan = Array(repeating: UInt8(0xaa), count: 12) + [0x81, 0x00, 0x00, 0x05, 0x88, 0x64] + pppoe
        #expect(CaptureLinkType.ethernet.parse(vlan) == expected)
        #expect(CaptureLinkType.pppEther.parse(pppoe) == expected)
        let sll: [UInt8] = [0, 4, 0, 1, 0, 6] + Array(repeating: 0, count: 8) + [0x88, 0x64] + pppoe
        #expect(CaptureLinkType.linuxSLL.parse(sll) ==
                .frame(direction: .sent, protocolNumber: 0xc223, information: [3, 7, 0, 4]))
        let sll2: [UInt8] = [0x88, 0x64, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6] + Array(repeating: 0, count: 8) + pppoe
        #expect(CaptureLinkType.linuxSLL2.parse(sll2) ==
                .frame(direction: .received, protocolNumber: 0xc223, information: [3, 7, 0, 4]))
        let ipv4 = Array(repeating: UInt8(0xaa), count: 12) + [0x08, 0x00, 0x45]
        guard case .skipped = CaptureLinkType.ethernet.parse(ipv4) else {
            Issue.record("IPv4 over Ethernet should be skipped"); return
        }
    }

    /// A tcpdump-style DLT_PPP file (no directions, mixed header forms) reads back.
    @Test func readsHandMadeDLTPPPFile() throws {
        let records: [[UInt8]] = [[0xff, 0x03, 0xc0, 0x21] + lcpEcho, [0xc2, 0x23, 3, 7, 0, 4], [0x00]]
        let path = try Scratch.write(Scratch.pcapFile(linkType: 9, records: records), name: "ppp.pcap")
        let result = try CaptureReader(path: path).read()
        #expect(result.linkType == .ppp)
        #expect(result.records.map(\.protocolNumber) == [0xc021, 0xc223])
        #expect(result.records.allSatisfy { $0.direction == nil })
        #expect(result.records.map(\.frameNumber) == [1, 2])
        #expect(result.skipped.map(\.frameNumber) == [3])
        #expect(result.records[1].timestamp == CaptureTimestamp(seconds: Vectors.epoch, microseconds: 1))
        #expect(result.error == nil)
    }
}
