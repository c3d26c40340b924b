import Foundation
import Testing

/// Two real chapd processes over a pty pair, asserting exit statuses and pppd's log lines.
/// chapd must be built first (`swift build`); `scripts/test.sh` does that.
/// Every integration suite runs inside this one, one test at a time: each starts real
/// processes on ptys, and running them side by side only adds timing noise.
@Suite("chapd processes", .serialized) struct ChapdProcesses {}

extension ChapdProcesses {
@Suite("chapd against chapd over a pty pair")
struct PtyPairTests {
    static let secrets = """
        # client   server   secret              addresses
        alice      server   "s3cret-alice"      10.1.0.2
        server     alice    "s3cret-server"     *
        bob        server   "bobs-secret-long"  10.1.0.0/24
        """

    static let server = ["name", "server", "auth", "require-chap", "10.1.0.1:10.1.0.2"]
    static let alice = ["name", "alice", "user", "alice", "remotename", "server", "noauth", "noipdefault"]

    @Test func oneWayAuthenticationThenSigterm() throws {
        let h = try ChapdHarness(secrets: Self.secrets)
        defer { h.remove() }
        let (srv, cli) = try h.startPair(device: Self.server, stdio: Self.alice)
        #expect(srv.waitForLog("remote IP address 10.1.0.2", timeout: 20), "\(srv.log)")
        #expect(cli.waitForLog("local  IP address 10.1.0.2", timeout: 5), "\(cli.log)")
        srv.signal(SIGTERM)
        let s = srv.wait(timeout: 15)
        let c = cli.wait(timeout: 15)
        #expect(s.status == 5, "\(s)")
        #expect(s.log.contains("Peer alice authenticated with CHAP"), "\(s)")
        #expect(s.log.contains("sent [LCP TermReq id="), "\(s)")
        #expect(s.log.contains("\"User request\"]"), "\(s)")
        #expect(c.log.contains("CHAP authentication succeeded: Access granted"), "\(c)")
        #expect(c.log.contains("LCP terminated by peer"), "\(c)")
        // The server's exit closes the pty before the client's Stopping wait ends: a hang-up,
        // as pppd reports it in the recorded vectors.
        #expect(c.status == 16, "\(c)")
    }

    @Test func twoWayAuthentication() throws {
        let h = try ChapdHarness(secrets: Self.secrets)
        defer { h.remove() }
        let (srv, cli) = try h.startPair(
            device: Self.server + ["user", "server", "remotename", "alice"],
            stdio: ["name", "alice", "user", "alice", "remotename", "server", "auth", "require-chap", "10.1.0.2:10.1.0.1"])
        #expect(srv.waitForLog("remote IP address 10.1.0.2", timeout: 20), "\(srv.log)")
        #expect(cli.waitForLog("remote IP address 10.1.0.1", timeout: 5), "\(cli.log)")
        srv.signal(SIGTERM)
        let s = srv.wait(timeout: 15)
        let c = cli.wait(timeout: 15)
        for o in [s, c] {
            #expect(o.log.contains("CHAP authentication succeeded: Access granted"), "\(o)")
            #expect(o.log.contains("authenticated with CHAP"), "\(o)")
            // The first frames after LCP opens use the new ACCM (0) and often share a read
            // with the ConfAck that opened it: none of them may be lost to the old ACCM.
            #expect(!o.log.contains("bad FCS"), "\(o)")
        }
        #expect(s.status == 5, "\(s)")
    }

    @Test func wrongSecretFailsBothSides() throws {
        let h = try ChapdHarness(secrets: Self.secrets)
        defer { h.remove() }
        let (srv, cli) = try h.startPair(device: Self.server, stdio: Self.alice + ["password", "not-the-secret"])
        let s = srv.wait(timeout: 30)
        let c = cli.wait(timeout: 30)
        #expect(s.status == 11, "\(s)")
        #expect(s.log.contains("Peer alice failed CHAP authentication"), "\(s)")
        #expect(s.log.contains("sent [CHAP Failure"), "\(s)")
        #expect(c.status == 19, "\(c)")
        #expect(c.log.contains("CHAP authentication failed: Access denied"), "\(c)")
        #expect(c.log.contains("\"Failed to authenticate ourselves to peer\""), "\(c)")
        // The secret never reaches a log.
        #expect(!c.log.contains("not-the-secret") && !s.log.contains("s3cret-alice"))
    }

    @Test func unknownUserIsRefused() throws {
        let h = try ChapdHarness(secrets: Self.secrets + "\nmallory * \"mallorys-secret\" *\n")
        defer { h.remove() }
        // mallory has a secret to answer with, but no line lets mallory in to "server"…
        // except the wildcard one above; use a name with no line at all instead.
        let (srv, cli) = try h.startPair(device: Self.server, stdio: ["name", "eve", "user", "eve", "password", "whatever-secret", "noauth"])
        let s = srv.wait(timeout: 30)
        let c = cli.wait(timeout: 30)
        #expect(s.status == 11, "\(s)")
        #expect(s.log.contains("No CHAP secret found for authenticating eve"), "\(s)")
        #expect(c.status == 19, "\(c)")
    }

    @Test func refuseChapEndsWithPeerRefused() throws {
        let h = try ChapdHarness(secrets: Self.secrets)
        defer { h.remove() }
        let (srv, cli) = try h.startPair(device: Self.server, stdio: Self.alice + ["refuse-chap"])
        let s = srv.wait(timeout: 30)
        _ = cli.wait(timeout: 30)
        #expect(s.status == 11, "\(s)")
        #expect(s.log.contains("peer refused to authenticate: terminating link"), "\(s)")
        #expect(s.log.contains("\"peer refused to authenticate\""), "\(s)")
    }

    @Test func chapCallinRequiresAuthOnlyOnIncomingCalls() throws {
        let h = try ChapdHarness(secrets: Self.secrets)
        defer { h.remove() }
        // On an outgoing call, chap-callin asks nothing of the peer: the link comes up unauthenticated.
        let out = ["name", "server", "chap-callin", "callout", "10.1.0.1:10.1.0.2"]
        let (a, b) = try h.startPair(device: out, stdio: Self.alice)
        #expect(a.waitForLog("remote IP address 10.1.0.2", timeout: 20), "\(a.log)")
        #expect(!a.log.contains("sent [CHAP Challenge"), "\(a.log)")
        a.signal(SIGTERM)
        _ = a.wait(timeout: 15); _ = b.wait(timeout: 15)

        // On an incoming call it requires CHAP.
        let inc = ["name", "server", "chap-callin", "callin", "10.1.0.1:10.1.0.2"]
        let (c, d) = try h.startPair(device: inc, stdio: Self.alice)
        #expect(c.waitForLog("Peer alice authenticated with CHAP", timeout: 20), "\(c.log)")
        c.signal(SIGTERM)
        #expect(c.wait(timeout: 15).status == 5)
        _ = d.wait(timeout: 15)
    }

    @Test func refuseChapCallinStillRequiresPeer() throws {
        let h = try ChapdHarness(secrets: Self.secrets)
        defer { h.remove() }
        // We answer an incoming call: refuse to authenticate ourselves, but require the caller to.
        let us = Self.server + ["refuse-chap-callin", "callin", "user", "server"]
        let caller = ["name", "alice", "user", "alice", "remotename", "server", "auth", "require-chap", "noipdefault"]
        let (srv, cli) = try h.startPair(device: us, stdio: caller)
        let c = cli.wait(timeout: 30)
        let s = srv.wait(timeout: 30)
        #expect(c.status == 11, "\(c)")
        #expect(c.log.contains("peer refused to authenticate"), "\(c)")
        #expect(s.log.contains("sent [LCP ConfReq id=0x1") && s.log.contains("<auth chap MD5>"), "\(s)")
    }

    @Test func chapWaitAnswersOnlyAfterPeerAuthenticated() throws {
        let h = try ChapdHarness(secrets: Self.secrets)
        defer { h.remove() }
        let (srv, cli) = try h.startPair(
            device: Self.server + ["user", "server", "remotename", "alice", "chap-wait"],
            stdio: ["name", "alice", "user", "alice", "remotename", "server", "auth", "require-chap", "10.1.0.2:10.1.0.1"])
        #expect(srv.waitForLog("remote IP address", timeout: 20), "\(srv.log)")
        srv.signal(SIGTERM)
        let s = srv.wait(timeout: 15)
        _ = cli.wait(timeout: 15)
        let authenticated = s.log.range(of: "Peer alice authenticated with CHAP")
        let answered = s.log.range(of: "sent [CHAP Response")
        #expect(authenticated != nil && answered != nil, "\(s)")
        if let authenticated, let answered {
            #expect(authenticated.lowerBound < answered.lowerBound, "chap-wait answered before the peer authenticated:\n\(s)")
        }
    }

    @Test func ignoreusDoesNotAnswerOurOwnName() throws {
        let h = try ChapdHarness(secrets: Self.secrets)
        defer { h.remove() }
        // The other side challenges with *our* name: a reflection. We must not answer it.
        let (us, reflector) = try h.startPair(
            device: Self.server + ["user", "server", "chap-max-challenge", "3", "chap-restart", "1"],
            stdio: ["name", "server", "user", "alice", "nochap-ignoreus", "auth", "require-chap", "chap-max-challenge", "3", "chap-restart", "1", "10.1.0.2:10.1.0.1"])
        let r = reflector.wait(timeout: 30)
        let u = us.wait(timeout: 30)
        #expect(u.log.contains("own name"), "\(u)")
        #expect(!u.log.contains("sent [CHAP Response"), "\(u)")
        #expect(r.status == 11, "\(r)")
    }

    @Test func maxBadAuthGivesFurtherChallenges() throws {
        let h = try ChapdHarness(secrets: Self.secrets)
        defer { h.remove() }
        // A pppd-like client gives up at the first Failure, so the link ends there; what
        // max-bad-auth changes is that *we* answer a bad Response with a new Challenge
        // (new identifier) instead of terminating the link ourselves.
        let (srv, cli) = try h.startPair(device: Self.server + ["max-bad-auth", "2"], stdio: Self.alice + ["password", "wrong-secret"])
        let s = srv.wait(timeout: 40)
        let c = cli.wait(timeout: 40)
        #expect(c.status == 19, "\(c)")
        // Distinct identifiers: a retransmission under load repeats an identifier.
        #expect(challengeIdentifiers(s.log).count == 2, "\(s)")
        #expect(s.log.contains("sent [CHAP Failure"), "\(s)")
        #expect(!s.log.contains("\"Authentication failed\""), "\(s)")

        // Without max-bad-auth the first bad Response ends the link from our side.
        let (srv2, cli2) = try h.startPair(device: Self.server, stdio: Self.alice + ["password", "wrong-secret"])
        let s2 = srv2.wait(timeout: 40)
        _ = cli2.wait(timeout: 40)
        #expect(challengeIdentifiers(s2.log).count == 1, "\(s2)")
        #expect(s2.log.contains("sent [LCP TermReq id=0x2 \"Authentication failed\"]"), "\(s2)")
        #expect(s2.status == 11, "\(s2)")
    }

    @Test func rechallengeKeepsTheLinkUp() throws {
        let h = try ChapdHarness(secrets: Self.secrets)
        defer { h.remove() }
        let (srv, cli) = try h.startPair(device: Self.server + ["chap-interval", "1"], stdio: Self.alice)
        #expect(srv.waitForLog("remote IP address", timeout: 20), "\(srv.log)")
        // Wait for at least two more challenges, each answered and accepted.
        let deadline = Date().addingTimeInterval(15)
        while srv.log.components(separatedBy: "sent [CHAP Success").count - 1 < 3 && Date() < deadline { usleep(100_000) }
        #expect(srv.log.components(separatedBy: "sent [CHAP Success").count - 1 >= 3, "\(srv.log)")
        #expect(srv.isRunning && cli.isRunning)
        srv.signal(SIGTERM)
        #expect(srv.wait(timeout: 15).status == 5)
        _ = cli.wait(timeout: 15)
    }

    @Test func echoDetectsDeadPeer() throws {
        let h = try ChapdHarness(secrets: Self.secrets)
        defer { h.remove() }
        let (srv, cli) = try h.startPair(device: Self.server + ["lcp-echo-interval", "1", "lcp-echo-failure", "2"], stdio: Self.alice)
        #expect(srv.waitForLog("remote IP address", timeout: 20), "\(srv.log)")
        cli.signal(SIGSTOP)
        let s = srv.wait(timeout: 20)
        cli.signal(SIGKILL)
        _ = cli.wait(timeout: 5)
        #expect(s.status == 15, "\(s)")
        #expect(s.log.contains("No response to 2 echo-requests"), "\(s)")
        #expect(s.log.contains("Serial link appears to be disconnected."), "\(s)")
    }

    @Test func hangupEndsTheLink() throws {
        let h = try ChapdHarness(secrets: Self.secrets)
        defer { h.remove() }
        let (srv, cli) = try h.startPair(device: Self.server, stdio: Self.alice)
        #expect(srv.waitForLog("remote IP address", timeout: 20), "\(srv.log)")
        cli.signal(SIGKILL)
        _ = cli.wait(timeout: 5)
        let s = srv.wait(timeout: 15)
        #expect(s.status == 16, "\(s)")
        #expect(s.log.contains("Modem hangup"), "\(s)")
    }
}

}

/// The distinct identifiers of the CHAP Challenges a log says were sent.
func challengeIdentifiers(_ log: String) -> Set<Substring> {
    var ids = Set<Substring>()
    for line in log.split(separator: "\n") where line.hasPrefix("sent [CHAP Challenge id=") {
        let rest = line.dropFirst("sent [CHAP Challenge id=".count)
        ids.insert(rest.prefix { $0 != " " })
    }
    return ids
}
