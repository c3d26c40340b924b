import Testing
@testable import PPPPackets

@Suite struct LCPAgreementTrackerTests {
    let lcp: UInt16 = 0xc021
    let clientReq = bytes("02 06 00 00 00 00 05 06 11 22 33 44 07 02 08 02")   // asyncmap 0, magic, pcomp, accomp
    let serverReq = bytes("01 04 05 dc 02 06 00 0a 00 00")                     // mru 1500, asyncmap 0xa0000

    @Test func opensAfterBothAcksAndReportsPerDirection() {
        var t = LCPAgreementTracker()
        do { let r = t.observe(from: .remote, protocolNumber: lcp, information: packet(1, 1, serverReq)); #expect(!r) }
        do { let r = t.observe(from: .local, protocolNumber: lcp, information: packet(1, 1, clientReq)); #expect(!r) }
        do { let r = t.observe(from: .remote, protocolNumber: lcp, information: packet(2, 1, clientReq)); #expect(!r) }
        #expect(t.settings(forFramesFrom: .remote) == nil)
        do { let r = t.observe(from: .local, protocolNumber: lcp, information: packet(2, 1, serverReq)); #expect(r) }
        #expect(t.isOpened)
        // The server Acked the client's options, so the server's frames follow them.
        let fromServer = t.settings(forFramesFrom: .remote)
        #expect(fromServer?.accm == 0 && fromServer?.protocolCompression == true && fromServer?.addressControlCompression == true)
        let fromClient = t.settings(forFramesFrom: .local)
        #expect(fromClient?.accm == 0x000a_0000 && fromClient?.protocolCompression == false && fromClient?.mru == 1500)
    }

    @Test func renegotiationAndTerminationCloseIt() {
        var t = LCPAgreementTracker()
        t.observe(from: .remote, protocolNumber: lcp, information: packet(2, 1, clientReq))
        t.observe(from: .local, protocolNumber: lcp, information: packet(2, 1, serverReq))
        #expect(t.isOpened)
        t.observe(from: .local, protocolNumber: lcp, information: packet(1, 2, clientReq))
        #expect(!t.isOpened)
        // Only the client's side needs a fresh Ack.
        do { let r = t.observe(from: .remote, protocolNumber: lcp, information: packet(2, 2, clientReq)); #expect(r) }
        t.observe(from: .remote, protocolNumber: lcp, information: packet(5, 3, []))
        #expect(!t.isOpened && t.settings(forFramesFrom: .local) == nil)
    }

    @Test func ignoresOtherProtocolsAndMalformedAcks() {
        var t = LCPAgreementTracker()
        do { let r = t.observe(from: .remote, protocolNumber: 0x8021, information: packet(2, 1, [])); #expect(!r) }
        do { let r = t.observe(from: .remote, protocolNumber: lcp, information: packet(2, 1, bytes("07 01"))); #expect(!r) }
        do { let r = t.observe(from: .local, protocolNumber: lcp, information: bytes("02 01")); #expect(!r) }
        do { let r = t.observe(from: .local, protocolNumber: lcp, information: packet(2, 1, [])); #expect(!r) }
        #expect(!t.isOpened)
    }
}
