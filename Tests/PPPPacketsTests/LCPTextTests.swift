import Testing
@testable import PPPPackets

@Suite struct LCPTextTests {
    let lcp: UInt16 = 0xc021

    @Test func confReqFromTwoWayVector() {
        let info = bytes("01 01 00 19 02 06 00 00 00 00 03 05 c2 23 05 05 06 fd 57 ab f6 07 02 08 02")
        #expect(PPPDebugText.describe(protocolNumber: lcp, information: info)
            == "LCP ConfReq id=0x1 <asyncmap 0x0> <auth chap MD5> <magic 0xfd57abf6> <pcomp> <accomp>")
        #expect(PPPDebugText.logLine(sent: true, protocolNumber: lcp, information: info)
            == "sent [LCP ConfReq id=0x1 <asyncmap 0x0> <auth chap MD5> <magic 0xfd57abf6> <pcomp> <accomp>]")
        #expect(PPPDebugText.logLine(sent: false, protocolNumber: lcp, information: info).hasPrefix("rcvd [LCP ConfReq"))
    }

    @Test func configureCodesAndOptions() {
        #expect(fmt(lcp, packet(3, 1, bytes("03 05 c2 23 81"))) == "[LCP ConfNak id=0x1 <auth chap MS-v2>]")
        #expect(fmt(lcp, packet(4, 9, bytes("03 05 c2 23 80"))) == "[LCP ConfRej id=0x9 <auth chap MS>]")
        #expect(fmt(lcp, packet(2, 0xff, bytes("01 04 05 dc"))) == "[LCP ConfAck id=0xff <mru 1500>]")
        #expect(fmt(lcp, packet(1, 1, bytes("03 04 c0 23"))) == "[LCP ConfReq id=0x1 <auth pap>]")
        #expect(fmt(lcp, packet(1, 1, bytes("03 04 c2 27"))) == "[LCP ConfReq id=0x1 <auth eap>]")
        #expect(fmt(lcp, packet(1, 1, bytes("03 05 c2 23 07"))) == "[LCP ConfReq id=0x1 <auth chap 07>]")
        #expect(fmt(lcp, packet(1, 1, bytes("03 04 c2 23"))) == "[LCP ConfReq id=0x1 <auth chap>]")
        #expect(fmt(lcp, packet(1, 1, bytes("03 04 12 34"))) == "[LCP ConfReq id=0x1 <auth 0x1234>]")
        #expect(fmt(lcp, packet(1, 1, bytes("03 06 c0 23 01 02"))) == "[LCP ConfReq id=0x1 <auth pap 01 02>]")
        #expect(fmt(lcp, packet(1, 1, bytes("04 08 c0 25 00 00 00 0a"))) == "[LCP ConfReq id=0x1 <quality lqr 00 00 00 0a>]")
        #expect(fmt(lcp, packet(1, 1, bytes("04 04 12 34"))) == "[LCP ConfReq id=0x1 <quality 0x1234>]")
        #expect(fmt(lcp, packet(1, 1, bytes("0d 03 06"))) == "[LCP ConfReq id=0x1 <callback CBCP>]")
        #expect(fmt(lcp, packet(1, 1, bytes("0d 03 01"))) == "[LCP ConfReq id=0x1 <callback 0x1>]")
        #expect(fmt(lcp, packet(1, 1, bytes("11 04 05 dc 12 02"))) == "[LCP ConfReq id=0x1 <mrru 1500> <ssnhf>]")
    }

    @Test func endpointDiscriminators() {
        #expect(fmt(lcp, packet(1, 1, bytes("13 09 03 00 11 22 33 44 55"))) == "[LCP ConfReq id=0x1 <endpoint [MAC:00:11:22:33:44:55]>]")
        #expect(fmt(lcp, packet(1, 1, bytes("13 07 02 0a 00 00 01"))) == "[LCP ConfReq id=0x1 <endpoint [IP:10.0.0.1]>]")
        #expect(fmt(lcp, packet(1, 1, bytes("13 03 00"))) == "[LCP ConfReq id=0x1 <endpoint [null]>]")
        #expect(fmt(lcp, packet(1, 1, bytes("13 0b 04 01 02 03 04 05 06 07 08"))) == "[LCP ConfReq id=0x1 <endpoint [magic:01020304.05060708]>]")
        #expect(fmt(lcp, packet(1, 1, bytes("13 05 01 ab cd"))) == "[LCP ConfReq id=0x1 <endpoint [local:ab.cd]>]")
        #expect(fmt(lcp, packet(1, 1, bytes("13 04 09 7f"))) == "[LCP ConfReq id=0x1 <endpoint [9:7f]>]")
        // Past pppd's 20-octet limit the rest prints as raw bytes.
        let long = [UInt8(0x13), 25, 1] + [UInt8](repeating: 0xaa, count: 22)
        #expect(fmt(lcp, packet(1, 1, long))
            == "[LCP ConfReq id=0x1 <endpoint [local:" + Array(repeating: "aa", count: 20).joined(separator: ".") + "] aa aa>]")
    }

    @Test func unknownAndIllSizedOptionsPrintRaw() {
        #expect(fmt(lcp, packet(1, 1, bytes("1e 03 aa"))) == "[LCP ConfReq id=0x1 < 1e 03 aa>]")
        #expect(fmt(lcp, packet(1, 1, bytes("01 03 05"))) == "[LCP ConfReq id=0x1 < 01 03 05>]")
        #expect(fmt(lcp, packet(1, 1, bytes("07 03 00 08 02"))) == "[LCP ConfReq id=0x1 < 07 03 00> <accomp>]")
        // An option length below 2 or past the packet stops the walk; the rest is raw.
        #expect(fmt(lcp, packet(1, 1, bytes("07 02 07 01"))) == "[LCP ConfReq id=0x1 <pcomp> 07 01]")
        #expect(fmt(lcp, packet(1, 1, bytes("05 06 00 00"))) == "[LCP ConfReq id=0x1 05 06 00 00]")
        #expect(fmt(lcp, packet(1, 1, bytes("05"))) == "[LCP ConfReq id=0x1 05]")
    }

    @Test func terminateText() {
        #expect(fmt(lcp, packet(5, 2, ascii("User request"))) == "[LCP TermReq id=0x2 \"User request\"]")
        #expect(fmt(lcp, packet(6, 2, [])) == "[LCP TermAck id=0x2]")
        #expect(fmt(lcp, packet(5, 1, bytes("01 41"))) == "[LCP TermReq id=0x1 01 41]")
        #expect(fmt(lcp, packet(5, 1, bytes("41 22 5c 0a 0d 09 ff 00 7f")))
            == #"[LCP TermReq id=0x1 "A\"\\\n\r\t\377\000\177"]"#)
    }

    @Test func echoDiscardIdentTimeRemaining() {
        #expect(fmt(lcp, packet(9, 7, bytes("fd 57 ab f6"))) == "[LCP EchoReq id=0x7 magic=0xfd57abf6]")
        #expect(fmt(lcp, packet(10, 7, bytes("00 00 00 01 01 02"))) == "[LCP EchoRep id=0x7 magic=0x1 01 02]")
        #expect(fmt(lcp, packet(11, 3, bytes("00 00 00 00"))) == "[LCP DiscReq id=0x3 magic=0x0]")
        #expect(fmt(lcp, packet(9, 1, bytes("aa bb"))) == "[LCP EchoReq id=0x1 aa bb]")
        #expect(fmt(lcp, packet(12, 1, bytes("00 00 00 01") + ascii("hello"))) == "[LCP Ident id=0x1 magic=0x1 \"hello\"]")
        #expect(fmt(lcp, packet(13, 1, bytes("00 00 00 00 00 00 00 3c") + ascii("ab"))) == "[LCP TimeRem id=0x1 magic=0x0 seconds=60 \"ab\"]")
        #expect(fmt(lcp, packet(13, 1, bytes("00 00 00 00 01"))) == "[LCP TimeRem id=0x1 magic=0x0 01]")
    }

    @Test func rejectsAndUnknownCodes() {
        #expect(fmt(lcp, packet(7, 3, bytes("63 01 00 04"))) == "[LCP CodeRej id=0x3 63 01 00 04]")
        #expect(fmt(lcp, packet(8, 4, bytes("80 57 01 01 00 04"))) == "[LCP ProtRej id=0x4 80 57 01 01 00 04]")
        #expect(fmt(lcp, packet(0x20, 5, bytes("aa bb"))) == "[LCP code=0x20 id=0x5 aa bb]")
        #expect(fmt(lcp, packet(0, 5, [])) == "[LCP code=0x0 id=0x5]")
        // LCP shows 32 trailing octets, then "...".
        let data = [UInt8](0..<40)
        let shown = data.prefix(32).map { $0 < 0x10 ? " 0" + String($0, radix: 16) : " " + String($0, radix: 16) }.joined()
        #expect(fmt(lcp, packet(7, 1, data)) == "[LCP CodeRej id=0x1" + shown + " ...]")
    }

    @Test func malformedHeadersFallBackToRawBytes() {
        #expect(fmt(lcp, bytes("01 01 00 03")) == "[LCP] 01 01 00 03")
        #expect(fmt(lcp, bytes("01 01 00 20 00")) == "[LCP] 01 01 00 20 00")
        #expect(fmt(lcp, bytes("01 01")) == "[LCP] 01 01")
        #expect(fmt(lcp, []) == "[LCP]")
        #expect(PPPDebugText.describe(protocolNumber: lcp, information: bytes("01 01")) == "LCP")
    }

    @Test func paddingBeyondLengthPrintsAfterTheBracket() {
        let info = packet(6, 2, []) + [0, 0]
        #expect(fmt(lcp, info) == "[LCP TermAck id=0x2] 00 00")
        #expect(PPPDebugText.describe(protocolNumber: lcp, information: info) == "LCP TermAck id=0x2")
        let padded = packet(6, 2, []) + [UInt8](repeating: 0x11, count: 40)
        #expect(fmt(lcp, padded) == "[LCP TermAck id=0x2]" + String(repeating: " 11", count: 32) + " ...")
    }
}
