import Foundation
import Testing

/// IP over the link (issue "Carry IP"): two chapd processes on a pty pair, each with its TUN
/// interface in a network namespace the test creates. Traffic goes only between those
/// namespaces. Needs root and /dev/net/tun: without them these tests fail and say so.
extension ChapdProcesses {
@Suite("the data plane: IP between two chapd, each in its own network namespace")
struct DataPlaneTests {
    static let server = ChapdProcesses.PtyPairTests.server
    static let alice = ChapdProcesses.PtyPairTests.alice

    /// The harness's options with the data plane on.
    static func withDataPlane(_ h: ChapdHarness) -> [String] {
        h.baseOptions().filter { $0 != "nodataplane" }
    }

    /// A TCP receiver and sender in Python: `bytes` octets of a seeded stream, and the
    /// SHA-256 of what each side saw.
    static let transferScript = """
        import hashlib, random, socket, sys
        mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
        if mode == "recv":
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((host, port)); s.listen(1); s.settimeout(60)
            c, _ = s.accept(); c.settimeout(60); h = hashlib.sha256(); n = 0
            while True:
                d = c.recv(1 << 16)
                if not d: break
                h.update(d); n += len(d)
            print(n, h.hexdigest())
        else:
            total = int(sys.argv[4]); rng = random.Random(7); h = hashlib.sha256(); n = 0
            c = socket.create_connection((host, port), timeout=30)
            while n < total:
                d = rng.randbytes(min(1 << 16, total - n)); c.sendall(d); h.update(d); n += len(d)
            c.shutdown(socket.SHUT_WR); c.recv(1); print(n, h.hexdigest())
        """

    @Test func pingBothWaysBulkTransferAndInterfacesGoWithTheLink() throws {
        try NetworkNamespace.requirePrivileges()
        let h = try ChapdHarness(secrets: ChapdProcesses.PtyPairTests.secrets)
        defer { h.remove() }
        let nsServer = try NetworkNamespace("srv")
        let nsAlice = try NetworkNamespace("alice")
        // ip-up must see the interface already addressed; IFNAME is the real name.
        let hookOut = h.directory.appendingPathComponent("ip-up.out").path
        let hook = h.directory.appendingPathComponent("ip-up").path
        try "#!/bin/sh\necho \"ip-up $1 IFNAME=$IFNAME $4 $5 $(ip -o -4 addr show dev $IFNAME | grep -c \"inet $4 peer $5/32\")\" >> \(hookOut)\n"
            .write(toFile: hook, atomically: true, encoding: .utf8)
        chmod(hook, 0o755)
        let script = h.directory.appendingPathComponent("transfer.py").path
        try Self.transferScript.write(toFile: script, atomically: true, encoding: .utf8)

        let (srv, cli) = try h.startPair(device: Self.server, stdio: Self.alice,
                                         deviceNamespace: nsServer, stdioNamespace: nsAlice, base: Self.withDataPlane(h))
        #expect(srv.waitForLog("remote IP address 10.1.0.2", timeout: 20), "\(srv.log)")
        #expect(cli.waitForLog("local  IP address 10.1.0.2", timeout: 5), "\(cli.log)")
        #expect(srv.waitForLog("Using interface chapd0", timeout: 5), "\(srv.log)")
        #expect(cli.waitForLog("Using interface chapd0", timeout: 5), "\(cli.log)")

        let pingOut = try nsServer.run(["ping", "-c", "5", "-i", "0.2", "-W", "3", "10.1.0.2"], check: false)
        #expect(pingOut.output.contains("5 packets transmitted, 5 received, 0% packet loss"), "\(pingOut.output)\n\(srv.log)")
        let pingBack = try nsAlice.run(["ping", "-c", "5", "-i", "0.2", "-W", "3", "10.1.0.1"], check: false)
        #expect(pingBack.output.contains("5 packets transmitted, 5 received, 0% packet loss"), "\(pingBack.output)")

        // 100 MiB from alice's namespace to the server's, checksummed at both ends.
        let size = 100 << 20
        let receiver = Process()
        receiver.executableURL = URL(fileURLWithPath: nsServer.exec[0])
        receiver.arguments = Array(nsServer.exec.dropFirst()) + ["python3", script, "recv", "10.1.0.1", "5201"]
        let receiverOut = Pipe()
        receiver.standardOutput = receiverOut
        try receiver.run()
        usleep(500_000)
        let sent = try nsAlice.run(["python3", script, "send", "10.1.0.1", "5201", String(size)], timeout: 600)
        receiver.waitUntilExit()
        let received = String(decoding: receiverOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let sentLine = sent.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(sentLine.hasPrefix("\(size) "), "\(sent.output)")
        #expect(received.trimmingCharacters(in: .whitespacesAndNewlines) == sentLine, "received \(received), sent \(sent.output)")

        let hooks = (try? String(contentsOfFile: hookOut, encoding: .utf8)) ?? ""
        #expect(hooks.contains("ip-up chapd0 IFNAME=chapd0 10.1.0.1 10.1.0.2 1"), "\(hooks)")
        #expect(hooks.contains("ip-up chapd0 IFNAME=chapd0 10.1.0.2 10.1.0.1 1"), "\(hooks)")

        srv.signal(SIGTERM)
        let s = srv.wait(timeout: 15)
        let c = cli.wait(timeout: 15)
        #expect(s.status == 5, "\(s)")
        #expect(c.status == 16, "\(c)")
        #expect(s.log.contains("Sent "), "\(s)")
        // The interfaces went with their links.
        for ns in [nsServer, nsAlice] {
            let links = try ns.run(["ip", "-o", "link", "show"])
            #expect(!links.output.contains("chapd0"), "\(links.output)")
        }
    }

    @Test func ipv6LinkLocalPingBothWays() throws {
        try NetworkNamespace.requirePrivileges()
        let h = try ChapdHarness(secrets: ChapdProcesses.PtyPairTests.secrets)
        defer { h.remove() }
        let nsServer = try NetworkNamespace("srv6")
        let nsAlice = try NetworkNamespace("alice6")
        let hookOut = h.directory.appendingPathComponent("ipv6-up.out").path
        let hook = h.directory.appendingPathComponent("ipv6-up").path
        try "#!/bin/sh\necho \"ipv6-up $1 $4 $5 LLLOCAL=$LLLOCAL\" >> \(hookOut)\n".write(toFile: hook, atomically: true, encoding: .utf8)
        chmod(hook, 0o755)
        let (srv, cli) = try h.startPair(device: Self.server + ["ipv6", "::1,::2"], stdio: Self.alice + ["+ipv6"],
                                         deviceNamespace: nsServer, stdioNamespace: nsAlice, base: Self.withDataPlane(h))
        #expect(srv.waitForLog("remote LL address fe80::0000:0000:0000:0002", timeout: 20), "\(srv.log)")
        #expect(cli.waitForLog("local  LL address fe80::0000:0000:0000:0002", timeout: 5), "\(cli.log)")
        // IPv4 came up beside it.
        #expect(srv.waitForLog("remote IP address 10.1.0.2", timeout: 5), "\(srv.log)")
        // Only the link-local address IPV6CP agreed (no kernel-made one); DAD takes a moment.
        let addresses = try nsServer.run(["ip", "-6", "-o", "addr", "show", "dev", "chapd0"])
        #expect(addresses.output.contains("inet6 fe80::1/64"), "\(addresses.output)")
        #expect(addresses.output.components(separatedBy: "inet6").count == 2, "\(addresses.output)")
        usleep(2_500_000)
        let ping = try nsServer.run(["ping", "-6", "-c", "5", "-i", "0.2", "-W", "3", "fe80::2%chapd0"], check: false)
        #expect(ping.output.contains("5 packets transmitted, 5 received, 0% packet loss"), "\(ping.output)\n\(srv.log)")
        let back = try nsAlice.run(["ping", "-6", "-c", "5", "-i", "0.2", "-W", "3", "fe80::1%chapd0"], check: false)
        #expect(back.output.contains("5 packets transmitted, 5 received, 0% packet loss"), "\(back.output)")
        let hooks = (try? String(contentsOfFile: hookOut, encoding: .utf8)) ?? ""
        #expect(hooks.contains("ipv6-up chapd0 fe80::0000:0000:0000:0001 fe80::0000:0000:0000:0002 LLLOCAL=fe80::0000:0000:0000:0001"), "\(hooks)")
        srv.signal(SIGTERM)
        #expect(srv.wait(timeout: 15).status == 5)
        #expect(cli.wait(timeout: 15).status == 16)
    }

    @Test func noInterfaceCapabilityIsRefusedAtStartUpWithTheRemedy() throws {
        try NetworkNamespace.requirePrivileges()
        let h = try ChapdHarness(secrets: "")
        defer { h.remove() }
        // The same process without CAP_NET_ADMIN.
        let r = try h.launch(["/dev/ptmx", "noauth"] + Self.withDataPlane(h), tag: "nocap",
                             prefix: ["/usr/bin/setpriv", "--bounding-set=-net_admin", "--inh-caps=-net_admin"]).wait(timeout: 10)
        #expect(r.status == 1, "\(r)")
        #expect(r.log.contains("Couldn't create TUN interface chapd%d: Operation not permitted; creating a network interface needs CAP_NET_ADMIN: run chapd as root or grant it that capability, or run with nodataplane"), "\(r)")
        // nodataplane runs without it (and gets as far as the line).
        let plain = try h.launch(["/dev/does-not-exist", "noauth"] + h.baseOptions(), tag: "nodataplane",
                                 prefix: ["/usr/bin/setpriv", "--bounding-set=-net_admin", "--inh-caps=-net_admin"]).wait(timeout: 10)
        #expect(plain.status == 7, "\(plain)")
    }
}
}
