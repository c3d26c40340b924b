import ChapdControl
import Foundation
import PPPFraming
import PPPPackets
import Testing

/// `chapd serve`: one process serving a TCP listener and pty lines, steered with chapctl
/// and watched through its metrics; real single-link chapd processes are the peers.
extension ChapdProcesses {
@Suite("chapd serve")
struct ServerTests {
    static let peers = 100
    /// A peer chapd's status when the server ends the link: the TermReq, then the server
    /// closes the socket (a hang-up, 16) before the peer's own Stopping wait is over.
    static let peerStatusAfterServerTermination: Int32 = 16

    static var secrets: String {
        var s = "# client   server   secret\n"
        for i in 1...peers { s += "user\(i) server \"secret-\(i)\" *\n" }
        s += "line1 server \"secret-line1\" *\nline2 server \"secret-line2\" *\n"
        s += "fixed server \"secret-fixed\" 10.64.0.200\n"
        return s
    }

    /// A peer: chapd with `notty` on `fd`, authenticating as `name`.
    static func peer(_ h: ChapdHarness, _ name: String, password: String, fd: CInt) throws -> ChapdHarness.Running {
        try h.launch(["notty", "name", name, "user", name, "remotename", "server", "noauth", "noipdefault",
                      "password", password] + h.baseOptions(), tag: name, stdin: fd, stdout: fd)
    }

    /// `chapctl show sessions --json`: the rows.
    func sessions(_ control: String) throws -> [SessionRow] {
        let run = try ServerSupport.chapctl(["show", "sessions", "--json", "--socket", control])
        return try JSONDecoder().decode([SessionRow].self, from: Data(run.stdout.utf8))
    }

    /// `chapctl show stat --json`: the counters.
    func serverStat(_ control: String) throws -> ServerStat {
        let run = try ServerSupport.chapctl(["show", "stat", "--json", "--socket", control])
        return try JSONDecoder().decode(ServerStat.self, from: Data(run.stdout.utf8))
    }

    @Test func servesManyPeersAndIsSteeredByChapctl() throws {
        let h = try ChapdHarness(secrets: Self.secrets)
        defer { h.remove() }
        let port = try ServerSupport.freePort()
        let metricsPort = try ServerSupport.freePort()
        let control = h.directory.appendingPathComponent("control").path
        let line1 = try ServerSupport.PtyLine(), line2 = try ServerSupport.PtyLine()
        let server = try h.launch(["serve", "listen", "tcp:127.0.0.1:\(port)", "line", line1.slavePath, "line", line2.slavePath,
                                   "local", "remote-pool", "10.64.0.0/24", "control-socket", control,
                                   "metrics-listen", "127.0.0.1:\(metricsPort)", "name", "server", "auth", "require-chap",
                                   "10.0.0.1:"] + h.baseOptions(), tag: "server")
        defer { server.signal(SIGKILL) }
        #expect(server.waitForLog("serving", timeout: 20), "\(server.log)")

        // 100 TCP peers at once, two on the lines, one with a wrong secret.
        var running: [String: ChapdHarness.Running] = [:]
        var sockets: [CInt] = []
        defer { sockets.forEach { close($0) } }
        for i in 1...Self.peers {
            let fd = try ServerSupport.connect(port: port)
            sockets.append(fd)
            running["user\(i)"] = try Self.peer(h, "user\(i)", password: "secret-\(i)", fd: fd)
        }
        running["line1"] = try Self.peer(h, "line1", password: "secret-line1", fd: line1.master)
        running["line2"] = try Self.peer(h, "line2", password: "secret-line2", fd: line2.master)
        let wrongFD = try ServerSupport.connect(port: port)
        sockets.append(wrongFD)
        let wrong = try Self.peer(h, "user1", password: "not-the-secret", fd: wrongFD)

        var addresses: [String: String] = [:]
        for (name, peer) in running {
            #expect(peer.waitForLog("local  IP address 10.64.0.", timeout: 60), "\(name): \(peer.log)")
            if let r = peer.log.range(of: "local  IP address ") {
                addresses[name] = String(peer.log[r.upperBound...].prefix { $0 != "\n" })
            }
        }
        #expect(addresses.count == Self.peers + 2)
        #expect(Set(addresses.values).count == Self.peers + 2, "addresses are not distinct: \(addresses)")
        // The wrong secret fails its own link only (status 19: it could not authenticate to the server).
        let w = wrong.wait(timeout: 30)
        #expect(w.status == 19, "\(w)")

        // show sessions: every peer, in the network phase, with its address; the lines by name.
        let rows = try sessions(control)
        #expect(rows.count == Self.peers + 2, "\(rows)")
        #expect(rows.filter { $0.phase == "network" }.count == Self.peers + 2)
        for row in rows { #expect(row.remoteAddress == addresses[row.peer], "\(row)") }
        let lineRow = rows.first { $0.peer == "line1" }
        #expect(lineRow?.line == String(line1.slavePath.dropFirst(5)), "\(String(describing: lineRow))")

        // A peer killed mid-link: its address goes back and it leaves show sessions.
        running["user7"]!.signal(SIGKILL)
        _ = running["user7"]!.wait(timeout: 5)
        close(sockets[6])
        var gone = false
        for _ in 0..<100 where !gone {
            gone = try !sessions(control).contains { $0.peer == "user7" }
            if !gone { usleep(100_000) }
        }
        #expect(gone)
        #expect(server.waitForLog("Modem hangup", timeout: 5))

        // terminate --peer ends exactly that link: the peer logs the server's TermReq. It
        // exits 16: the server closes the connection once the TermAck is in, while the peer
        // still waits out its Stopping time, as pppd does on a line that hangs up then.
        let t = try ServerSupport.chapctl(["terminate", "--peer", "user5", "--socket", control])
        #expect(t.status == 0, "\(t)")
        let ended = running["user5"]!.wait(timeout: 20)
        #expect(ended.status == Self.peerStatusAfterServerTermination, "\(ended)")
        #expect(ended.log.contains("rcvd [LCP TermReq"), "\(ended)")
        #expect(ended.log.contains("Terminated by operator"), "\(ended)")
        usleep(300_000)
        let after = try sessions(control)
        #expect(after.count == Self.peers, "\(after)")

        // A served line is served again after its link: a new caller on line1.
        let l1 = try ServerSupport.chapctl(["terminate", "--peer", "line1", "--socket", control])
        #expect(l1.status == 0, "\(l1)")
        // On a line the server does not hang up (local): the peer ends by its own timer, 0.
        #expect(running["line1"]!.wait(timeout: 20).status == 0)
        let again = try Self.peer(h, "line1", password: "secret-line1", fd: line1.master)
        #expect(again.waitForLog("local  IP address 10.64.0.", timeout: 30), "\(again.log)\n--- server:\n\(server.log.suffix(3000))")
        running["line1"] = again

        // The metrics agree with show stat.
        let stat: ServerStat? = try serverStat(control)
        let metrics = try ServerSupport.httpGet(port: metricsPort, path: "/metrics")
        #expect(stat?.handshakesOK == Self.peers + 3, "\(String(describing: stat))")
        #expect(ServerSupport.sample(metrics, #"chapd_handshakes_total{outcome="ok"}"#) == Double(stat?.handshakesOK ?? -1), "\(metrics)")
        #expect(stat?.handshakesFailed["wrong-response"] == 1, "\(String(describing: stat))")
        #expect(ServerSupport.sample(metrics, #"chapd_handshakes_total{outcome="failed",reason="wrong-response"}"#) == 1, "\(metrics)")
        // 102 links less user5 and user7; line1's second link replaced its first.
        #expect(stat?.linksByPhase["network"] == Self.peers)
        #expect(ServerSupport.sample(metrics, #"chapd_links{phase="network"}"#) == Double(Self.peers), "\(metrics)")
        // A /24 has 254 usable addresses (the local 10.0.0.1 is outside it); each link holds one.
        #expect(stat?.poolFree == 254 - Self.peers)
        #expect(ServerSupport.sample(metrics, "chapd_pool_addresses_free") == Double(254 - Self.peers), "\(metrics)")
        #expect(metrics.contains("chapd_chap_authentication_seconds_bucket"), "\(metrics)")

        // SIGTERM: every link ends politely (each peer logs the TermReq) and chapd exits 0.
        server.signal(SIGTERM)
        let s = server.wait(timeout: 30)
        #expect(s.status == 0, "\(s.log.suffix(3000))")
        for (name, peer) in running where name != "user5" && name != "user7" {
            let o = peer.wait(timeout: 20)
            #expect(o.log.contains("\"User request\""), "\(name): \(o)")
        }
        #expect(!FileManager.default.fileExists(atPath: control))
    }

    @Test func limitsRefuseTheExcessAtOnce() throws {
        let h = try ChapdHarness(secrets: Self.secrets)
        defer { h.remove() }
        let port = try ServerSupport.freePort()
        let control = h.directory.appendingPathComponent("control").path
        let captures = h.directory.appendingPathComponent("link-%i.pcap").path
        let server = try h.launch(["serve", "listen", "tcp:127.0.0.1:\(port)", "max-links", "2", "control-socket", control,
                                   "record", captures,
                                   "name", "server", "auth", "require-chap", "remote-pool", "10.64.0.0/30",
                                   "10.0.0.1:"] + h.baseOptions(), tag: "server")
        defer { server.signal(SIGKILL) }
        #expect(server.waitForLog("serving", timeout: 20), "\(server.log)")
        var fds: [CInt] = []
        defer { fds.forEach { close($0) } }
        var peers: [ChapdHarness.Running] = []
        for i in 1...2 {
            let fd = try ServerSupport.connect(port: port)
            fds.append(fd)
            peers.append(try Self.peer(h, "user\(i)", password: "secret-\(i)", fd: fd))
        }
        for p in peers { #expect(p.waitForLog("local  IP address 10.64.0.", timeout: 30), "\(p.log)") }
        // A third caller: closed at once, counted, logged.
        let third = try ServerSupport.connect(port: port)
        fds.append(third)
        var byte: UInt8 = 0
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(third, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        #expect(read(third, &byte, 1) == 0)
        let stat: ServerStat? = try serverStat(control)
        #expect(stat?.connectionsRefused["max-links"] == 1, "\(String(describing: stat))")
        #expect(server.waitForLog("Refused connection from tcp 127.0.0.1:", timeout: 5), "\(server.log)")
        // The /30 pool has two addresses, both held: terminate one link and its address is free again.
        #expect(stat?.poolFree == 0)
        #expect(try ServerSupport.chapctl(["terminate", "--all", "--socket", control]).status == 0)
        for p in peers { #expect(p.wait(timeout: 20).status == Self.peerStatusAfterServerTermination) }
        usleep(300_000)
        let later: ServerStat? = try serverStat(control)
        #expect(later?.poolFree == 2, "\(String(describing: later))")
        // `record` with %i: one capture per link, readable by its owner only.
        for id in 1...2 {
            let path = captures.replacingOccurrences(of: "%i", with: String(id))
            let mode = (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? nil
            #expect(mode == 0o600, "\(path)")
        }
        server.signal(SIGTERM)
        #expect(server.wait(timeout: 20).status == 0)
    }

    @Test func sighupStartsNewListenersAndEndsRemovedOnes() throws {
        let h = try ChapdHarness(secrets: Self.secrets)
        defer { h.remove() }
        let a = h.directory.appendingPathComponent("a.sock").path
        let b = h.directory.appendingPathComponent("b.sock").path
        let conf = h.directory.appendingPathComponent("chapd.conf").path
        // The server's own words from OPTIONSDIR/chapd.conf, as a packaged server keeps them.
        try "listen unix:\(a)\nremote-pool 10.64.0.0/24\n".write(toFile: conf, atomically: true, encoding: .utf8)
        let control = h.directory.appendingPathComponent("control").path
        let server = try h.launch(["serve", "control-socket", control, "name", "server", "auth", "require-chap", "10.0.0.1:"]
                                  + h.baseOptions(), tag: "server")
        defer { server.signal(SIGKILL) }
        #expect(server.waitForLog("serving unix:\(a)", timeout: 20), "\(server.log)")
        let fd1 = try ServerSupport.connect(unixPath: a)
        defer { close(fd1) }
        let first = try Self.peer(h, "user1", password: "secret-1", fd: fd1)
        #expect(first.waitForLog("local  IP address 10.64.0.1", timeout: 30), "\(first.log)")
        #expect(server.log.contains("[unix] Peer user1 authenticated with CHAP"), "\(server.log)")

        try "listen unix:\(b)\nremote-pool 10.64.0.0/24\n".write(toFile: conf, atomically: true, encoding: .utf8)
        server.signal(SIGHUP)
        #expect(server.waitForLog("Stopped listening on unix:\(a)", timeout: 10), "\(server.log)")
        #expect(server.log.contains("Listening on unix:\(b)"))
        // The removed listener's link ends politely; the new listener serves.
        let o = first.wait(timeout: 20)
        #expect(o.log.contains("rcvd [LCP TermReq"), "\(o)")
        #expect(o.log.contains("Listener removed"), "\(o)")
        let fd2 = try ServerSupport.connect(unixPath: b)
        defer { close(fd2) }
        let second = try Self.peer(h, "user2", password: "secret-2", fd: fd2)
        #expect(second.waitForLog("local  IP address 10.64.0.2", timeout: 30), "\(second.log)")
        #expect(try serverStat(control).secretsReloads == 1)
        server.signal(SIGTERM)
        #expect(server.wait(timeout: 20).status == 0)
    }

    /// One peer floods as fast as loopback carries it: garbage (bad-FCS frames) against a
    /// small octet budget, or valid LCP Configure-Requests, never reading the answers,
    /// against the default control-packet budget. Its reads pause each second, and ten
    /// honest peers still authenticate in the meantime.
    @Test(arguments: ["garbage", "confreq"])
    func aFloodingLinkSpendsOnlyItsOwnBudget(kind: String) throws {
        let h = try ChapdHarness(secrets: Self.secrets)
        defer { h.remove() }
        let port = try ServerSupport.freePort()
        let control = h.directory.appendingPathComponent("control").path
        var options = h.baseOptions()
        options.removeAll { $0 == "debug" }  // ten thousand "discarded" lines would be the test's own cost
        let budget = kind == "garbage" ? ["link-input-limit", "65536"] : []
        let server = try h.launch(["serve", "listen", "tcp:127.0.0.1:\(port)", "control-socket", control,
                                   "name", "server", "auth", "require-chap", "remote-pool", "10.64.0.0/24", "10.0.0.1:"]
                                  + budget + options, tag: "server")
        defer { server.signal(SIGKILL) }
        #expect(server.waitForLog("serving", timeout: 20), "\(server.log)")
        let flood = try ServerSupport.connect(port: port)
        defer { close(flood) }
        var junk: [UInt8] = []
        if kind == "garbage" {
            junk = [UInt8](repeating: 0x41, count: 65536)
            for i in stride(from: 0, to: junk.count, by: 97) { junk[i] = 0x7e }
        } else {
            let encoder = HDLCEncoder()
            for n in 0..<4096 {
                let request = ControlPacket(code: 1, identifier: UInt8(truncatingIfNeeded: n),
                                            data: LCPOption.magicNumber(0x5eed_0001 | UInt32(n) << 1).raw.bytes)
                junk += encoder.encode(PPPFrame(protocolNumber: 0xc021, information: request.bytes), lineIdle: false)
            }
        }
        let stop = FloodFlag()
        let chunk = junk
        let flooder = Thread {
            while !stop.isSet {
                if chunk.withUnsafeBytes({ write(flood, $0.baseAddress, $0.count) }) < 0 && errno != EINTR { break }
            }
        }
        flooder.start()
        defer { stop.set() }
        usleep(500_000)
        var fds: [CInt] = []
        defer { fds.forEach { close($0) } }
        var peers: [ChapdHarness.Running] = []
        for i in 1...10 {
            let fd = try ServerSupport.connect(port: port)
            fds.append(fd)
            peers.append(try Self.peer(h, "user\(i)", password: "secret-\(i)", fd: fd))
        }
        for p in peers { #expect(p.waitForLog("local  IP address 10.64.0.", timeout: 30), "\(p.log)") }
        let stat = try serverStat(control)
        #expect((stat.framesDropped["input-paused"] ?? 0) >= 1, "\(stat)")
        if kind == "garbage" {
            #expect((stat.framesDropped["too-short"] ?? 0) + (stat.framesDropped["bad-fcs"] ?? 0) + (stat.framesDropped["bad-header"] ?? 0) >= 1, "\(stat)")
        } else {
            #expect((stat.framesDropped["control-limit"] ?? 0) >= 1, "\(stat)")
        }
        stop.set()
        server.signal(SIGTERM)
        #expect(server.wait(timeout: 30).status == 0)
    }

    /// Each link gets its own TUN interface: the server in one namespace, two peers each in
    /// their own, joined over a unix listener (a filesystem path crosses namespaces); each
    /// peer pings the server's shared local address through its own link, and the ip-up hook
    /// sees that link's facts.
    @Test func eachLinkHasItsOwnInterface() throws {
        try NetworkNamespace.requirePrivileges()
        let h = try ChapdHarness(secrets: Self.secrets)
        defer { h.remove() }
        let nsServer = try NetworkNamespace("serve")
        let nsPeers = [try NetworkNamespace("peer1"), try NetworkNamespace("peer2")]
        let hookOut = h.directory.appendingPathComponent("ip-up.out").path
        let hook = h.directory.appendingPathComponent("ip-up").path
        try "#!/bin/sh\necho \"$IFNAME $DEVICE $PEERNAME $IPREMOTE\" >> \(hookOut)\n".write(toFile: hook, atomically: true, encoding: .utf8)
        chmod(hook, 0o755)
        let socketPath = h.directory.appendingPathComponent("ppp.sock").path
        let control = h.directory.appendingPathComponent("control").path
        let withDataPlane = h.baseOptions().filter { $0 != "nodataplane" }
        let server = try h.launch(["serve", "listen", "unix:\(socketPath)", "control-socket", control, "name", "server", "auth",
                                   "require-chap", "remote-pool", "10.64.0.0/24", "10.0.0.1:"] + withDataPlane,
                                  tag: "server", prefix: nsServer.exec)
        defer { server.signal(SIGKILL) }
        #expect(server.waitForLog("serving", timeout: 20), "\(server.log)")
        var fds: [CInt] = []
        defer { fds.forEach { close($0) } }
        var peers: [ChapdHarness.Running] = []
        for (i, ns) in nsPeers.enumerated() {
            let fd = try ServerSupport.connect(unixPath: socketPath)
            fds.append(fd)
            peers.append(try h.launch(["notty", "name", "user\(i + 1)", "user", "user\(i + 1)", "remotename", "server", "noauth",
                                       "noipdefault", "password", "secret-\(i + 1)"] + withDataPlane,
                                      tag: "user\(i + 1)", stdin: fd, stdout: fd, prefix: ns.exec))
            // One at a time, so the pool's order is the peers' order.
            #expect(peers[i].waitForLog("local  IP address 10.64.0.\(i + 1)", timeout: 30), "\(peers[i].log)")
        }
        #expect(server.waitForLog("Using interface chapd1", timeout: 5), "\(server.log)")
        for ns in nsPeers {
            let ping = try ns.run(["ping", "-c", "3", "-i", "0.2", "-W", "5", "10.0.0.1"], check: false)
            #expect(ping.status == 0, "\(ping.output)")
            #expect(ping.output.contains("3 received"), "\(ping.output)")
        }
        let links = try nsServer.run(["ip", "-o", "-4", "addr", "show"]).output
        #expect(links.contains("inet 10.0.0.1 peer 10.64.0.1/32"), "\(links)")
        #expect(links.contains("inet 10.0.0.1 peer 10.64.0.2/32"), "\(links)")
        let rows = try sessions(control)
        #expect(Set(rows.compactMap(\.interface)) == ["chapd0", "chapd1"], "\(rows)")
        #expect(rows.allSatisfy { $0.octetsIn > 0 && $0.packetsOut > 0 }, "\(rows)")
        server.signal(SIGTERM)
        #expect(server.wait(timeout: 30).status == 0)
        let hooks = (try? String(contentsOfFile: hookOut, encoding: .utf8)) ?? ""
        // The peers share the options directory and run the hook too (DEVICE notty); the server's lines:
        #expect(hooks.split(separator: "\n").filter { $0.contains(" unix ") }.sorted()
                == ["chapd0 unix user1 10.64.0.1", "chapd1 unix user2 10.64.0.2"], "\(hooks)")
        // The interfaces went with their links.
        let after = try nsServer.run(["ip", "-o", "link", "show"]).output
        #expect(!after.contains("chapd"), "\(after)")
    }

    /// `max-connection-rate 2`: a source's third connection within the second is closed at
    /// once and counted; a changed chap-secrets is picked up without a signal.
    @Test func connectionRateAndSecretsReadOnChange() throws {
        let h = try ChapdHarness(secrets: Self.secrets)
        defer { h.remove() }
        let port = try ServerSupport.freePort()
        let control = h.directory.appendingPathComponent("control").path
        let server = try h.launch(["serve", "listen", "tcp:127.0.0.1:\(port)", "max-connection-rate", "2", "control-socket", control,
                                   "name", "server", "auth", "require-chap", "remote-pool", "10.64.0.0/24", "10.0.0.1:"]
                                  + h.baseOptions(), tag: "server")
        defer { server.signal(SIGKILL) }
        #expect(server.waitForLog("serving", timeout: 20), "\(server.log)")
        var fds: [CInt] = []
        defer { fds.forEach { close($0) } }
        for _ in 0..<3 { fds.append(try ServerSupport.connect(port: port)) }
        var byte: UInt8 = 0
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fds[2], SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        #expect(read(fds[2], &byte, 1) == 0)
        #expect(try serverStat(control).connectionsRefused == ["rate": 1])

        // A new secret for user1, written while the server runs: the next caller needs it.
        try "user1 server \"changed-secret\" *\n".write(toFile: h.secretsPath, atomically: true, encoding: .utf8)
        chmod(h.secretsPath, 0o600)
        #expect(server.waitForLog("Re-read secrets file", timeout: 10), "\(server.log)")
        sleep(1)  // the rate limit's second is over
        let fd = try ServerSupport.connect(port: port)
        fds.append(fd)
        let peer = try Self.peer(h, "user1", password: "changed-secret", fd: fd)
        #expect(peer.waitForLog("local  IP address 10.64.0.", timeout: 30), "\(peer.log)")
        #expect(try serverStat(control).secretsReloads == 1)
        server.signal(SIGTERM)
        #expect(server.wait(timeout: 20).status == 0)
    }

    @Test func chapctlSaysWhenChapdIsNotRunning() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("no-chapd-\(UUID().uuidString)").path
        let r = try ServerSupport.chapctl(["show", "sessions", "--socket", path])
        #expect(r.status == 1)
        #expect(r.stderr == "chapctl: chapd is not running (no control socket at \(path))\n")
    }
}
}

/// Tells the flooding thread to stop.
final class FloodFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    func set() { lock.lock(); value = true; lock.unlock() }
}
