import Foundation
import PPPFraming
import PPPPackets
import Testing

/// chapd against a scripted peer on a pty that misbehaves on purpose.
extension ChapdProcesses {
@Suite("chapd against a hostile peer")
struct HostilePeerTests {
    func startChapd(_ h: ChapdHarness, on peer: ScriptedLinePeer, _ extra: [String] = []) throws -> ChapdHarness.Running {
        let chapd = try h.launch(
            [peer.slavePath, "115200", "local", "noauth", "nodetach", "logfd", "2", "nodataplane", "optionsdir", h.directory.path,
             "10.1.0.1:10.1.0.2"] + extra, tag: "chapd")
        return chapd
    }

    /// Issue 8, defect 5: a peer that floods Echo-Requests and never reads the replies.
    /// chapd's queued output stays bounded (what does not fit is dropped and counted) and
    /// the link answers again once the peer reads.
    @Test func peerThatStopsReadingCostsBoundedMemory() throws {
        let h = try ChapdHarness(secrets: "")
        defer { h.remove() }
        let peer = try ScriptedLinePeer()
        let chapd = try startChapd(h, on: peer)
        defer { chapd.signal(SIGKILL); _ = chapd.wait(timeout: 5) }
        try peer.establish(address: 0x0a01_0002)
        #expect(chapd.waitForLog("remote IP address 10.1.0.2", timeout: 10), "\(chapd.log)")
        _ = peer.read(timeout: 0.5, quiet: 0.3)
        let before = try #require(residentKiB(of: chapd.pid))

        // 100 000 Echo-Requests, none of the replies read.
        var burst: [UInt8] = []
        let encoder = HDLCEncoder(config: .init(accm: 0))
        for n in 0..<100_000 {
            burst += encoder.encode(PPPFrame(protocolNumber: 0xc021,
                                             information: ScriptedLinePeer.echoRequest(identifier: UInt8(truncatingIfNeeded: n), data: Array(repeating: 0x55, count: 64))),
                                    lineIdle: false)
            if burst.count > 1 << 16 {
                try peer.write(burst, timeout: 60)
                burst.removeAll(keepingCapacity: true)
            }
        }
        try peer.write(burst, timeout: 60)
        #expect(chapd.waitForLog("line output queue full (65536 octets)", timeout: 30), "\(chapd.log)")
        // Let chapd finish the input it has.
        var peak = before
        for _ in 0..<20 {
            usleep(100_000)
            peak = max(peak, residentKiB(of: chapd.pid) ?? peak)
        }
        // The old unbounded queue grew by about 19 MiB here.
        #expect(peak - before < 4096, "RSS \(before) KiB before, peak \(peak) KiB")

        // The peer reads again: the queue drains and the link still answers.
        _ = peer.read(timeout: 1, quiet: 0.5)
        try peer.send(0xc021, ScriptedLinePeer.echoRequest(identifier: 0x42, data: [1, 2, 3]))
        let reply = peer.awaitFrame(timeout: 5) {
            $0.protocolNumber == 0xc021 && $0.information.count >= 2 && $0.information[0] == 10 && $0.information[1] == 0x42
        }
        #expect(reply != nil, "\(chapd.log)")
        #expect(chapd.waitForLog("line output was blocked:", timeout: 5), "\(chapd.log)")
        #expect(chapd.isRunning)
        let after = try #require(residentKiB(of: chapd.pid))
        #expect(after - before < 2048, "RSS \(before) KiB before, \(after) KiB after draining")

        chapd.signal(SIGTERM)
        let outcome = chapd.wait(timeout: 15)
        #expect(outcome.status == 5, "\(outcome)")
    }

    /// Issue 8, defect 3 end to end: a frame with an invalid protocol number (0x1234, even
    /// low octet) passes the framing and gets a Protocol-Reject in the network phase.
    @Test func invalidProtocolNumberIsRejectedOnALiveLink() throws {
        let h = try ChapdHarness(secrets: "")
        defer { h.remove() }
        let peer = try ScriptedLinePeer()
        let chapd = try startChapd(h, on: peer, ["debug"])
        defer { chapd.signal(SIGKILL); _ = chapd.wait(timeout: 5) }
        try peer.establish(address: 0x0a01_0002)
        #expect(chapd.waitForLog("remote IP address 10.1.0.2", timeout: 10), "\(chapd.log)")
        try peer.send(0x1234, [0xde, 0xad])
        let reject = peer.awaitFrame(timeout: 5) { $0.protocolNumber == 0xc021 && $0.information.first == 8 }
        #expect(reject.map { Array($0.information[4...]) } == [0x12, 0x34, 0xde, 0xad], "\(chapd.log)")
        chapd.signal(SIGTERM)
        #expect(chapd.wait(timeout: 15).status == 5)
    }
}
}
