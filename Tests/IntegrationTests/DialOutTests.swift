import Foundation
import Testing

/// Dialling out as Debian's peers/provider does: chapd opens a pty slave as its modem line,
/// the shipped chat script dials a modem the test plays on the master (AT → OK, ATD… →
/// CONNECT), and the same pty then carries PPP to a second chapd acting as the ISP.
extension ChapdProcesses {
@Suite("chapd dialling out with chat, persist and usepeerdns")
struct DialOutTests {
    static let secrets = """
        # client   server   secret              addresses
        alice      isp      "s3cret-alice"      10.9.0.2
        """

    /// The ISP: requires CHAP, gives alice 10.9.0.2 and two name servers.
    static let isp = ["name", "isp", "auth", "require-chap", "10.9.0.1:10.9.0.2",
                      "ms-dns", "192.0.2.53", "ms-dns", "192.0.2.54"]

    /// The sample etc/ppp/peers/dialout with the shipped chat script's real path, and an
    /// options directory holding it.
    static func installSample(in h: ChapdHarness) throws {
        let root = ChapdHarness.packageRoot
        let peers = h.directory.appendingPathComponent("peers")
        try FileManager.default.createDirectory(at: peers, withIntermediateDirectories: true)
        let chat = root.appendingPathComponent("etc/chatscripts/dialout").path
        let text = try String(contentsOf: root.appendingPathComponent("etc/ppp/peers/dialout"), encoding: .utf8)
            .replacingOccurrences(of: "/etc/chatscripts/dialout", with: chat)
        try text.write(to: peers.appendingPathComponent("dialout"), atomically: true, encoding: .utf8)
    }

    /// The dialler: the sample peers file, then the test's line (a later device word wins)
    /// and a fast holdoff. `local`/`nolock`/`nocrtscts`: a pty has no modem lines.
    static func dialler(_ h: ChapdHarness, modem: ScriptedLinePeer, _ extra: [String]) throws -> ChapdHarness.Running {
        try h.launch(h.baseOptions() + ["call", "dialout", modem.slavePath, "local", "nolock", "nocrtscts",
                                        "holdoff", "1"] + extra, tag: "dialler")
    }

    /// Plays the modem until it is asked to dial: answers each `AT…` command with OK and
    /// `ATD…` with CONNECT. Returns the commands it was given.
    static func answerDial(_ modem: ScriptedLinePeer, timeout: Double = 20) throws -> [String] {
        var commands: [String] = []
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var p = pollfd(fd: modem.master, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 100) > 0 else { continue }
            let n = buffer.withUnsafeMutableBytes { read(modem.master, $0.baseAddress, $0.count) }
            guard n > 0 else { continue }
            pending += buffer[0..<n]
            while let cr = pending.firstIndex(of: 0x0d) {
                let line = pending[..<cr]
                pending.removeSubrange(...cr)
                // Whatever the last link left on the line (PPP frames) is not a command.
                guard let at = line.lastIndex(of: UInt8(ascii: "A")), line[at...].starts(with: Array("AT".utf8)),
                      line[at...].allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) else { continue }
                let command = String(decoding: line[at...], as: UTF8.self)
                commands.append(command)
                if command.hasPrefix("ATD") {
                    try modem.write(Array("\r\nCONNECT 115200\r\n".utf8))
                    return commands
                }
                try modem.write(Array("\r\nOK\r\n".utf8))
            }
        }
        throw HarnessError("the dialler never dialled; commands so far: \(commands)")
    }

    /// Answers the call: the ISP's chapd runs on the modem's master as `notty`, with an
    /// options directory of its own (its hooks and files are not the dialler's).
    static func startISP(_ h: ChapdHarness, modem: ScriptedLinePeer, _ extra: [String] = []) throws -> ChapdHarness.Running {
        let dir = h.directory.appendingPathComponent("isp")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return try h.launch(["notty", "optionsdir", dir.path, "chap-secrets", h.secretsPath, "debug", "nodetach",
                             "logfd", "2", "nodataplane"] + isp + extra,
                            tag: "isp", stdin: modem.master, stdout: modem.master)
    }

    static func count(_ text: String, in log: String) -> Int { log.components(separatedBy: text).count - 1 }

    @Test func dialsWithChatGetsPeerDNSAndRunsDisconnect() throws {
        let h = try ChapdHarness(secrets: Self.secrets)
        defer { h.remove() }
        try Self.installSample(in: h)
        let modem = try ScriptedLinePeer()
        let order = h.directory.appendingPathComponent("order").path
        let up = h.directory.appendingPathComponent("ip-up").path
        try "#!/bin/sh\necho \"ip-up DNS1=$DNS1 DNS2=$DNS2 USEPEERDNS=$USEPEERDNS\" >> \(order)\n"
            .write(toFile: up, atomically: true, encoding: .utf8)
        chmod(up, 0o755)
        // The shipped chat script, then a note that connect finished.
        let chat = ChapdHarness.packageRoot.appendingPathComponent("etc/chatscripts/dialout").path
        let dialler = try Self.dialler(h, modem: modem, [
            "nopersist", "connect", "/usr/sbin/chat -v -f \(chat) -T 5551234 && echo connect >> \(order)",
            "welcome", "echo welcome >> \(order)", "disconnect", "echo disconnect >> \(order)",
        ])
        let commands = try Self.answerDial(modem)
        #expect(commands == ["ATZ", "ATDT5551234"])
        let isp = try Self.startISP(h, modem: modem)
        #expect(dialler.waitForLog("secondary DNS address 192.0.2.54", timeout: 20), "\(dialler.log)\n--- isp:\n\(isp.log)")
        #expect(dialler.log.contains("Serial connection established."), "\(dialler.log)")
        #expect(dialler.log.contains("local  IP address 10.9.0.2"), "\(dialler.log)")
        #expect(dialler.log.contains("primary   DNS address 192.0.2.53"), "\(dialler.log)")
        usleep(500_000)
        let resolv = try String(contentsOfFile: h.directory.appendingPathComponent("resolv.conf").path, encoding: .utf8)
        #expect(resolv == "nameserver 192.0.2.53\nnameserver 192.0.2.54\n")

        dialler.signal(SIGTERM)
        let d = dialler.wait(timeout: 15)
        _ = isp.wait(timeout: 15)
        #expect(d.status == 5, "\(d)")
        #expect(d.log.contains("Serial link disconnected."), "\(d)")
        // The chat script and the secret stay out of the log.
        #expect(!d.log.contains("5551234") && !d.log.contains("s3cret-alice"), "\(d)")
        let steps = try String(contentsOfFile: order, encoding: .utf8)
        #expect(steps == "connect\nwelcome\nip-up DNS1=192.0.2.53 DNS2=192.0.2.54 USEPEERDNS=1\ndisconnect\n", "\(steps)\n\(d)")
    }

    @Test func persistRedialsAfterEachHangUpByTheISP() throws {
        let h = try ChapdHarness(secrets: Self.secrets)
        defer { h.remove() }
        try Self.installSample(in: h)
        let modem = try ScriptedLinePeer()
        let dialler = try Self.dialler(h, modem: modem, [])
        for round in 1...4 {
            _ = try Self.answerDial(modem)
            let isp = try Self.startISP(h, modem: modem)
            let deadline = Date().addingTimeInterval(20)
            while Self.count("local  IP address 10.9.0.2", in: dialler.log) < round && Date() < deadline {
                usleep(50_000)
            }
            let upAgain = Self.count("local  IP address 10.9.0.2", in: dialler.log) == round
            #expect(upAgain, "round \(round), dialler running: \(dialler.isRunning)\n\(dialler.log)\n--- isp:\n\(isp.log)")
            guard upAgain else { break }
            if round == 4 { break }
            // The ISP hangs up: it ends the link (LCP TermReq) and its end of the call goes away.
            isp.signal(SIGTERM)
            let i = isp.wait(timeout: 15)
            #expect(i.status == 5, "\(i)")
        }
        #expect(Self.count("Serial connection established.", in: dialler.log) == 4, "\(dialler.log)")
        #expect(Self.count("Waiting 1 s before redialling (holdoff)", in: dialler.log) == 3, "\(dialler.log)")
        #expect(dialler.isRunning, "\(dialler.wait(timeout: 0))")
        dialler.signal(SIGTERM)
        let d = dialler.wait(timeout: 15)
        #expect(d.status == 5, "\(d)")
    }

    /// pppd: SIGHUP ends the link and, with persist, redials at once (no holdoff).
    @Test func sighupHangsUpAndRedialsAtOnce() throws {
        let h = try ChapdHarness(secrets: Self.secrets)
        defer { h.remove() }
        try Self.installSample(in: h)
        let modem = try ScriptedLinePeer()
        let dialler = try Self.dialler(h, modem: modem, ["holdoff", "30", "lcp-restart", "1"])
        _ = try Self.answerDial(modem)
        let first = try Self.startISP(h, modem: modem)
        #expect(dialler.waitForLog("local  IP address 10.9.0.2", timeout: 20), "\(dialler.log)\n--- isp:\n\(first.log)")
        // The test's modem cannot tell the ISP's end of the call from the next dialogue, so
        // the ISP goes first: the dialler's Terminate-Requests then go unanswered (2 s).
        first.signal(SIGKILL)
        _ = first.wait(timeout: 15)
        dialler.signal(SIGHUP)
        // Well inside the 30 s holdoff: the modem is asked to dial again.
        let commands = try? Self.answerDial(modem, timeout: 10)
        #expect(commands == ["ATZ", "ATDT5551234"], "\(dialler.log)\n--- isp:\n\(first.log)")
        guard commands != nil else { return }
        let second = try Self.startISP(h, modem: modem)
        let deadline = Date().addingTimeInterval(20)
        while Self.count("local  IP address 10.9.0.2", in: dialler.log) < 2 && Date() < deadline { usleep(50_000) }
        #expect(Self.count("local  IP address 10.9.0.2", in: dialler.log) == 2, "\(dialler.log)\n--- isp:\n\(second.log)")
        #expect(dialler.log.contains("Hangup (SIGHUP)"), "\(dialler.log)")
        #expect(!dialler.log.contains("before redialling (holdoff)"), "\(dialler.log)")
        dialler.signal(SIGTERM)
        let d = dialler.wait(timeout: 15)
        _ = second.wait(timeout: 15)
        #expect(d.status == 5, "\(d)")
    }

    @Test func maxfailStopsAfterTwoRefusedAttemptsWithPppdsStatus() throws {
        let h = try ChapdHarness(secrets: Self.secrets)
        defer { h.remove() }
        try Self.installSample(in: h)
        let modem = try ScriptedLinePeer()
        // The ISP never accepts the secret alice offers.
        let dialler = try Self.dialler(h, modem: modem, ["maxfail", "2", "password", "not-the-secret"])
        for _ in 1...2 {
            _ = try Self.answerDial(modem)
            let isp = try Self.startISP(h, modem: modem)
            let i = isp.wait(timeout: 30)
            #expect(i.status == 11, "\(i)")
        }
        let d = dialler.wait(timeout: 30)
        #expect(d.status == 19, "\(d)")
        #expect(Self.count("Serial connection established.", in: d.log) == 2, "\(d)")
        #expect(d.log.contains("Giving up after 2 failed attempts (maxfail 2)"), "\(d)")
        #expect(!d.log.contains("not-the-secret"), "\(d)")
    }

    @Test func failingConnectScriptExits8() throws {
        let h = try ChapdHarness(secrets: Self.secrets)
        defer { h.remove() }
        try Self.installSample(in: h)
        let modem = try ScriptedLinePeer()
        let dialler = try Self.dialler(h, modem: modem, ["nopersist", "connect", "exit 3"])
        let d = dialler.wait(timeout: 20)
        #expect(d.status == 8, "\(d)")
        #expect(d.log.contains("Connect script failed"), "\(d)")
    }
}
}
