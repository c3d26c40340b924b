import ChapSecrets
import Foundation
import PPPCore
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
        try peer.flood(100_000, protocolNumber: 0xc021, encoder: HDLCEncoder(config: .init(accm: 0))) { n in
            ScriptedLinePeer.echoRequest(identifier: UInt8(truncatingIfNeeded: n), data: Array(repeating: 0x55, count: 64))
        }
        #expect(chapd.waitForLog("line output queue full (65536 octets)", timeout: 30), "\(chapd.log)")
        // Let chapd finish the input it has.
        let peak = peakResidentKiB(of: chapd.pid, from: before)
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

extension ChapdProcesses {
@Suite("chapd against a hostile peer: framing, lengths, negotiation, CHAP")
struct HostilePeerSuiteTests {
    func start(_ h: ChapdHarness, _ peer: ScriptedLinePeer, _ extra: [String]) throws -> ChapdHarness.Running {
        try h.launch([peer.slavePath, "115200", "local", "nodetach", "logfd", "2", "nodataplane", "debug",
                      "optionsdir", h.directory.path, "chap-secrets", h.secretsPath] + extra, tag: "chapd")
    }

    /// A chapd (noauth, debug) on a pty with the scripted peer up to IPCP Opened; after
    /// `body`, SIGTERM must end it with status 5.
    func withEstablishedLink(_ body: (ScriptedLinePeer, ChapdHarness.Running) throws -> Void) throws {
        let h = try ChapdHarness(secrets: "")
        defer { h.remove() }
        let peer = try ScriptedLinePeer()
        let chapd = try start(h, peer, ["noauth", "10.1.0.1:10.1.0.2"])
        defer { chapd.signal(SIGKILL); _ = chapd.wait(timeout: 5) }
        try peer.establish(address: 0x0a01_0002)
        #expect(chapd.waitForLog("remote IP address 10.1.0.2", timeout: 10), "\(chapd.log)")
        try body(peer, chapd)
        chapd.signal(SIGTERM)
        #expect(chapd.wait(timeout: 15).status == 5)
    }

    /// Garbage between and inside frames, bad FCS, aborts, lone escapes, a frame over the MRU
    /// and a megabyte without a flag: every one discarded and counted, memory bounded, and
    /// the link still answers an Echo-Request.
    @Test func brokenFramingIsDiscardedAndCounted() throws {
        try withEstablishedLink { peer, chapd in
            #expect(try peer.answersEcho(identifier: 1))
            let before = try #require(residentKiB(of: chapd.pid))

            var rng = SeededRandom(seed: 99)
            var garbage = [UInt8]()
            for _ in 0..<20_000 { garbage.append(UInt8.random(in: 0...255, using: &rng)) }
            try peer.write([0x7e] + garbage + [0x7e])                                // random frames, bad FCS
            try peer.write([0x7e, 0xff, 0x03, 0xc0, 0x21, 0x7d, 0x7e])               // aborted frame
            try peer.write([0x7e, 0x7d, 0x7e, 0x7d, 0x7d, 0x7d, 0x7e])               // lone escapes
            try peer.sendRaw(0xc021, ScriptedLinePeer.echoRequest(identifier: 2, data: [UInt8](repeating: 0x41, count: 3000)))  // over the MRU
            try peer.write([UInt8](repeating: 0x41, count: 1 << 20) + [0x7e])        // a megabyte without a flag
            #expect(try peer.answersEcho(identifier: 3, timeout: 10), "\(chapd.log)")
            #expect(chapd.log.contains("frame(s) with bad FCS"), "\(chapd.log)")
            #expect(chapd.log.contains("malformed frame(s)"), "\(chapd.log)")
            // The oversize Echo-Request was never answered.
            #expect(!peer.received.contains { $0.protocolNumber == 0xc021 && $0.information.first == 10 && $0.information[1] == 2 })
            let after = try #require(residentKiB(of: chapd.pid))
            #expect(after - before < 4096, "RSS \(before) KiB before, \(after) KiB after")
        }
    }

    /// Valid-FCS packets whose length fields lie: zero, shorter than the header, longer than
    /// the data, 0xffff are discarded; shorter than the data is padding (RFC 1661 §5) and the
    /// packet is answered.
    @Test func lyingLengthFieldsAreDiscardedPaddingIsNot() throws {
        try withEstablishedLink { peer, chapd in
            let body: [UInt8] = [0x5e, 0xed, 0xf0, 0x0d, 1, 2, 3, 4]
            for (id, length) in [(0x10, 0), (0x11, 3), (0x12, 40), (0x13, 0xffff)] as [(UInt8, Int)] {
                try peer.sendRaw(0xc021, [9, id, UInt8(length >> 8), UInt8(length & 0xff)] + body)
        }
        // Length 8: the last four octets are padding; the reply carries none of them.
        try peer.sendRaw(0xc021, [9, 0x14, 0, 8] + body)
        let padded = peer.awaitFrame(timeout: 5) { $0.protocolNumber == 0xc021 && $0.information.first == 10 && $0.information[1] == 0x14 }
        #expect(padded.map { Array($0.information[2..<4]) } == [0, 8])
        #expect(try peer.answersEcho(identifier: 0x15))
        #expect(!peer.received.contains { $0.protocolNumber == 0xc021 && $0.information.first == 10 && (0x10...0x13).contains($0.information[1]) })
        #expect(chapd.log.components(separatedBy: "discarded malformed LCP packet").count - 1 == 4, "\(chapd.log)")
        }
    }

    /// Options of length 0 and 1, and one overrunning the packet: chapd rejects from the bad
    /// option to the end (pppd's "bad CI length") and negotiation goes on.
    @Test func malformedOptionsAreRejected() throws {
        let h = try ChapdHarness(secrets: "")
        defer { h.remove() }
        let peer = try ScriptedLinePeer()
        let chapd = try start(h, peer, ["noauth", "10.1.0.1:10.1.0.2"])
        defer { chapd.signal(SIGKILL); _ = chapd.wait(timeout: 5) }
        // chapd has the line (input before it opened the line is flushed, as by pppd).
        _ = try #require(peer.awaitFrame(timeout: 10) { $0.protocolNumber == 0xc021 && $0.information.first == 1 })
        for (id, options) in [(0x21, [0x05, 0x00]), (0x22, [0x05, 0x01]), (0x23, [0x05, 0x06, 0x01, 0x02])] as [(UInt8, [UInt8])] {
            try peer.sendRaw(0xc021, ControlPacket(code: 1, identifier: id, data: options).bytes)
            let reply = peer.awaitFrame(timeout: 5) { $0.protocolNumber == 0xc021 && $0.information.count > 1 && $0.information[1] == id }
            #expect(reply.map { Array($0.information.prefix(2)) + Array($0.information.dropFirst(4)) } == [4, id] + options, "\(chapd.log)")
        }
        try peer.establish(address: 0x0a01_0002)
        #expect(chapd.waitForLog("remote IP address 10.1.0.2", timeout: 10), "\(chapd.log)")
        chapd.signal(SIGTERM)
        #expect(chapd.wait(timeout: 15).status == 5)
    }

    /// A peer that rejects what chapd never sent, for ever: each bad Reject is discarded and
    /// chapd gives up after lcp-max-configure requests, with pppd's message and status 10.
    @Test func aPeerThatNeverAgreesRunsIntoMaxConfigure() throws {
        let h = try ChapdHarness(secrets: "")
        defer { h.remove() }
        let peer = try ScriptedLinePeer()
        let chapd = try start(h, peer, ["noauth", "lcp-restart", "1", "lcp-max-configure", "3"])
        var requests = 0
        let deadline = Date().addingTimeInterval(15)
        while chapd.isRunning && Date() < deadline {
            for f in peer.read(timeout: 0.2) where f.protocolNumber == 0xc021 && f.information.first == 1 {
                requests += 1
                try peer.sendRaw(0xc021, ControlPacket(code: 4, identifier: f.information[1], data: [0x99, 0x02]).bytes)
            }
        }
        let outcome = chapd.wait(timeout: 5)
        #expect(outcome.status == 10, "\(outcome)")
        #expect(outcome.log.contains("LCP: timeout sending Config-Requests"), "\(outcome)")
        #expect(requests == 3, "\(outcome)")
        #expect(outcome.log.components(separatedBy: "LCP: Received bad configure-rej").count - 1 == 3, "\(outcome)")
    }

    /// CHAP abuse against the authenticator: a Success before any Response, a Response with a
    /// stale identifier, a 255-octet name with a short value, an empty name, then the right
    /// answer and its replay. Each gets exactly pppd's treatment.
    @Test func chapAbuseGetsExactlyTheRightAnswers() throws {
        let h = try ChapdHarness(secrets: "alice server \"s3cret-alice\" 10.1.0.2\n")
        defer { h.remove() }
        let peer = try ScriptedLinePeer()
        let chapd = try start(h, peer, ["name", "server", "auth", "require-chap", "max-bad-auth", "5", "10.1.0.1:10.1.0.2"])
        defer { chapd.signal(SIGKILL); _ = chapd.wait(timeout: 5) }
        try peer.openLCP()
        /// The next Challenge with an identifier not seen before (retransmissions are skipped).
        var seen = Set<UInt8>()
        func challenge() throws -> (UInt8, [UInt8]) {
            let f = try #require(peer.awaitFrame(timeout: 8) {
                $0.protocolNumber == 0xc223 && $0.information.first == 1 && !seen.contains($0.information[1])
            })
            guard case .challenge(let id, let value, _) = try CHAPPacket(parsing: f.information) else { throw HarnessError("not a Challenge") }
            seen.insert(id)
            return (id, value)
        }
        func answer(_ id: UInt8, _ value: [UInt8], name: [UInt8] = Array("alice".utf8), secret: String = "s3cret-alice") -> [UInt8] {
            CHAPPacket.response(identifier: id, value: CHAPMD5Digest().makeResponse(identifier: id, secret: Secret(secret), challenge: value),
                                name: name).bytes
        }
        /// The Success (3) or Failure (4) chapd sends for `id` from now on.
        func verdict(_ id: UInt8) -> UInt8? {
            defer { peer.forget { $0.protocolNumber == 0xc223 && [3, 4].contains($0.information.first) } }
            return peer.awaitFrame(timeout: 3) { $0.protocolNumber == 0xc223 && [3, 4].contains($0.information.first) && $0.information[1] == id }?.information.first
        }
        var (id, value) = try challenge()
        // A Success before any Response: chapd is not authenticating itself here; dropped.
        try peer.send(0xc223, CHAPPacket.success(identifier: id, message: []).bytes)
        // A stale identifier: no answer at all.
        try peer.send(0xc223, answer(id &- 1, value))
        #expect(verdict(id &- 1) == nil)
        // A 255-octet name and a 15-octet value: Failure, and (max-bad-auth) a new Challenge.
        try peer.send(0xc223, CHAPPacket.response(identifier: id, value: [UInt8](repeating: 1, count: 15),
                                                  name: [UInt8](repeating: 0x61, count: 255)).bytes)
        #expect(verdict(id) == 4)
        (id, value) = try challenge()
        // An empty name: no secret for it, Failure.
        try peer.send(0xc223, answer(id, value, name: []))
        #expect(verdict(id) == 4)
        (id, value) = try challenge()
        // The right answer, then its replay: the same Success again, not a second check.
        try peer.send(0xc223, answer(id, value))
        #expect(verdict(id) == 3)
        try peer.send(0xc223, answer(id, value))
        #expect(verdict(id) == 3)
        try peer.openIPCP(address: 0x0a01_0002)
        #expect(chapd.waitForLog("remote IP address 10.1.0.2", timeout: 10), "\(chapd.log)")
        #expect(chapd.log.components(separatedBy: "failed CHAP authentication").count - 1 == 2, "\(chapd.log)")
        // pppd's %q of an empty name is nothing at all.
        #expect(chapd.log.contains("No CHAP secret found for authenticating \n"), "\(chapd.log)")
        #expect(chapd.log.contains("Peer alice authenticated with CHAP"), "\(chapd.log)")
        #expect(try peer.answersEcho(identifier: 9))
        chapd.signal(SIGTERM)
        #expect(chapd.wait(timeout: 15).status == 5)
    }

    /// LCP renegotiation to dodge re-authentication, end to end: after the peer renegotiates
    /// LCP, chapd challenges again and runs no IPCP until it is answered.
    @Test func renegotiatingLCPDoesNotSkipAuthentication() throws {
        let h = try ChapdHarness(secrets: "alice server \"s3cret-alice\" 10.1.0.2\n")
        defer { h.remove() }
        let peer = try ScriptedLinePeer()
        let chapd = try start(h, peer, ["name", "server", "auth", "require-chap", "chap-restart", "1", "chap-max-challenge", "3",
                                        "10.1.0.1:10.1.0.2"])
        defer { chapd.signal(SIGKILL); _ = chapd.wait(timeout: 5) }
        try peer.openLCP()
        let c = try #require(peer.awaitFrame(timeout: 5) { $0.protocolNumber == 0xc223 && $0.information.first == 1 })
        guard case .challenge(let id, let value, _) = try CHAPPacket(parsing: c.information) else { throw HarnessError("not a Challenge") }
        try peer.send(0xc223, CHAPPacket.response(identifier: id, value: CHAPMD5Digest().makeResponse(
            identifier: id, secret: Secret("s3cret-alice"), challenge: value), name: Array("alice".utf8)).bytes)
        try peer.openIPCP(address: 0x0a01_0002)
        #expect(chapd.waitForLog("remote IP address 10.1.0.2", timeout: 10), "\(chapd.log)")
        // Renegotiate LCP and never answer a Challenge again.
        peer.forget { _ in true }
        try peer.openLCP(renegotiate: true)
        let outcome = chapd.wait(timeout: 20)
        #expect(outcome.status == 11, "\(outcome)")
        #expect(outcome.log.contains("Peer failed to respond to CHAP challenge"), "\(outcome)")
        // After the renegotiation no IPCP request went out.
        #expect(!peer.received.contains { $0.protocolNumber == 0x8021 && $0.information.first == 1 }, "\(outcome)")
    }
}
}
