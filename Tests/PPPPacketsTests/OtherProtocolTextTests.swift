import Testing
@testable import PPPPackets

@Suite struct OtherProtocolTextTests {
    @Test func chapFromVectors() {
        let response = bytes("02 c6 00 1a 10 3b79f6770f7705a8f4f79c1fe6644282") + ascii("alice")
        #expect(PPPDebugText.describe(protocolNumber: 0xc223, information: response)
            == "CHAP Response id=0xc6 <3b79f6770f7705a8f4f79c1fe6644282>, name = \"alice\"")
        #expect(fmt(0xc223, packet(3, 0xc6, ascii("Access granted"))) == "[CHAP Success id=0xc6 \"Access granted\"]")
        #expect(fmt(0xc223, packet(4, 9, ascii("Access denied"))) == "[CHAP Failure id=0x9 \"Access denied\"]")
        #expect(fmt(0xc223, packet(1, 1, bytes("02 0a 0b") + ascii("s"))) == "[CHAP Challenge id=0x1 <0a0b>, name = \"s\"]")
    }

    @Test func chapEdges() {
        // Value-Size past the data: pppd prints nothing more and swallows the packet.
        #expect(fmt(0xc223, packet(1, 5, bytes("10 aa bb cc"))) == "[CHAP Challenge id=0x5]")
        #expect(fmt(0xc223, packet(1, 5, [])) == "[CHAP Challenge id=0x5]")
        #expect(fmt(0xc223, packet(2, 5, bytes("00"))) == "[CHAP Response id=0x5 <>, name = \"\"]")
        #expect(fmt(0xc223, packet(3, 1, [])) == "[CHAP Success id=0x1 \"\"]")
        #expect(fmt(0xc223, packet(9, 1, bytes("01 02"))) == "[CHAP code=0x9 id=0x1 01 02]")
        #expect(fmt(0xc223, packet(3, 1, ascii("ok")) + [0]) == "[CHAP Success id=0x1 \"ok\"] 00")
        #expect(fmt(0xc223, bytes("03 01 00 09 41")) == "[CHAP] 03 01 00 09 41")
    }

    @Test func ipcp() {
        let req = bytes("01 01 00 10 02 06 00 2d 0f 01 03 06 0a 00 00 01")
        #expect(PPPDebugText.describe(protocolNumber: 0x8021, information: req) == "IPCP ConfReq id=0x1 <compress VJ 0f 01> <addr 10.0.0.1>")
        #expect(fmt(0x8021, packet(3, 1, bytes("03 06 0a 01 00 02"))) == "[IPCP ConfNak id=0x1 <addr 10.1.0.2>]")
        #expect(fmt(0x8021, packet(1, 1, bytes("01 0a 0a 00 00 01 0a 00 00 02"))) == "[IPCP ConfReq id=0x1 <addrs 10.0.0.1 10.0.0.2>]")
        #expect(fmt(0x8021, packet(1, 1, bytes("02 04 00 37 02 06 00 61 01 02")))
            == "[IPCP ConfReq id=0x1 <compress old-VJ> <compress 0x61 01 02>]")
        #expect(fmt(0x8021, packet(2, 1, bytes("81 06 08 08 08 08 83 06 08 08 04 04 82 06 01 02 03 04 84 06 05 06 07 08")))
            == "[IPCP ConfAck id=0x1 <ms-dns1 8.8.8.8> <ms-dns2 8.8.4.4> <ms-wins 1.2.3.4> <ms-wins 5.6.7.8>]")
        #expect(fmt(0x8021, packet(1, 1, bytes("03 05 0a 00 00"))) == "[IPCP ConfReq id=0x1 < 03 05 0a 00 00>]")
        #expect(fmt(0x8021, packet(5, 2, ascii("bye"))) == "[IPCP TermReq id=0x2 \"bye\"]")
        #expect(fmt(0x8021, packet(9, 2, bytes("aa"))) == "[IPCP code=0x9 id=0x2 aa]")
        // IPCP prints every trailing octet (no 32-octet cap inside the brackets).
        let data = [UInt8](repeating: 0xab, count: 40)
        #expect(fmt(0x8021, packet(7, 1, data)) == "[IPCP CodeRej id=0x1" + String(repeating: " ab", count: 40) + "]")
    }

    @Test func ipcpShortDNSOptionDoesNotTrap() {
        // pppd reads four octets whatever the option length says; past the data we read zeros.
        let text = fmt(0x8021, packet(1, 1, bytes("81 02 03 06 0a 00 00 01")))
        #expect(text == "[IPCP ConfReq id=0x1 <ms-dns1 3.6.10.0> 00 01 00 00 00 00]")
        #expect(fmt(0x8021, packet(1, 1, bytes("81 02"))) == "[IPCP ConfReq id=0x1 <ms-dns1 0.0.0.0>]")
    }

    @Test func ipv6cp() {
        #expect(fmt(0x8057, packet(1, 1, bytes("01 0a 02 11 22 ff fe 33 44 55")))
            == "[IPV6CP ConfReq id=0x1 <addr fe80::0211:22ff:fe33:4455>]")
        #expect(fmt(0x8057, packet(4, 1, bytes("02 04 00 4f 02 06 00 4f 01 02")))
            == "[IPV6CP ConfRej id=0x1 <compress 0x4f> <compress 0x4f 01 02>]")
        #expect(fmt(0x8057, packet(1, 1, bytes("01 06 00 00 00 01"))) == "[IPV6CP ConfReq id=0x1 < 01 06 00 00 00 01>]")
        #expect(fmt(0x8057, packet(6, 3, [])) == "[IPV6CP TermAck id=0x3]")
    }

    @Test func papHidesPasswords() {
        let req = packet(1, 1, [5] + ascii("alice") + [6] + ascii("s3cret"))
        let text = fmt(0xc023, req)
        #expect(text == "[PAP AuthReq id=0x1 user=\"alice\" password=<hidden>]")
        #expect(!text.contains("s3cret"))
        #expect(fmt(0xc023, packet(2, 1, [2] + ascii("ok"))) == "[PAP AuthAck id=0x1 \"ok\"]")
        #expect(fmt(0xc023, packet(3, 1, [9] + ascii("no"))) == "[PAP AuthNak id=0x1 09 6e 6f]")
        #expect(fmt(0xc023, packet(1, 1, [9, 0x41])) == "[PAP AuthReq id=0x1 09 41]")
    }

    @Test func dataAndUnknownProtocols() {
        #expect(fmt(0x8281, bytes("01 02")) == "[proto=0x8281] 01 02")
        #expect(fmt(0x8281, []) == "[proto=0x8281]")
        #expect(fmt(0x0021, bytes("45 00 00 1c 00 00 00 00 40 01")) == "[IP data] 45 00 00 1c 00 00 00 00 ...")
        #expect(fmt(0x0057, bytes("60 00 00 00")) == "[IPV6 data] 60 00 00 00")
        #expect(fmt(0x00fd, bytes("00")) == "[Compressed data] 00")
        #expect(PPPDebugText.describe(protocolNumber: 0x0021, information: []) == "IP data")
        let long = [UInt8](repeating: 1, count: 33)
        #expect(fmt(0x1234, long) == "[proto=0x1234]" + String(repeating: " 01", count: 32) + " ...")
    }

    @Test func logLineIsCutAtPppdsBuffer() {
        let response = packet(2, 1, [1, 0xaa] + [UInt8](repeating: 0x61, count: 1400))
        let line = PPPDebugText.logLine(sent: true, protocolNumber: 0xc223, information: response)
        #expect(line.utf8.count == PPPDebugText.maxLogLine)
        #expect(line.hasPrefix("sent [CHAP Response id=0x1 <aa>, name = \"aaa"))
    }
}
