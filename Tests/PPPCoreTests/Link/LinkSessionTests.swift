import ChapSecrets
import PPPCore
import PPPPackets
import Testing

/// Two LinkSessions joined back to back on a virtual clock: pppd's phases end to end,
/// deterministic (seeded challenges and magic numbers), no I/O.
struct LinkPair {
    var a: LinkSession
    var b: LinkSession
    var now = Instant.zero
    var deadlineA: Instant?
    var deadlineB: Instant?
    var toA: [(UInt16, [UInt8])] = []
    var toB: [(UInt16, [UInt8])] = []
    var logA: [String] = []
    var logB: [String] = []
    var exitA: Int32?
    var exitB: Int32?
    var actionsA: [LinkAction] = []
    var actionsB: [LinkAction] = []
    /// Drops every frame of this protocol sent by B (to starve A of echo replies, say).
    var dropFromB: UInt16?
    var started = false

    init(a: LinkConfiguration, b: LinkConfiguration, secrets: any SecretLookup, seed: UInt64 = 1) {
        self.a = LinkSession(configuration: a, secrets: secrets, random: SeededRandom(seed: seed),
                             magicNumbers: .seeded(SeededRandom(seed: seed + 100)))
        self.b = LinkSession(configuration: b, secrets: secrets, random: SeededRandom(seed: seed + 1),
                             magicNumbers: .seeded(SeededRandom(seed: seed + 200)))
    }

    mutating func apply(_ actions: [LinkAction], fromA: Bool) {
        for action in actions {
            if fromA { actionsA.append(action) } else { actionsB.append(action) }
            switch action {
            case .send(let p, let info):
                if fromA { toB.append((p, info)) } else if dropFromB != p { toA.append((p, info)) }
            case .setTimer(let t):
                if fromA { deadlineA = t } else { deadlineB = t }
            case .log(_, let text):
                if fromA { logA.append(text) } else { logB.append(text) }
            case .finished(let status):
                if fromA { exitA = status } else { exitB = status }
            default: break
            }
        }
    }

    /// Runs until both sides finished, or `limit` of virtual time passed.
    mutating func run(until limit: Duration = .seconds(120), stop: ((LinkPair) -> Bool)? = nil) {
        if !started {
            started = true
            apply(a.lowerUp(now: now), fromA: true)
            apply(b.lowerUp(now: now), fromA: false)
        }
        let end = now + limit
        while now < end && (exitA == nil || exitB == nil) {
            if let stop, stop(self) { return }
            if !toB.isEmpty {
                let (p, info) = toB.removeFirst()
                if exitB == nil { apply(b.receive(protocolNumber: p, information: info, now: now), fromA: false) }
                continue
            }
            if !toA.isEmpty {
                let (p, info) = toA.removeFirst()
                if exitA == nil { apply(a.receive(protocolNumber: p, information: info, now: now), fromA: true) }
                continue
            }
            let next = [deadlineA, deadlineB].compactMap { $0 }.min()
            guard let next, next <= end else { now = end; break }
            now = max(now, next)
            if let d = deadlineA, d <= now, exitA == nil { deadlineA = nil; apply(a.timeout(now: now), fromA: true) }
            if let d = deadlineB, d <= now, exitB == nil { deadlineB = nil; apply(b.timeout(now: now), fromA: false) }
        }
    }

    /// The sending side hangs up (SIGTERM-like close), delivered through the same loop.
    mutating func closeA(reason: String, status: Int32) {
        apply(a.close(reason: reason, exitStatus: status, now: now), fromA: true)
    }
}

struct StaticSecrets: SecretLookup {
    var lines: [(String, String, String, [AddressRule])]
    func lookup(client: [UInt8], server: [UInt8]) -> SecretMatch? {
        for (c, s, secret, addrs) in lines where Array(c.utf8) == client && Array(s.utf8) == server {
            return SecretMatch(client: client, server: server, secret: Secret(secret), addresses: addrs)
        }
        return nil
    }
}

enum LinkFixtures {
    static let secrets = StaticSecrets(lines: [
        ("alice", "server", "s3cret-alice", [.network(address: 0x0a01_0002, prefixLength: 32, negated: false)]),
        ("server", "alice", "s3cret-server", [.any]),
    ])

    static func server(requireAuth: Bool = true, refuseSelf: Bool = false, ip: Bool = true) -> LinkConfiguration {
        var lcp = LCPConfiguration()
        lcp.requireCHAP = requireAuth
        lcp.canAuthenticateWithCHAP = !refuseSelf
        var ipcp: IPCPConfiguration?
        if ip {
            var c = IPCPConfiguration()
            c.localAddress = 0x0a01_0001
            c.remoteAddress = 0x0a01_0002
            ipcp = c
        }
        return LinkConfiguration(
            lcp: lcp, ipcp: ipcp, requirePeerAuthentication: requireAuth,
            authenticator: CHAPAuthenticatorConfiguration(name: "server"),
            peer: refuseSelf ? nil : CHAPPeerConfiguration(name: "server", user: "server", remoteName: "alice"))
    }

    static func alice(requireAuth: Bool = false, refuseSelf: Bool = false, password: String? = nil, ip: Bool = true) -> LinkConfiguration {
        var lcp = LCPConfiguration()
        lcp.requireCHAP = requireAuth
        lcp.canAuthenticateWithCHAP = !refuseSelf
        return LinkConfiguration(
            lcp: lcp, ipcp: ip ? IPCPConfiguration() : nil, requirePeerAuthentication: requireAuth,
            authenticator: CHAPAuthenticatorConfiguration(name: "alice"),
            peer: refuseSelf ? nil : CHAPPeerConfiguration(name: "alice", user: "alice", remoteName: "server",
                                                          password: password.map { Secret($0) }))
    }
}

@Suite struct LinkSessionTests {
    @Test func oneWayAuthenticationReachesTheNetworkPhase() {
        var pair = LinkPair(a: LinkFixtures.server(), b: LinkFixtures.alice(), secrets: LinkFixtures.secrets)
        pair.run(until: .seconds(30)) { $0.logB.contains("local  IP address 10.1.0.2") && $0.logA.contains("remote IP address 10.1.0.2") }
        #expect(pair.logA.contains("Peer alice authenticated with CHAP"), "\(pair.logA)")
        #expect(pair.logB.contains("CHAP authentication succeeded: Access granted"), "\(pair.logB)")
        #expect(pair.actionsA.contains(.authUp(peerName: "alice")))
        #expect(pair.actionsA.contains(.ipUp(local: 0x0a01_0001, remote: 0x0a01_0002)))
        #expect(pair.actionsB.contains(.ipUp(local: 0x0a01_0002, remote: 0x0a01_0001)))
        // Framing switched to what LCP agreed once it opened.
        #expect(pair.actionsA.contains { if case .setFraming(let f) = $0 { return f.sendACCM == 0 && f.receivePFC } else { return false } })
        // Ending politely: TermReq "User request", exit 5 here; the peer's link counted as a success.
        pair.closeA(reason: "User request", status: ExitStatus.userRequest)
        pair.run(until: .seconds(30))
        #expect(pair.exitA == ExitStatus.userRequest)
        #expect(pair.exitB == ExitStatus.ok)
        #expect(pair.logB.contains("LCP terminated by peer (User request)"), "\(pair.logB)")
        #expect(pair.actionsA.contains(.authDown(peerName: "alice")))
    }

    @Test func twoWayAuthentication() {
        var pair = LinkPair(a: LinkFixtures.server(), b: LinkFixtures.alice(requireAuth: true), secrets: LinkFixtures.secrets)
        pair.run(until: .seconds(30)) { $0.actionsA.contains { if case .ipUp = $0 { true } else { false } } && $0.actionsB.contains { if case .ipUp = $0 { true } else { false } } }
        #expect(pair.logA.contains("Peer alice authenticated with CHAP"), "\(pair.logA)")
        #expect(pair.logB.contains("Peer server authenticated with CHAP"), "\(pair.logB)")
        #expect(pair.logA.contains("CHAP authentication succeeded: Access granted"))
    }

    @Test func wrongSecretEndsBothSidesWithPppdStatuses() {
        var pair = LinkPair(a: LinkFixtures.server(), b: LinkFixtures.alice(password: "wrong"), secrets: LinkFixtures.secrets)
        pair.run()
        #expect(pair.exitA == ExitStatus.peerAuthFailed)
        #expect(pair.exitB == ExitStatus.authTopeerFailed)
        #expect(pair.logA.contains("Peer alice failed CHAP authentication"), "\(pair.logA)")
        #expect(pair.logB.contains("CHAP authentication failed: Access denied"), "\(pair.logB)")
    }

    @Test func refusingPeerIsTerminated() {
        var pair = LinkPair(a: LinkFixtures.server(), b: LinkFixtures.alice(refuseSelf: true), secrets: LinkFixtures.secrets)
        pair.run()
        #expect(pair.exitA == ExitStatus.peerAuthFailed)
        #expect(pair.logA.contains("peer refused to authenticate: terminating link"), "\(pair.logA)")
        #expect(pair.actionsA.contains { if case .send(let p, let info) = $0 { p == 0xc021 && info.first == 5 && info.suffix(28) == Array("peer refused to authenticate".utf8)[...] } else { false } })
    }

    @Test func noNetworkProtocolEndsTheLinkAfterAuthentication() {
        var pair = LinkPair(a: LinkFixtures.server(ip: false), b: LinkFixtures.alice(ip: false), secrets: LinkFixtures.secrets)
        pair.run()
        #expect(pair.logA.contains("Peer alice authenticated with CHAP"))
        #expect(pair.actionsA.contains { if case .send(let p, let info) = $0 { p == 0xc021 && info.suffix(28) == Array("No network protocols running".utf8)[...] } else { false } })
        // Never reached IPCP: pppd reports a negotiation failure.
        #expect(pair.exitA == ExitStatus.negotiationFailed)
    }

    @Test func addressOutsideTheSecretsLineIsRefused() {
        let secrets = StaticSecrets(lines: [("alice", "server", "s3cret-alice", [.none])])
        var pair = LinkPair(a: LinkFixtures.server(), b: LinkFixtures.alice(), secrets: secrets)
        pair.run()
        #expect(!pair.actionsA.contains { if case .ipUp = $0 { true } else { false } }, "\(pair.logA)")
        #expect(pair.logA.contains { $0.contains("not authorized to use remote address") }, "\(pair.logA)")
    }

    @Test func unknownProtocolsGetAProtocolReject() {
        var pair = LinkPair(a: LinkFixtures.server(), b: LinkFixtures.alice(), secrets: LinkFixtures.secrets)
        pair.run(until: .seconds(30)) { $0.logA.contains("Peer alice authenticated with CHAP") }
        let reject = pair.a.receive(protocolNumber: 0x8057, information: [1, 1, 0, 4], now: pair.now)
        #expect(reject.contains { if case .send(0xc021, let info) = $0 { info.first == 8 && Array(info[4..<6]) == [0x80, 0x57] } else { false } })
        // IP is counted and dropped, never rejected.
        let ip = pair.a.receive(protocolNumber: 0x0021, information: [0x45, 0], now: pair.now)
        #expect(!ip.contains { if case .send = $0 { true } else { false } })
        #expect(pair.a.counters.ipPacketsDropped == 1)
        // Malformed control packets are counted, never trap.
        _ = pair.a.receive(protocolNumber: 0xc223, information: [2, 1, 0, 200, 5], now: pair.now)
        _ = pair.a.receive(protocolNumber: 0xc021, information: [1], now: pair.now)
        #expect(pair.a.counters.malformed == 2)
    }

    @Test func silentPeerIsDeclaredDeadByEcho() {
        var server = LinkFixtures.server()
        server.echoInterval = .seconds(5)
        server.echoFailure = 3
        var pair = LinkPair(a: server, b: LinkFixtures.alice(), secrets: LinkFixtures.secrets)
        pair.run(until: .seconds(30)) { $0.logA.contains("remote IP address 10.1.0.2") }
        #expect(pair.logA.contains("remote IP address 10.1.0.2"))
        pair.dropFromB = 0xc021 // from now on B's Echo-Replies never arrive
        pair.run(until: .seconds(120)) { $0.exitA != nil }
        #expect(pair.exitA == ExitStatus.peerDead)
        #expect(pair.logA.contains("No response to 3 echo-requests"), "\(pair.logA)")
    }

    @Test func ipCrossesOnlyWhileIPCPIsOpen() {
        var pair = LinkPair(a: LinkFixtures.server(), b: LinkFixtures.alice(), secrets: LinkFixtures.secrets)
        #expect(!pair.a.carriesIPv4)
        pair.run(until: .seconds(30)) { $0.a.carriesIPv4 && $0.b.carriesIPv4 }
        #expect(pair.a.carriesIPv4)
        #expect(pair.a.interfaceMTU == 1500)
        pair.a.ipDeliveredToInterface(octets: 84)
        pair.a.ipSentToLine(octets: 60)
        #expect(pair.a.counters.ipPacketsIn == 1 && pair.a.counters.ipOctetsIn == 84)
        #expect(pair.a.counters.ipPacketsOut == 1 && pair.a.counters.ipOctetsOut == 60)
        // The peer closes IPCP: no IP from then on; what arrives is counted and dropped.
        let down = pair.a.receive(protocolNumber: 0x8021, information: [5, 9, 0, 4], now: pair.now)
        #expect(down.contains(.ipDown(local: 0x0a01_0001, remote: 0x0a01_0002)))
        #expect(!pair.a.carriesIPv4)
        _ = pair.a.receive(protocolNumber: 0x0021, information: [0x45, 0, 0, 20], now: pair.now)
        #expect(pair.a.counters.ipPacketsDropped == 1)
    }

    @Test func sameSeedSameTranscript() {
        func transcript() -> [LinkAction] {
            var pair = LinkPair(a: LinkFixtures.server(), b: LinkFixtures.alice(requireAuth: true), secrets: LinkFixtures.secrets, seed: 42)
            pair.run(until: .seconds(10))
            return pair.actionsA
        }
        #expect(transcript() == transcript())
    }

    /// Deadlines that coincide (echo and re-challenge both 3 s after the same instant) expire
    /// in the machines' declaration order (the authenticator before the echo monitor), never a
    /// hash order: the transcript is the same in every process, so its digest can be pinned.
    @Test func coincidingTimersGiveOneTranscriptInEveryProcess() {
        var server = LinkFixtures.server()
        server.echoInterval = .seconds(3)
        server.echoFailure = 5
        server.authenticator?.rechallengeInterval = .seconds(3)
        var pair = LinkPair(a: server, b: LinkFixtures.alice(requireAuth: true), secrets: LinkFixtures.secrets, seed: 42)
        pair.run(until: .seconds(10))
        let text = pair.actionsA.map { "\($0)" }.joined(separator: "\n")
        var digest: UInt64 = 0xcbf2_9ce4_8422_2325   // FNV-1a
        for byte in text.utf8 { digest = (digest ^ UInt64(byte)) &* 0x0100_0000_01b3 }
        let echoesAndChallenges = pair.actionsA.compactMap { action -> String? in
            guard case .send(let p, let info) = action, (p == 0xc021 && info.first == 9) || (p == 0xc223 && info.first == 1) else { return nil }
            return p == 0xc021 ? "echo" : "challenge"
        }
        #expect(echoesAndChallenges.prefix(5) == ["echo", "challenge", "challenge", "echo", "challenge"], "\(text)")
        #expect(String(digest, radix: 16) == "cacad0b2e74363ef", "\(text)")
    }
}
