import ChapSecrets
import PPPPackets

/// One PPP link's control plane as pppd runs it (auth.c's phases): Establish (LCP) →
/// Authenticate (CHAP in each direction LCP agreed, concurrently unless chap-wait says
/// otherwise) → Network (IPCP) → Terminate. Sans-IO: frames and timer expiries in,
/// `LinkAction`s out; one timer outward, multiplexed over the machines inside.
public struct LinkSession: Sendable {
    /// The machines that own a timer, in the order their expiries are handled when
    /// deadlines coincide (declaration order, never a hash order).
    enum Machine: Int, CaseIterable, Sendable { case lcp, ipcp, ipv6cp, authenticator, peer, echo, session, idle }

    public let configuration: LinkConfiguration
    private let secrets: any SecretLookup
    private var random: any RandomNumberGenerator & Sendable

    private var lcp: NegotiationAutomaton<LCPPolicy>
    private var ipcp: NegotiationAutomaton<IPCPPolicy>?
    /// nil unless `+ipv6`: then a peer's IPV6CP is negotiated instead of Protocol-Rejected.
    private var ipv6cp: NegotiationAutomaton<IPV6CPPolicy>?
    /// Exists only while LCP is Opened: everything authentication learned dies with the
    /// LCP negotiation it belongs to, so a renegotiation must authenticate afresh (RFC 1661
    /// §3.5; pppd's auth state is reset by lcp_down).
    private var auth: AuthenticationState?
    private var echo: LCPEchoMonitor?

    public private(set) var phase: LinkPhase = .dead
    /// Why the link ended (or would, if it ended now).
    public private(set) var end: LinkEnd = .negotiationEnded
    /// A network protocol reached Opened (pppd's np_up): the link counts as a success.
    public private(set) var networkWasUp = false
    /// pppd's `status`: what the process exits with if the link ended now.
    public var exitStatus: Int32 { end.exitStatus(networkWasUp: networkWasUp) }
    /// What authentication granted the peer (nil until it authenticated).
    public private(set) var authorization: CHAPAuthorization?
    public private(set) var counters = LinkCounters()
    private var deadlines = TimerTable<Machine>()
    /// The addresses IPCP agreed, while it is up (host order).
    public private(set) var ipAddresses: (local: UInt32, remote: UInt32)?
    /// usepeerdns: the DNS addresses the peer gave while IPCP is up (nil: none asked or given).
    public private(set) var peerDNS: (primary: UInt32?, secondary: UInt32?)?
    private var ipv6Identifiers: (local: UInt64, remote: UInt64)?
    private var finished = false
    /// Idle-Timeout: the limit, when IP last moved (as far as the last check saw), and the
    /// packet count then. Checked a few times per period, never per packet.
    private var idleLimit: Duration?
    private var idleSince: Instant = .zero
    private var idlePackets = 0

    /// What one LCP negotiation's authentication phase learned, in both directions.
    private struct AuthenticationState: Sendable {
        var authenticator: CHAPAuthenticator?
        var peer: CHAPPeer?
        var peerAuthenticated = false
        var weAuthenticated = false
        var peerName = ""
        var authUpSent = false
    }

    /// Protocols pppd's get_input lets through before the network phase: LCP, the
    /// authentication protocols and link quality. Anything else then is silently discarded
    /// (RFC 1661 §3.5), never Protocol-Rejected.
    static let preNetworkProtocols: Set<UInt16> = [
        PPPProtocol.lcp.rawValue, PPPProtocol.pap.rawValue, PPPProtocol.lqr.rawValue,
        PPPProtocol.chap.rawValue, PPPProtocol.eap.rawValue,
    ]

    public init(
        configuration: LinkConfiguration, secrets: (any SecretLookup)?,
        random: any RandomNumberGenerator & Sendable = SystemRandomNumberGenerator(),
        magicNumbers: LCPRandom = .system
    ) {
        self.configuration = configuration
        self.secrets = secrets ?? NoSecrets()
        self.random = random
        self.lcp = NegotiationAutomaton(
            protocolNumber: .lcp, policy: LCPPolicy(configuration: configuration.lcp, random: magicNumbers),
            timers: configuration.lcpTimers)
        if let ipcpConfiguration = configuration.ipcp {
            self.ipcp = NegotiationAutomaton(
                protocolNumber: .ipcp, policy: IPCPPolicy(configuration: ipcpConfiguration), timers: configuration.ipcpTimers)
        }
        if let ipv6cpConfiguration = configuration.ipv6cp {
            self.ipv6cp = NegotiationAutomaton(
                protocolNumber: .ipv6cp, policy: IPV6CPPolicy(configuration: ipv6cpConfiguration, random: magicNumbers),
                timers: configuration.ipv6cpTimers)
        }
    }

    // MARK: Events

    /// The line is ready: start LCP (pppd's lcp_lowerup + lcp_open).
    public mutating func lowerUp(now: Instant) -> [LinkAction] {
        var out: [LinkAction] = [.phase(.establish)]
        phase = .establish
        var actions = lcp.open(now: now)
        actions += lcp.up(now: now)
        handleLCP(actions, now: now, into: &out)
        return finish(out)
    }

    /// The line hung up.
    public mutating func lowerDown(now: Instant) -> [LinkAction] {
        var out: [LinkAction] = []
        end = .hangup
        handleLCP(lcp.down(now: now), now: now, into: &out)
        return finish(out)
    }

    /// Ask the link to end (SIGTERM: "User request", exit 5).
    public mutating func close(reason: String, exitStatus status: Int32, now: Instant) -> [LinkAction] {
        close(reason: reason, end: LinkEnd(exitStatus: status), now: now)
    }

    /// Ask the link to end for this reason (TermReq with `reason`).
    public mutating func close(reason: String, end why: LinkEnd, now: Instant) -> [LinkAction] {
        var out: [LinkAction] = []
        end = why
        closeLCP(reason, now: now, into: &out)
        return finish(out)
    }

    /// The edge's verdict on a `.verify` request. One for an identifier no longer awaited
    /// (a re-negotiation, a link that ended) is dropped.
    public mutating func verdict(_ verdict: CHAPVerdict, identifier: UInt8, now: Instant) -> [LinkAction] {
        var out: [LinkAction] = []
        if var a = auth?.authenticator {
            let actions = a.verdict(verdict, identifier: identifier, now: now, using: &random)
            auth?.authenticator = a
            handleAuthenticator(actions, now: now, into: &out)
        } else {
            out.append(.log(.debug, "CHAP: verdict for id=0x\(String(identifier, radix: 16)) dropped: no authentication in progress"))
        }
        return finish(out)
    }

    public mutating func receive(protocolNumber: UInt16, information: [UInt8], now: Instant) -> [LinkAction] {
        var out: [LinkAction] = []
        let proto = PPPProtocol(protocolNumber)
        counters.framesReceived += 1
        echo?.trafficReceived()
        switch proto {
        case .lcp:
            guard let packet = parse(information, proto, into: &out) else { break }
            handleLCP(lcp.receive(packet, now: now), now: now, into: &out)
        case _ where lcp.state != .opened:
            // pppd: "Discarded non-LCP packet when LCP not open".
            counters.discarded += 1
            out.append(.log(.debug, "Discarded non-LCP packet when LCP not open"))
        case .chap:
            receiveCHAP(information, now: now, into: &out)
        case .ip:
            // IP the edge did not take (see `carriesIPv4`): before IPCP opened, after it
            // closed, or with no data plane. Counted and dropped, as pppd does.
            counters.ipPacketsDropped += 1
        case _ where phase != .network && !Self.preNetworkProtocols.contains(protocolNumber):
            counters.discarded += 1
            out.append(.log(.debug, "discarding proto 0x\(String(protocolNumber, radix: 16)) in phase \(phase.rawValue)"))
        case .ipcp where ipcp != nil:
            guard let packet = parse(information, proto, into: &out) else { break }
            handleIPCP(ipcp!.receive(packet, now: now), now: now, into: &out)
        case .ipv6cp where ipv6cp != nil:
            guard let packet = parse(information, proto, into: &out) else { break }
            handleIPV6CP(ipv6cp!.receive(packet, now: now), now: now, into: &out)
        case .ipv6:
            counters.ipPacketsDropped += 1
        default:
            rejectProtocol(protocolNumber, information, into: &out)
        }
        return finish(out)
    }

    public mutating func timeout(now: Instant) -> [LinkAction] {
        var out: [LinkAction] = []
        for machine in deadlines.due(at: now) {
            // An earlier expiry in this walk may have re-armed or cancelled this one.
            guard let deadline = deadlines[machine], deadline <= now, !finished else { continue }
            deadlines[machine] = nil
            switch machine {
            case .lcp: handleLCP(lcp.timeout(now: now), now: now, into: &out)
            case .ipcp:
                if let actions = ipcp?.timeout(now: now) { handleIPCP(actions, now: now, into: &out) }
            case .ipv6cp:
                if let actions = ipv6cp?.timeout(now: now) { handleIPV6CP(actions, now: now, into: &out) }
            case .authenticator:
                if var a = auth?.authenticator {
                    let actions = a.timeout(now: now, using: &random)
                    auth?.authenticator = a
                    handleAuthenticator(actions, now: now, into: &out)
                }
            case .peer:
                if var p = auth?.peer {
                    let actions = p.timeout(now: now)
                    auth?.peer = p
                    handlePeer(actions, now: now, into: &out)
                }
            case .session:
                out.append(.log(.notice, "Session timeout: connect time expired"))
                end = .sessionTimeout
                closeLCP("Session timeout", now: now, into: &out)
            case .idle:
                checkIdle(now: now, into: &out)
            case .echo:
                if var e = echo {
                    let actions = e.timeout(now: now)
                    echo = e
                    handleEcho(actions, now: now, into: &out)
                }
            }
        }
        return finish(out)
    }

    // MARK: Idle time

    /// IP packets either way, delivered or discarded (pppd counts what the link carried).
    private var ipPacketsMoved: Int { counters.ipPacketsIn + counters.ipPacketsOut + counters.ipPacketsDropped }

    /// A quarter of the limit (at least a second): the link ends within that of the limit.
    private func idleCheckPeriod(_ limit: Duration) -> Duration {
        max(.seconds(1), limit / 4)
    }

    private mutating func checkIdle(now: Instant, into out: inout [LinkAction]) {
        guard let limit = idleLimit else { return }
        if ipPacketsMoved != idlePackets {
            idlePackets = ipPacketsMoved
            idleSince = now
        }
        if now - idleSince >= limit {
            out.append(.log(.notice, "Terminating connection due to lack of activity."))
            end = .idleTimeout
            closeLCP("Link inactive", now: now, into: &out)
        } else {
            deadlines[.idle] = min(idleSince + limit, now + idleCheckPeriod(limit))
        }
    }

    // MARK: Data plane

    /// IPv4 may cross the link: the network phase with IPCP Opened on agreed addresses. The
    /// edge moves packets between the line and its interface only while this holds, and
    /// reports them here; otherwise it hands line packets to `receive` (which discards and
    /// counts them) and drops interface packets with `ipDiscardedFromInterface`.
    public var carriesIPv4: Bool {
        phase == .network && ipAddresses != nil && ipcp?.state == .opened
    }

    /// IPv6 may cross the link: IPV6CP Opened on agreed interface identifiers.
    public var carriesIPv6: Bool {
        phase == .network && ipv6Identifiers != nil && ipv6cp?.state == .opened
    }

    /// The interface's MTU: the peer's MRU, or our `mtu` if smaller.
    public var interfaceMTU: Int {
        let mru = lcp.policy.agreed.peerMRU
        return authorization?.framedMTU.map { min($0, mru) } ?? mru
    }

    /// An IP packet from the line was delivered to the interface.
    public mutating func ipDeliveredToInterface(octets: Int) {
        counters.framesReceived += 1
        counters.ipPacketsIn += 1
        counters.ipOctetsIn += octets
        echo?.trafficReceived()
    }

    /// An IP packet from the interface was framed onto the line.
    public mutating func ipSentToLine(octets: Int) {
        counters.ipPacketsOut += 1
        counters.ipOctetsOut += octets
    }

    /// An interface packet arrived while IPv4 could not cross, or the line's output was full.
    public mutating func ipDiscardedFromInterface() {
        counters.ipPacketsOutDropped += 1
    }

    // MARK: Phases

    private mutating func lcpUp(now: Instant, into out: inout [LinkAction]) {
        let agreed = lcp.policy.agreed
        var framing = LinkFraming()
        framing.sendACCM = agreed.peerAsyncMap
        framing.sendACFC = agreed.peerAddressControlCompression
        framing.sendPFC = agreed.peerProtocolCompression
        framing.receiveACCM = agreed.ourAsyncMap
        framing.receiveACFC = agreed.ourAddressControlCompression
        framing.receivePFC = agreed.ourProtocolCompression
        framing.receiveMRU = agreed.ourMRU
        out.append(.setFraming(framing))

        if configuration.requirePeerAuthentication && !agreed.peerAuthenticatesWithCHAP {
            out.append(.log(.warning, "peer refused to authenticate: terminating link"))
            end = .peerAuthenticationFailed(nil)
            closeLCP("peer refused to authenticate", now: now, into: &out)
            return
        }

        if let interval = configuration.echoInterval, configuration.echoFailure > 0 {
            var monitor = LCPEchoMonitor(interval: interval, maxFailures: configuration.echoFailure, magic: agreed.ourMagic)
            monitor.adaptive = configuration.echoAdaptive
            let actions = monitor.start(now: now)
            echo = monitor
            handleEcho(actions, now: now, into: &out)
        }

        phase = .authenticate
        out.append(.phase(.authenticate))
        auth = AuthenticationState()
        if agreed.peerAuthenticatesWithCHAP, var config = configuration.authenticator {
            config.algorithm = LCPOption.chapMD5
            do {
                var a = try CHAPAuthenticator(configuration: config)
                let actions = a.start(now: now, using: &random)
                auth?.authenticator = a
                handleAuthenticator(actions, now: now, into: &out)
            } catch {
                out.append(.log(.error, "\(error)"))
                end = .fatalError
                closeLCP("Authentication failed", now: now, into: &out)
                return
            }
        }
        if agreed.weAuthenticateWithCHAP, let config = configuration.peer {
            do {
                var p = try CHAPPeer(configuration: config)
                let actions = p.start(now: now)
                auth?.peer = p
                handlePeer(actions, now: now, into: &out)
            } catch {
                out.append(.log(.error, "\(error)"))
                end = .fatalError
                closeLCP("Failed to authenticate ourselves to peer", now: now, into: &out)
                return
            }
        }
        checkAuthenticationComplete(now: now, into: &out)
    }

    private var authenticationComplete: Bool {
        guard let auth, lcp.state == .opened else { return false }
        let agreed = lcp.policy.agreed
        return (!agreed.peerAuthenticatesWithCHAP || auth.peerAuthenticated)
            && (!agreed.weAuthenticateWithCHAP || auth.weAuthenticated)
    }

    private mutating func checkAuthenticationComplete(now: Instant, into out: inout [LinkAction]) {
        guard phase == .authenticate, authenticationComplete, var state = auth else { return }
        if state.peerAuthenticated && !state.authUpSent {
            state.authUpSent = true
            auth = state
            out.append(.authUp(peerName: state.peerName))
        }
        phase = .network
        out.append(.phase(.network))
        guard ipcp != nil || ipv6cp != nil else {
            closeLCP("No network protocols running", now: now, into: &out)
            return
        }
        if var machine = ipcp {
            var actions = machine.open(now: now)
            actions += machine.up(now: now)
            ipcp = machine
            handleIPCP(actions, now: now, into: &out)
        }
        if var machine = ipv6cp, phase == .network {
            var actions = machine.open(now: now)
            actions += machine.up(now: now)
            ipv6cp = machine
            handleIPV6CP(actions, now: now, into: &out)
        }
    }

    /// pppd's np_finished: LCP closes once no network protocol is still negotiating or open.
    private var anyNetworkProtocolRunning: Bool {
        func running(_ state: NegotiationState?) -> Bool {
            guard let state else { return false }
            return ![.initial, .starting, .closed, .stopped].contains(state)
        }
        return running(ipcp?.state) || running(ipv6cp?.state)
    }

    private mutating func lcpDown(now: Instant, into out: inout [LinkAction]) {
        let ended = auth
        if var a = ended?.authenticator { _ = a.stop() }
        if var p = ended?.peer { _ = p.stop() }
        auth = nil
        echo = nil
        deadlines[.authenticator] = nil
        deadlines[.peer] = nil
        deadlines[.echo] = nil
        if var machine = ipcp, machine.state != .initial {
            let actions = machine.down(now: now)
            ipcp = machine
            handleIPCP(actions, now: now, into: &out)
        }
        if var machine = ipv6cp, machine.state != .initial {
            let actions = machine.down(now: now)
            ipv6cp = machine
            handleIPV6CP(actions, now: now, into: &out)
        }
        // The next LCP negotiation starts with no address rule from this one's secret.
        ipcp?.policy.allowedRemote = nil
        if let ended, ended.authUpSent {
            out.append(.authDown(peerName: ended.peerName))
        }
        if phase != .dead && phase != .terminate {
            phase = .terminate
            out.append(.phase(.terminate))
        }
    }

    private mutating func closeLCP(_ reason: String, now: Instant, into out: inout [LinkAction]) {
        handleLCP(lcp.close(reason: reason, now: now), now: now, into: &out)
    }

    // MARK: Machine actions

    private mutating func handleLCP(_ actions: [NegotiationAction], now: Instant, into out: inout [LinkAction]) {
        for action in actions {
            switch action {
            case .send(let packet):
                out.append(.send(protocolNumber: PPPProtocol.lcp.rawValue, information: packet.bytes))
            case .setTimer(let t): deadlines[.lcp] = t
            case .cancelTimer: deadlines[.lcp] = nil
            case .thisLayerUp: lcpUp(now: now, into: &out)
            case .thisLayerDown: lcpDown(now: now, into: &out)
            case .thisLayerStarted: break
            case .thisLayerFinished:
                phase = .dead
                out.append(.phase(.dead))
                out.append(.finished(exitStatus: exitStatus))
                finished = true
            case .log(let level, let text): out.append(.log(level, text))
            case .protocolRejected(let proto):
                if proto == .ipcp, var machine = ipcp {
                    let a = machine.protocolRejected(now: now)
                    ipcp = machine
                    handleIPCP(a, now: now, into: &out)
                } else if proto == .ipv6cp, var machine = ipv6cp {
                    let a = machine.protocolRejected(now: now)
                    ipv6cp = machine
                    handleIPV6CP(a, now: now, into: &out)
                } else if proto == .chap {
                    out.append(.log(.warning, "peer rejected CHAP"))
                }
            case .echoReplyReceived(let id):
                if var e = echo {
                    let a = e.replyReceived(identifier: id, now: now)
                    echo = e
                    handleEcho(a, now: now, into: &out)
                }
            case .loopbackDetected:
                end = .loopback
            }
        }
    }

    private mutating func handleIPCP(_ actions: [NegotiationAction], now: Instant, into out: inout [LinkAction]) {
        for action in actions {
            switch action {
            case .send(let packet):
                out.append(.send(protocolNumber: PPPProtocol.ipcp.rawValue, information: packet.bytes))
            case .setTimer(let t): deadlines[.ipcp] = t
            case .cancelTimer: deadlines[.ipcp] = nil
            case .thisLayerUp:
                guard let negotiated = ipcp?.policy.negotiatedAddresses else { break }
                // pppd's np_up: from here the link counts as a success.
                networkWasUp = true
                ipAddresses = negotiated
                out.append(.log(.notice, "local  IP address \(dottedQuad(negotiated.local))"))
                out.append(.log(.notice, "remote IP address \(dottedQuad(negotiated.remote))"))
                if let dns = ipcp?.policy.negotiatedDNS, dns.primary != 0 || dns.secondary != 0 {
                    peerDNS = (dns.primary == 0 ? nil : dns.primary, dns.secondary == 0 ? nil : dns.secondary)
                    if dns.primary != 0 { out.append(.log(.notice, "primary   DNS address \(dottedQuad(dns.primary))")) }
                    if dns.secondary != 0 { out.append(.log(.notice, "secondary DNS address \(dottedQuad(dns.secondary))")) }
                }
                out.append(.ipUp(local: negotiated.local, remote: negotiated.remote))
            case .thisLayerDown:
                if let a = ipAddresses {
                    out.append(.ipDown(local: a.local, remote: a.remote))
                    ipAddresses = nil
                    peerDNS = nil
                }
            case .thisLayerFinished:
                // pppd's np_finished: the last network protocol is gone.
                if lcp.state == .opened && !anyNetworkProtocolRunning {
                    closeLCP("No network protocols running", now: now, into: &out)
                }
            case .thisLayerStarted: break
            case .log(let level, let text): out.append(.log(level, text))
            case .protocolRejected, .echoReplyReceived, .loopbackDetected: break
            }
        }
    }

    private mutating func handleIPV6CP(_ actions: [NegotiationAction], now: Instant, into out: inout [LinkAction]) {
        for action in actions {
            switch action {
            case .send(let packet):
                out.append(.send(protocolNumber: PPPProtocol.ipv6cp.rawValue, information: packet.bytes))
            case .setTimer(let t): deadlines[.ipv6cp] = t
            case .cancelTimer: deadlines[.ipv6cp] = nil
            case .thisLayerUp:
                guard let negotiated = ipv6cp?.policy.negotiatedIdentifiers else { break }
                networkWasUp = true
                ipv6Identifiers = negotiated
                out.append(.log(.notice, "local  LL address \(linkLocalText(negotiated.local))"))
                out.append(.log(.notice, "remote LL address \(linkLocalText(negotiated.remote))"))
                out.append(.ipv6Up(local: negotiated.local, remote: negotiated.remote))
            case .thisLayerDown:
                if let ids = ipv6Identifiers {
                    out.append(.ipv6Down(local: ids.local, remote: ids.remote))
                    ipv6Identifiers = nil
                }
            case .thisLayerFinished:
                if lcp.state == .opened && !anyNetworkProtocolRunning {
                    closeLCP("No network protocols running", now: now, into: &out)
                }
            case .thisLayerStarted: break
            case .log(let level, let text): out.append(.log(level, text))
            case .protocolRejected, .echoReplyReceived, .loopbackDetected: break
            }
        }
    }

    private mutating func handleAuthenticator(_ actions: [CHAPAuthenticator.Action], now: Instant, into out: inout [LinkAction]) {
        for action in actions {
            switch action {
            case .send(let packet):
                out.append(.send(protocolNumber: PPPProtocol.chap.rawValue, information: packet.bytes))
            case .setTimer(let t): deadlines[.authenticator] = t
            case .cancelTimer: deadlines[.authenticator] = nil
            case .log(let level, let text): out.append(.log(level, text))
            case .outcome(.verificationNeeded(let request)):
                if configuration.verifyExternally {
                    out.append(.verify(request))
                } else if var a = auth?.authenticator {
                    let verdict = CHAPVerification.verdict(for: request, secrets: secrets)
                    let actions = a.verdict(verdict, identifier: request.identifier, now: now, using: &random)
                    auth?.authenticator = a
                    handleAuthenticator(actions, now: now, into: &out)
                }
            case .outcome(.peerAuthenticated(let name, let granted)):
                guard auth != nil else { break }
                let peerName = String(decoding: name, as: UTF8.self)
                auth?.peerAuthenticated = true
                auth?.peerName = peerName
                authorization = granted
                out.append(.log(.notice, "Peer \(peerName) authenticated with CHAP"))
                if var machine = ipcp {
                    if let address = granted.remoteAddress {
                        machine.policy.allowedRemote = [.network(address: address, prefixLength: 32, negated: false)]
                    } else {
                        machine.policy.allowedRemote = granted.addresses
                    }
                    ipcp = machine
                }
                if let limit = granted.idleTimeout, idleLimit == nil {
                    // RADIUS Idle-Timeout: from the first authentication, as Session-Timeout.
                    idleLimit = limit
                    idleSince = now
                    idlePackets = ipPacketsMoved
                    deadlines[.idle] = now + idleCheckPeriod(limit)
                }
                if let limit = granted.sessionTimeout, deadlines[.session] == nil {
                    // RADIUS Session-Timeout, from the first authentication (pppd's maxconnect).
                    deadlines[.session] = now + limit
                }
                if configuration.peer?.waitForPeerAuthentication == true, var p = auth?.peer {
                    let a = p.peerAuthenticatedToUs(now: now, secrets: secrets)
                    auth?.peer = p
                    handlePeer(a, now: now, into: &out)
                }
                checkAuthenticationComplete(now: now, into: &out)
            case .outcome(.peerFailed(_, let reason)):
                end = .peerAuthenticationFailed(reason)
                closeLCP("Authentication failed", now: now, into: &out)
            }
        }
    }

    private mutating func handlePeer(_ actions: [CHAPPeer.Action], now: Instant, into out: inout [LinkAction]) {
        for action in actions {
            switch action {
            case .send(let packet):
                out.append(.send(protocolNumber: PPPProtocol.chap.rawValue, information: packet.bytes))
            case .setTimer(let t): deadlines[.peer] = t
            case .cancelTimer: deadlines[.peer] = nil
            case .log(let level, let text): out.append(.log(level, text))
            case .outcome(.authenticated):
                auth?.weAuthenticated = true
                checkAuthenticationComplete(now: now, into: &out)
            case .outcome(.failed):
                end = .authenticationToPeerFailed
                closeLCP("Failed to authenticate ourselves to peer", now: now, into: &out)
            }
        }
    }

    private mutating func handleEcho(_ actions: [LCPEchoMonitor.Action], now: Instant, into out: inout [LinkAction]) {
        for action in actions {
            switch action {
            case .send(let packet):
                out.append(.send(protocolNumber: PPPProtocol.lcp.rawValue, information: packet.bytes))
            case .setTimer(let t): deadlines[.echo] = t
            case .cancelTimer: deadlines[.echo] = nil
            case .log(let level, let text): out.append(.log(level, text))
            case .peerDead:
                end = .echoTimeout
                closeLCP("Peer not responding", now: now, into: &out)
            }
        }
    }

    // MARK: Helpers

    private mutating func receiveCHAP(_ information: [UInt8], now: Instant, into out: inout [LinkAction]) {
        guard phase == .authenticate || phase == .network else {
            counters.discarded += 1
            return
        }
        let packet: CHAPPacket
        do {
            packet = try CHAPPacket(parsing: information)
        } catch {
            counters.malformed += 1
            out.append(.log(.debug, "discarded malformed CHAP packet: \(error)"))
            return
        }
        if packet.isForAuthenticator {
            guard var a = auth?.authenticator else { counters.discarded += 1; return }
            let actions = a.receive(packet, now: now, using: &random)
            auth?.authenticator = a
            handleAuthenticator(actions, now: now, into: &out)
        } else {
            guard var p = auth?.peer else { counters.discarded += 1; return }
            let actions = p.receive(packet, now: now, secrets: secrets)
            auth?.peer = p
            handlePeer(actions, now: now, into: &out)
        }
    }

    private mutating func parse(_ information: [UInt8], _ proto: PPPProtocol, into out: inout [LinkAction]) -> ControlPacket? {
        do {
            return try ControlPacket(parsing: information)
        } catch {
            counters.malformed += 1
            out.append(.log(.debug, "discarded malformed \(proto) packet: \(error)"))
            return nil
        }
    }

    /// RFC 1661 §5.7: an unknown protocol on an open link gets an LCP Protocol-Reject.
    private mutating func rejectProtocol(_ proto: UInt16, _ information: [UInt8], into out: inout [LinkAction]) {
        counters.protocolRejects += 1
        // pppd takes Protocol-Reject identifiers from LCP's own counter.
        let identifier = lcp.nextIdentifier()
        let mru = lcp.policy.agreed.peerMRU
        let room = max(0, mru - ControlPacket.headerLength - 2)
        let packet = ControlPacket(
            code: ControlCode.protocolReject.rawValue, identifier: identifier,
            data: [UInt8(proto >> 8), UInt8(proto & 0xff)] + information.prefix(room))
        out.append(.log(.debug, "Unsupported protocol 0x\(String(proto, radix: 16)) received"))
        out.append(.send(protocolNumber: PPPProtocol.lcp.rawValue, information: packet.bytes))
    }

    /// Appends the timer the edge should arm: the earliest deadline of any machine.
    private func finish(_ out: [LinkAction]) -> [LinkAction] {
        if finished { return out + [.setTimer(nil)] }
        return out + [.setTimer(deadlines.next)]
    }
}

/// What the link counted; the daemon logs them at the end.
public struct LinkCounters: Hashable, Sendable {
    public var framesReceived = 0
    public var discarded = 0
    public var malformed = 0
    public var protocolRejects = 0
    /// IP frames from the line that were not delivered (no IPCP, or no data plane).
    public var ipPacketsDropped = 0
    /// IP carried between the line and the interface (pppd's "Sent N bytes, received M bytes").
    public var ipPacketsIn = 0
    public var ipOctetsIn = 0
    public var ipPacketsOut = 0
    public var ipOctetsOut = 0
    /// Interface packets not sent: IPCP not open, or the line's output queue full.
    public var ipPacketsOutDropped = 0
}

/// The lookup used when no secrets file is configured: nothing matches.
struct NoSecrets: SecretLookup {
    func lookup(client: [UInt8], server: [UInt8]) -> SecretMatch? { nil }
}
