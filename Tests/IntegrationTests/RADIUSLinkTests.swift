import ChapdControl
import FreeRADIUSSupport
import Foundation
import Testing

/// chapd with `plugin radius.so` against a real FreeRADIUS the test starts, a chapd client
/// on the other end of a pty pair: the verdict, the attributes and the accounting come from
/// and go to FreeRADIUS.
extension ChapdProcesses {
@Suite("chapd authenticating and accounting through FreeRADIUS")
struct RADIUSLinkTests {
    static let extraUsers = """
        carol Cleartext-Password := "carolpw-secret"
              Reply-Message = "Hi carol"

        dave Cleartext-Password := "davepw-secret"
              Idle-Timeout = 2

        """

    /// radiusclient.conf and servers, pppd plugin style, for this FreeRADIUS.
    static func clientConfiguration(_ server: FreeRADIUS, in h: ChapdHarness) throws -> String {
        let d = h.directory
        try """
            authserver 127.0.0.1:\(server.authPort)
            acctserver 127.0.0.1:\(server.acctPort)
            servers \(d.path)/servers
            radius_timeout 2
            radius_retries 2
            nas-identifier chapd-it

            """.write(to: d.appendingPathComponent("radiusclient.conf"), atomically: true, encoding: .utf8)
        let servers = d.appendingPathComponent("servers").path
        try "127.0.0.1 \(FreeRADIUS.secret)\n".write(toFile: servers, atomically: true, encoding: .utf8)
        chmod(servers, 0o600)
        return d.appendingPathComponent("radiusclient.conf").path
    }

    static func server(_ conf: String, _ extra: [String] = []) -> [String] {
        ["name", "server", "auth", "require-chap", "plugin", "/usr/lib/pppd/2.4.9/radius.so", "radius-config-file", conf,
         "10.1.0.1:"] + extra
    }

    static func client(_ user: String, _ password: String) -> [String] {
        ["name", user, "user", user, "password", password, "remotename", "server", "noauth", "noipdefault"]
    }

    @Test func acceptGivesFramedAddressReplyMessageAndSessionTimeoutWithAccounting() throws {
        let radius = try FreeRADIUS(extraUsers: Self.extraUsers)
        defer { radius.remove() }
        let h = try ChapdHarness(secrets: "")
        defer { h.remove() }
        let conf = try Self.clientConfiguration(radius, in: h)
        let (srv, cli) = try h.startPair(device: Self.server(conf), stdio: Self.client("alice", "alicepw"))
        #expect(srv.waitForLog("remote IP address 10.1.2.3", timeout: 20), "\(srv.log)\n\(radius.log)")
        #expect(cli.waitForLog("CHAP authentication succeeded: Hello, alice", timeout: 5), "\(cli.log)")
        #expect(cli.waitForLog("local  IP address 10.1.2.3", timeout: 5), "\(cli.log)")
        // Session-Timeout = 5 in the users file.
        let s = srv.wait(timeout: 20)
        _ = cli.wait(timeout: 20)
        #expect(s.status == 13, "\(s)")
        #expect(s.log.contains("Session timeout: connect time expired"), "\(s)")
        #expect(s.log.contains("RADIUS: accounting session "), "\(s)")
        let detail = radius.detail
        #expect(detail.contains("Acct-Status-Type = Start"), "\(detail)")
        #expect(detail.contains("Acct-Status-Type = Stop"), "\(detail)")
        #expect(detail.contains("Acct-Terminate-Cause = Session-Timeout"), "\(detail)")
        #expect(detail.contains("Class = 0x636c6173732d616c696365"), "\(detail)")
        #expect(detail.contains("Framed-IP-Address = 10.1.2.3"), "\(detail)")
        #expect(detail.contains("NAS-Identifier = \"chapd-it\""), "\(detail)")
        #expect(!s.log.contains(FreeRADIUS.secret) && !s.log.contains("alicepw"))
    }

    /// Idle-Timeout = 2 and no IP crossing (`nodataplane`, nothing sent): the link ends for
    /// lack of activity, status 12, and accounting says Idle-Timeout.
    @Test func idleTimeoutEndsAQuietLink() throws {
        let radius = try FreeRADIUS(extraUsers: Self.extraUsers)
        defer { radius.remove() }
        let h = try ChapdHarness(secrets: "")
        defer { h.remove() }
        let conf = try Self.clientConfiguration(radius, in: h)
        let (srv, cli) = try h.startPair(device: Self.server(conf, ["10.1.0.1:10.1.0.9"]), stdio: Self.client("dave", "davepw-secret"))
        let s = srv.wait(timeout: 30)
        _ = cli.wait(timeout: 20)
        #expect(s.log.contains("Peer dave authenticated with CHAP"), "\(s)")
        #expect(s.log.contains("Terminating connection due to lack of activity."), "\(s)")
        #expect(s.status == 12, "\(s)")
        #expect(radius.detail.contains("Acct-Terminate-Cause = Idle-Timeout"), "\(radius.detail)")
    }

    /// chapd serve with RADIUS: a TCP caller is authenticated by FreeRADIUS, its Framed-IP
    /// wins over the pool, Calling-Station-Id is the caller's address, and `show sessions`
    /// shows the Acct-Session-Id that accounting used.
    @Test func serveAuthenticatesTCPCallersThroughFreeRADIUS() throws {
        let radius = try FreeRADIUS(extraUsers: Self.extraUsers)
        defer { radius.remove() }
        let h = try ChapdHarness(secrets: "")
        defer { h.remove() }
        let conf = try Self.clientConfiguration(radius, in: h)
        let port = try ServerSupport.freePort()
        let control = h.directory.appendingPathComponent("control").path
        let server = try h.launch(["serve", "listen", "tcp:127.0.0.1:\(port)", "control-socket", control, "remote-pool", "10.64.0.0/24"]
                                  + Self.server(conf) + h.baseOptions(), tag: "server")
        defer { server.signal(SIGKILL) }
        #expect(server.waitForLog("serving", timeout: 20), "\(server.log)")
        var fds: [CInt] = []
        defer { fds.forEach { close($0) } }
        var peers: [ChapdHarness.Running] = []
        for (user, password) in [("alice", "alicepw"), ("carol", "carolpw-secret")] {
            let fd = try ServerSupport.connect(port: port)
            fds.append(fd)
            peers.append(try h.launch(["notty"] + Self.client(user, password) + h.baseOptions(), tag: user, stdin: fd, stdout: fd))
        }
        #expect(peers[0].waitForLog("local  IP address 10.1.2.3", timeout: 30), "\(peers[0].log)")
        #expect(peers[1].waitForLog("local  IP address 10.64.0.1", timeout: 30), "\(peers[1].log)")
        #expect(peers[1].log.contains("CHAP authentication succeeded: Hi carol"), "\(peers[1].log)")
        #expect(server.waitForLog("accounting Start for session", timeout: 10), "\(server.log)")
        let run = try ServerSupport.chapctl(["show", "sessions", "--json", "--socket", control])
        let rows = try JSONDecoder().decode([SessionRow].self, from: Data(run.stdout.utf8))
        let ids = rows.compactMap(\.acctSessionId)
        #expect(ids.count == 2, "\(rows)")
        server.signal(SIGTERM)
        #expect(server.wait(timeout: 30).status == 0)
        let detail = radius.detail
        for id in ids { #expect(detail.contains("Acct-Session-Id = \"\(id)\""), "\(detail)") }
        #expect(detail.contains("Calling-Station-Id = \"127.0.0.1\""), "\(detail)")
        #expect(detail.contains("Acct-Terminate-Cause = User-Request"), "\(detail)")
    }

    /// Accounting counts what crossed the link: five pings over the data plane (each server
    /// and client in its own namespace) are five packets and 420 octets each way in the
    /// Interim-Update that follows and in the Stop, as chapd's own "Sent/received" line says.
    @Test func accountingCountsWhatCrossedTheLink() throws {
        try NetworkNamespace.requirePrivileges()
        let nsServer = try NetworkNamespace("radsrv"), nsClient = try NetworkNamespace("radcli")
        // FreeRADIUS on the server namespace's own loopback, where chapd looks for it.
        let radius = try FreeRADIUS(extraUsers: Self.extraUsers, launcher: nsServer.exec)
        defer { radius.remove() }
        let h = try ChapdHarness(secrets: "")
        defer { h.remove() }
        let conf = try Self.clientConfiguration(radius, in: h)
        let base = h.baseOptions().filter { $0 != "nodataplane" }
        let (srv, cli) = try h.startPair(device: Self.server(conf, ["10.1.0.1:10.1.0.9", "radius-acct-interim", "2"]),
                                         stdio: Self.client("carol", "carolpw-secret"),
                                         deviceNamespace: nsServer, stdioNamespace: nsClient, base: base)
        #expect(cli.waitForLog("local  IP address 10.1.0.9", timeout: 20), "\(cli.log)\n\(srv.log)")
        #expect(srv.waitForLog("Using interface", timeout: 5), "\(srv.log)")
        let ping = try nsClient.run(["ping", "-c", "5", "-i", "0.2", "-W", "5", "10.1.0.1"], check: false)
        #expect(ping.output.contains("5 received"), "\(ping.output)")
        // An Interim-Update after the pings (every 2 s), then the Stop.
        usleep(2_500_000)
        srv.signal(SIGTERM)
        let s = srv.wait(timeout: 20)
        _ = cli.wait(timeout: 20)
        #expect(s.log.contains("Sent 420 bytes, received 420 bytes."), "\(s)")
        let records = radius.detail.components(separatedBy: "\n\n")
        let stop = records.first { $0.contains("Acct-Status-Type = Stop") } ?? ""
        let interim = records.last { $0.contains("Acct-Status-Type = Interim-Update") } ?? ""
        for record in [stop, interim] {
            #expect(record.contains("Acct-Input-Packets = 5"), "\(record)")
            #expect(record.contains("Acct-Output-Packets = 5"), "\(record)")
            #expect(record.contains("Acct-Input-Octets = 420"), "\(record)")
            #expect(record.contains("Acct-Output-Octets = 420"), "\(record)")
        }
        #expect(stop.contains("Acct-Terminate-Cause = User-Request"), "\(stop)")
    }

    @Test func rejectSendsFreeRADIUSReplyMessageAsTheFailure() throws {
        let radius = try FreeRADIUS()
        defer { radius.remove() }
        let h = try ChapdHarness(secrets: "")
        defer { h.remove() }
        let conf = try Self.clientConfiguration(radius, in: h)
        let (srv, cli) = try h.startPair(device: Self.server(conf), stdio: Self.client("alice", "not-the-password"))
        let s = srv.wait(timeout: 20)
        let c = cli.wait(timeout: 20)
        #expect(s.status == 11, "\(s)")
        #expect(c.status == 19, "\(c)")
        #expect(c.log.contains("CHAP authentication failed: Access denied for alice"), "\(c)")
        #expect(s.log.contains("Peer alice failed CHAP authentication"), "\(s)")
    }

    @Test func failoverFromASilentServer() throws {
        let radius = try FreeRADIUS(extraUsers: Self.extraUsers)
        defer { radius.remove() }
        let h = try ChapdHarness(secrets: "")
        defer { h.remove() }
        let conf = try Self.clientConfiguration(radius, in: h)
        let silent = try FreeRADIUS.freePort()
        let text = try String(contentsOfFile: conf, encoding: .utf8)
            .replacingOccurrences(of: "authserver 127.0.0.1:\(radius.authPort)", with: "authserver 127.0.0.1:\(silent),127.0.0.1:\(radius.authPort)")
            .replacingOccurrences(of: "radius_timeout 2", with: "radius_timeout 1")
        try text.write(toFile: conf, atomically: true, encoding: .utf8)
        let (srv, cli) = try h.startPair(device: Self.server(conf, ["10.1.0.1:10.1.0.9"]), stdio: Self.client("carol", "carolpw-secret"))
        #expect(srv.waitForLog("Peer carol authenticated with CHAP", timeout: 25), "\(srv.log)")
        #expect(cli.waitForLog("CHAP authentication succeeded: Hi carol", timeout: 5), "\(cli.log)")
        // No Framed-IP-Address for carol: the configured REMOTE.
        #expect(srv.waitForLog("remote IP address 10.1.0.9", timeout: 10), "\(srv.log)")
        #expect(cli.waitForLog("local  IP address 10.1.0.9", timeout: 10), "\(cli.log)")
        srv.signal(SIGTERM)
        #expect(srv.wait(timeout: 20).status == 5)
        _ = cli.wait(timeout: 20)
        #expect(radius.detail.contains("Acct-Terminate-Cause = User-Request"), "\(radius.detail)")
    }

    @Test func disconnectRequestEndsTheMatchingLinkAndNaksOthers() throws {
        guard let radclient = FreeRADIUS.radclient else { Issue.record("radclient missing (freeradius-utils)"); return }
        let radius = try FreeRADIUS(extraUsers: Self.extraUsers)
        defer { radius.remove() }
        let h = try ChapdHarness(secrets: "")
        defer { h.remove() }
        let conf = try Self.clientConfiguration(radius, in: h)
        let dae = try FreeRADIUS.freePort()
        let (srv, cli) = try h.startPair(device: Self.server(conf, ["10.1.0.1:10.1.0.9", "radius-dae-listen", "127.0.0.1:\(dae)"]),
                                         stdio: Self.client("carol", "carolpw-secret"))
        #expect(srv.waitForLog("remote IP address 10.1.0.9", timeout: 20), "\(srv.log)")
        let (_, nak) = try run(radclient, ["-x", "-r", "1", "-t", "3", "127.0.0.1:\(dae)", "disconnect", FreeRADIUS.secret],
                               input: "User-Name = \"mallory\"\n")
        #expect(nak.contains("Received Disconnect-NAK"), "\(nak)")
        #expect(nak.contains("Error-Cause = Session-Context-Not-Found"), "\(nak)")
        #expect(srv.isRunning)
        let (status, ack) = try run(radclient, ["-x", "-r", "1", "-t", "3", "127.0.0.1:\(dae)", "disconnect", FreeRADIUS.secret],
                                    input: "User-Name = \"carol\"\nFramed-IP-Address = 10.1.0.9\n")
        #expect(status == 0 && ack.contains("Received Disconnect-ACK"), "\(ack)")
        let s = srv.wait(timeout: 20)
        _ = cli.wait(timeout: 20)
        #expect(s.status == 5, "\(s)")
        #expect(s.log.contains("RADIUS Disconnect-Request: ending session"), "\(s)")
        #expect(radius.detail.contains("Acct-Terminate-Cause = Admin-Reset"), "\(radius.detail)")
    }
}
}
