import ChapSecrets
import RADIUS
import Testing

func hex(_ s: String) -> [UInt8] {
    let digits = Array(s.filter { !$0.isWhitespace }.utf8)
    return stride(from: 0, to: digits.count, by: 2).map { i in
        UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16)!
    }
}

@Suite("RADIUS packet codec and authenticators")
struct PacketTests {
    // RFC 2865 §7.1: nemo / arctangent, secret xyzzy5461.
    static let rfcRequest = hex("""
        01 00 00 38 0f 40 3f 94 73 97 80 57 bd 83 d5 cb 98 f4 22 7a 01 06 6e 65 6d 6f 02 12 0d be 70 8d
        93 d4 13 ce 31 96 e4 3f 78 2a 0a ee 04 06 c0 a8 01 10 05 06 00 00 00 03
        """)
    static let rfcAccept = hex("""
        02 00 00 26 86 fe 22 0e 76 24 ba 2a 10 05 f6 bf 9b 55 e0 b2 06 06 00 00 00 01 0f 06 00 00 00 00
        0e 06 c0 a8 01 03
        """)
    // RFC 2865 §7.2: CHAP user flopsy.
    static let rfcChapRequest = hex("""
        01 01 00 47 2a ee 86 f0 8d 0d 55 96 9c a5 97 8e 0d 33 67 a2 01 08 66 6c 6f 70 73 79 03 13 16 e9
        75 57 c3 16 18 58 95 f2 93 ff 63 44 07 72 75 04 06 c0 a8 01 10 05 06 00 00 00 14 06 06 00 00 00
        02 07 06 00 00 00 01
        """)
    static let rfcChapAccept = hex("""
        02 01 00 38 15 ef bc 7d ab 26 cf a3 dc 34 d9 c0 3c 86 01 a4 06 06 00 00 00 02 07 06 00 00 00 01
        08 06 ff ff ff fe 0a 06 00 00 00 02 0d 06 00 00 00 01 0c 06 00 00 05 dc
        """)
    static let rfcSecret = Secret("xyzzy5461")

    @Test func rfc2865Example1DecodesAndReencodesExactly() throws {
        let p = try RADIUSPacket.decode(Self.rfcRequest)
        #expect(p.code == .accessRequest)
        #expect(p.identifier == 0)
        #expect(p.attributes.map(\.type) == [1, 2, 4, 5])
        #expect(p.first(.userName)?.textValue == "nemo")
        #expect(p.first(.nasIPAddress)?.integerValue == 0xC0A8_0110)
        #expect(p.first(.nasPort)?.integerValue == 3)
        #expect(try p.encode() == Self.rfcRequest)
    }

    @Test func rfc2865Example1AcceptVerifies() {
        let requestAuth = Array(Self.rfcRequest[4..<20])
        #expect(RADIUSSigning.verifyResponseAuthenticator(Self.rfcAccept, requestAuthenticator: requestAuth, secret: Self.rfcSecret))
    }

    @Test func rfc2865Example1AcceptWithWrongSecretDoesNotVerify() {
        let requestAuth = Array(Self.rfcRequest[4..<20])
        #expect(!RADIUSSigning.verifyResponseAuthenticator(Self.rfcAccept, requestAuthenticator: requestAuth, secret: Secret("xyzzy5462")))
    }

    @Test func rfc2865ChapExampleAcceptVerifiesAndGrantsPoolAddressAndMTU() throws {
        let requestAuth = Array(Self.rfcChapRequest[4..<20])
        #expect(RADIUSSigning.verifyResponseAuthenticator(Self.rfcChapAccept, requestAuthenticator: requestAuth, secret: Self.rfcSecret))
        let accept = try RADIUSPacket.decode(Self.rfcChapAccept)
        let grant = RADIUSAuthorization(RADIUSReply(server: RADIUSServerAddress(host: "192.168.1.3", port: 1812), attributes: accept.attributes))
        #expect(grant.framedIPAddress == .fromPool)
        #expect(grant.framedMTU == 1500)
    }

    @Test func rfc2865ChapExampleCarriesIdentifierThenResponse() throws {
        let p = try RADIUSPacket.decode(Self.rfcChapRequest)
        #expect(p.first(.userName)?.textValue == "flopsy")
        #expect(p.first(.chapPassword)?.value == hex("16 e9 75 57 c3 16 18 58 95 f2 93 ff 63 44 07 72 75"))
    }

    @Test func accessRequestWithMessageAuthenticatorMatchesIndependentHMAC() throws {
        let packet = RADIUSPacket(code: .accessRequest, identifier: 0x2A, attributes: [.text(.userName, "bob")])
        let bytes = try RADIUSSigning.accessRequest(packet, requestAuthenticator: Array(0..<16), secret: Secret("testing123"))
        #expect(bytes == hex("012a002b000102030405060708090a0b0c0d0e0f501228979956e03e2ffa563dad7a07d855a20105626f62"))
        #expect(RADIUSSigning.checkMessageAuthenticator(bytes, basis: .packetAsIs, secret: Secret("testing123")) == .valid)
    }

    @Test func accountingRequestAuthenticatorMatchesIndependentMD5() throws {
        let packet = RADIUSPacket(code: .accountingRequest, identifier: 7,
                                  attributes: [.integer(.acctStatusType, 1), .text(.acctSessionId, "0001"), .integer(.acctDelayTime, 0)])
        let bytes = try RADIUSSigning.hashedRequest(packet, secret: Secret("testing123"))
        #expect(bytes == hex("04070026a681b1bbafce31ec82ee6898bd2f13c92806000000012c0630303031290600000000"))
        #expect(RADIUSSigning.verifyHashedRequest(bytes, secret: Secret("testing123")))
    }

    @Test func signedAcceptMatchesIndependentHMACThenMD5() throws {
        let packet = RADIUSPacket(code: .accessAccept, identifier: 0x2A, attributes: [.text(.replyMessage, "hi")])
        let bytes = try RADIUSSigning.response(packet, requestAuthenticator: Array(0..<16), secret: Secret("testing123"))
        #expect(bytes == hex("022a002abcde075a35844e76138f6884b16b85ba50129224df4d076701afc3da6f863518626212046869"))
        #expect(RADIUSSigning.checkMessageAuthenticator(bytes, basis: .requestAuthenticator(Array(0..<16)), secret: Secret("testing123")) == .valid)
    }

    @Test func messageAuthenticatorWithOneFlippedBitIsInvalid() throws {
        var bytes = hex("022a002abcde075a35844e76138f6884b16b85ba50129224df4d076701afc3da6f863518626212046869")
        bytes[25] ^= 0x01
        #expect(RADIUSSigning.checkMessageAuthenticator(bytes, basis: .requestAuthenticator(Array(0..<16)), secret: Secret("testing123")) == .invalid)
    }

    @Test func twoMessageAuthenticatorsAreInvalid() throws {
        let one = hex("022a002abcde075a35844e76138f6884b16b85ba50129224df4d076701afc3da6f863518626212046869")
        var two = Array(one[0..<38]) + Array(one[20..<38]) + Array(one[38...])
        two[3] = UInt8(two.count)
        #expect(RADIUSSigning.checkMessageAuthenticator(two, basis: .requestAuthenticator(Array(0..<16)), secret: Secret("testing123")) == .invalid)
    }

    @Test func absentMessageAuthenticatorIsReportedAbsent() {
        #expect(RADIUSSigning.checkMessageAuthenticator(Self.rfcAccept, basis: .requestAuthenticator(Array(Self.rfcRequest[4..<20])), secret: Self.rfcSecret) == .absent)
    }

    @Test func roundTripOfEveryCodeAndOpaqueVendorSpecific() throws {
        let vsa = RADIUSAttribute(.vendorSpecific, [0, 0, 0x01, 0x37, 1, 6, 1, 2, 3, 4])
        for code in [RADIUSCode.accessRequest, .accessAccept, .accessReject, .accessChallenge, .accountingRequest,
                     .accountingResponse, .disconnectRequest, .disconnectACK, .disconnectNAK, .coaRequest, .coaACK, .coaNAK] {
            let p = RADIUSPacket(code: code, identifier: 200, authenticator: Array(100..<116),
                                 attributes: [vsa, .text(.replyMessage, "x"), RADIUSAttribute(type: 250, value: [])])
            #expect(try RADIUSPacket.decode(p.encode()) == p)
        }
    }

    @Test func paddingAfterLengthIsIgnored() throws {
        let padded = Self.rfcAccept + [0xAA, 0xBB]
        #expect(try RADIUSPacket.decode(padded) == RADIUSPacket.decode(Self.rfcAccept))
    }

    @Test func shortDatagramIsShorterThanHeader() {
        #expect(throws: RADIUSDecodeError.shorterThanHeader(received: 19)) { try RADIUSPacket.decode(Array(Self.rfcAccept[0..<19])) }
    }

    @Test func lengthFieldBelow20IsOutOfRange() {
        var b = Self.rfcAccept
        b[2] = 0; b[3] = 19
        #expect(throws: RADIUSDecodeError.lengthFieldOutOfRange(19)) { try RADIUSPacket.decode(b) }
    }

    @Test func lengthFieldAbove4096IsOutOfRange() {
        var b = Self.rfcAccept + [UInt8](repeating: 0, count: 4100)
        b[2] = 0x10; b[3] = 0x01
        #expect(throws: RADIUSDecodeError.lengthFieldOutOfRange(4097)) { try RADIUSPacket.decode(b) }
    }

    @Test func lengthFieldBeyondDatagramIsTruncated() {
        var b = Self.rfcAccept
        b[3] = 0x27
        #expect(throws: RADIUSDecodeError.truncated(lengthField: 39, received: 38)) { try RADIUSPacket.decode(b) }
    }

    @Test func attributeHeaderCutByLengthIsTruncated() {
        var b = Self.rfcAccept + [0x12]
        b[3] = 39
        #expect(throws: RADIUSDecodeError.attributeHeaderTruncated(offset: 38)) { try RADIUSPacket.decode(b) }
    }

    @Test func attributeLengthZeroIsTooSmall() {
        var b = Self.rfcAccept
        b[21] = 0
        #expect(throws: RADIUSDecodeError.attributeLengthTooSmall(offset: 20, length: 0)) { try RADIUSPacket.decode(b) }
    }

    @Test func attributeLengthOneIsTooSmall() {
        var b = Self.rfcAccept
        b[27] = 1
        #expect(throws: RADIUSDecodeError.attributeLengthTooSmall(offset: 26, length: 1)) { try RADIUSPacket.decode(b) }
    }

    @Test func attributeRunningPastLengthOverruns() {
        var b = Self.rfcAccept
        b[33] = 7
        #expect(throws: RADIUSDecodeError.attributeOverrunsPacket(offset: 32, length: 7)) { try RADIUSPacket.decode(b) }
    }

    @Test func unknownCodeIsNamed() {
        var b = Self.rfcAccept
        b[0] = 99
        #expect(throws: RADIUSDecodeError.unknownCode(99)) { try RADIUSPacket.decode(b) }
    }

    @Test func attributeOver253OctetsIsNotEncoded() {
        let p = RADIUSPacket(code: .accessRequest, identifier: 1, attributes: [RADIUSAttribute(type: 18, value: [UInt8](repeating: 0x41, count: 254))])
        #expect(throws: RADIUSEncodeError.attributeTooLong(type: 18, length: 254)) { try p.encode() }
    }

    @Test func packetOver4096OctetsIsNotEncoded() {
        let big = (0..<17).map { _ in RADIUSAttribute(type: 18, value: [UInt8](repeating: 0x41, count: 253)) }
        #expect(throws: RADIUSEncodeError.packetTooLong(20 + 17 * 255)) { try RADIUSPacket(code: .accessAccept, identifier: 1, attributes: big).encode() }
    }

    @Test func accountingOctetsSplitIntoGigawords() {
        let record = RADIUSAccountingRecord(statusType: .stop, sessionId: "s", inputOctets: 0x1_0000_0005, outputOctets: 7)
        let a = record.attributes(RADIUSClientConfiguration(authServers: []))
        #expect(a.first(.acctInputOctets)?.integerValue == 5)
        #expect(a.first(.acctInputGigawords)?.integerValue == 1)
        #expect(a.first(.acctOutputOctets)?.integerValue == 7)
        #expect(a.first(.acctOutputGigawords)?.integerValue == 0)
    }

    @Test func chapAccessCarriesTheIssueAttributesInOrder() {
        var config = RADIUSClientConfiguration(authServers: [])
        config.nasIdentifier = "chapd1"
        config.nasIPAddress = 0x7F00_0001
        let access = RADIUSCHAPAccess(userName: Array("alice".utf8), chapIdentifier: 9, challenge: [1, 2, 3], response: [UInt8](repeating: 0xEE, count: 16),
                                      nasPort: 4, nasPortType: .virtual, callingStationId: "10.0.0.9")
        let a = access.attributes(config)
        #expect(a.map(\.type) == [1, 3, 60, 6, 7, 32, 4, 5, 61, 31])
        #expect(a.first(.chapPassword)?.value == [9] + [UInt8](repeating: 0xEE, count: 16))
        #expect(a.first(.nasPortType)?.integerValue == 5)
    }

    @Test func secretNeverPrints() {
        let server = RADIUSServer(address: RADIUSServerAddress(host: "127.0.0.1", port: 1812), secret: Secret("hunter2"))
        #expect("\(server) \(String(reflecting: server.secret))" == "127.0.0.1:1812 <secret redacted>")
    }
}
