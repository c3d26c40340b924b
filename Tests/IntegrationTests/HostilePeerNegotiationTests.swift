import ChapSecrets
import Foundation
import PPPCore
import PPPFraming
import PPPPackets
import Testing

/// The hostile peer that never lets negotiation finish, floods Configure-Requests, or hands
/// chapd its own Challenge back.
extension ChapdProcesses.HostilePeerSuiteTests {
    /// A peer that Naks every Configure-Request, suggesting a fresh magic number each time
    /// (which is never given up on, as loopback detection depends on it): chapd gives up
    /// after lcp-max-failure + lcp-max-configure Naks in a row, with a TermReq and status 10.
    @Test func aPeerThatNaksForeverIsGivenUp() throws {
        let h = try ChapdHarness(secrets: "")
        defer { h.remove() }
        let peer = try ScriptedLinePeer()
        let chapd = try start(h, peer, ["noauth", "lcp-max-failure", "3", "lcp-max-configure", "4"])
        defer { chapd.signal(SIGKILL); _ = chapd.wait(timeout: 5) }
        var requests = 0
        var termination: [UInt8]?
        let deadline = Date().addingTimeInterval(20)
        var magic: UInt32 = 0x0100_0077
        while chapd.isRunning && Date() < deadline && termination == nil {
            for f in peer.read(timeout: 0.2) where f.protocolNumber == 0xc021 {
                switch f.information.first {
                case 1:
                    requests += 1
                    magic &+= 0x0101_0101
                    try peer.sendRaw(0xc021, ControlPacket(code: 3, identifier: f.information[1], data: LCPOption.magicNumber(magic).raw.bytes).bytes)
                case 5:
                    termination = Array(f.information.dropFirst(4))
                    try peer.sendRaw(0xc021, ControlPacket(code: 6, identifier: f.information[1], data: []).bytes)
                default:
                    break
                }
            }
        }
        let outcome = chapd.wait(timeout: 10)
        #expect(requests == 8, "\(outcome)")
        #expect(termination.map { String(decoding: $0, as: UTF8.self) } == "Negotiation not converging", "\(outcome)")
        #expect(outcome.log.contains("LCP: peer Nak'd 8 Config-Requests in a row; giving up"), "\(outcome)")
        #expect(!outcome.log.contains("looped back"), "\(outcome)")
        #expect(outcome.status == 10, "\(outcome)")
    }

    /// A peer that asks for an MRU below 128 however often it is Nak'd: after lcp-max-failure
    /// Naks chapd Rejects the option instead (pppd's rule); once the peer drops it the link opens.
    @Test func naksTurnIntoRejectsAtMaxFailure() throws {
        let h = try ChapdHarness(secrets: "")
        defer { h.remove() }
        let peer = try ScriptedLinePeer()
        let chapd = try start(h, peer, ["noauth", "lcp-max-failure", "3", "10.1.0.1:10.1.0.2"])
        defer { chapd.signal(SIGKILL); _ = chapd.wait(timeout: 5) }
        _ = try #require(peer.awaitFrame(timeout: 10) { $0.protocolNumber == 0xc021 && $0.information.first == 1 })
        let smallMRU = LCPOption.mru(64).raw.bytes + LCPOption.magicNumber(0x5eed_f00d).raw.bytes
        var answers: [UInt8] = []
        for id in 0x30...0x33 as ClosedRange<UInt8> {
            try peer.sendRaw(0xc021, ControlPacket(code: 1, identifier: id, data: smallMRU).bytes)
            let reply = try #require(peer.awaitFrame(timeout: 5) {
                $0.protocolNumber == 0xc021 && [2, 3, 4].contains($0.information.first) && $0.information[1] == id
            }, "\(chapd.log)")
            answers.append(reply.information[0])
            if reply.information[0] == 4 {
                #expect(Array(reply.information.dropFirst(4)) == [1, 4, 0, 64], "\(chapd.log)")
            }
        }
        #expect(answers == [3, 3, 3, 4], "\(chapd.log)")
        peer.forget { _ in true }
        try peer.establish(address: 0x0a01_0002)
        #expect(chapd.waitForLog("remote IP address 10.1.0.2", timeout: 10), "\(chapd.log)")
        #expect(try peer.answersEcho(identifier: 7))
        chapd.signal(SIGTERM)
        #expect(chapd.wait(timeout: 15).status == 5)
    }

    /// 100 000 Configure-Requests while LCP negotiates, none of the answers read: the output
    /// queue stays at its bound (drops logged), memory stays flat, and afterwards the peer
    /// negotiates the link up normally.
    @Test func configureRequestFloodCostsBoundedMemory() throws {
        let h = try ChapdHarness(secrets: "")
        defer { h.remove() }
        let peer = try ScriptedLinePeer()
        let chapd = try start(h, peer, ["noauth", "lcp-restart", "1", "lcp-max-configure", "30", "10.1.0.1:10.1.0.2"])
        defer { chapd.signal(SIGKILL); _ = chapd.wait(timeout: 5) }
        _ = try #require(peer.awaitFrame(timeout: 10) { $0.protocolNumber == 0xc021 && $0.information.first == 1 })
        let before = try #require(residentKiB(of: chapd.pid))
        try peer.flood(100_000, protocolNumber: 0xc021) { n in
            ControlPacket(code: 1, identifier: UInt8(truncatingIfNeeded: n),
                          data: LCPOption.magicNumber(0x5eed_0000 | UInt32(n & 0xffff) | 1).raw.bytes).bytes
        }
        #expect(chapd.waitForLog("line output queue full (65536 octets)", timeout: 30), "\(chapd.log)")
        let peak = peakResidentKiB(of: chapd.pid, from: before)
        #expect(peak - before < 4096, "RSS \(before) KiB before, peak \(peak) KiB")
        // The peer reads again, forgets the flood's answers and negotiates properly.
        _ = peer.read(timeout: 1, quiet: 0.5)
        peer.forget { _ in true }
        try peer.establish(address: 0x0a01_0002)
        #expect(chapd.waitForLog("remote IP address 10.1.0.2", timeout: 10), "\(chapd.log)")
        #expect(try peer.answersEcho(identifier: 8))
        #expect(chapd.isRunning)
        chapd.signal(SIGTERM)
        #expect(chapd.wait(timeout: 15).status == 5)
    }

    /// Two-way CHAP: the peer asks chapd to authenticate too, then sends chapd's own
    /// Challenge (identifier, value and name) back to it, hoping for the answer it must
    /// itself give. chapd (chap-ignoreus, the default) does not answer it.
    @Test func ownChallengeReflectedBackIsNotAnswered() throws {
        let h = try ChapdHarness(secrets: "alice server \"s3cret-alice\" 10.1.0.2\nserver alice \"s3cret-server\"\n")
        defer { h.remove() }
        let peer = try ScriptedLinePeer()
        let chapd = try start(h, peer, ["name", "server", "auth", "require-chap", "chap-restart", "1", "chap-max-challenge", "3",
                                        "10.1.0.1:10.1.0.2"])
        defer { chapd.signal(SIGKILL); _ = chapd.wait(timeout: 5) }
        let request = try #require(peer.awaitFrame(timeout: 10) { $0.protocolNumber == 0xc021 && $0.information.first == 1 })
        let ours = LCPOption.magicNumber(0x5eed_f00d).raw.bytes + [0x03, 0x05, 0xc2, 0x23, 0x05]
        try peer.sendRaw(0xc021, ControlPacket(code: 1, identifier: 1, data: ours).bytes)
        try peer.sendRaw(0xc021, ControlPacket(code: 2, identifier: request.information[1], data: Array(request.information.dropFirst(4))).bytes)
        let ack = peer.awaitFrame(timeout: 5) { $0.protocolNumber == 0xc021 && $0.information.first == 2 && $0.information[1] == 1 }
        #expect(ack != nil, "\(chapd.log)")
        let c = try #require(peer.awaitFrame(timeout: 5) { $0.protocolNumber == 0xc223 && $0.information.first == 1 }, "\(chapd.log)")
        guard case .challenge(let id, let value, let name) = try CHAPPacket(parsing: c.information) else { throw HarnessError("not a Challenge") }
        #expect(name == Array("server".utf8))
        try peer.send(0xc223, CHAPPacket.challenge(identifier: id, value: value, name: name).bytes)
        // chapd goes on challenging, gets no answer, and ends the link; it never answered.
        let outcome = chapd.wait(timeout: 15)
        _ = peer.read(timeout: 0.5)
        #expect(!peer.received.contains { $0.protocolNumber == 0xc223 && $0.information.first == 2 }, "\(outcome)")
        #expect(outcome.log.contains("Ignoring CHAP Challenge id=0x\(String(id, radix: 16)) carrying our own name server (possible reflection attack)"),
                "\(outcome)")
        #expect(outcome.log.contains("Peer failed to respond to CHAP challenge"), "\(outcome)")
        #expect(outcome.status == 11, "\(outcome)")
    }
}
