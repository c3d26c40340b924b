import ChapSecrets
import NIOCore
import PPPCore
import PPPFraming

/// How one generated session ended before (or instead of) reaching the network phase.
enum LoadFailure: String, CaseIterable, Sendable, Codable {
    /// The server sent CHAP Failure (our CHAPPeer gave up).
    case authFailed = "auth_failed"
    /// No IPCP Opened within the handshake timeout.
    case timeout
    /// connect() failed: refused, or no answer within the timeout.
    case connectFailed = "connection_refused"
    /// The server closed the connection (or terminated the link) before IPCP Opened.
    case closed = "connection_closed"
    /// LCP/IPCP gave up by themselves (Max-Configure, Reject of something we need).
    case negotiationFailed = "negotiation_failed"
}

/// What a session tells its worker; always called on the session's event loop.
protocol LoadPeerDelegate: AnyObject {
    /// IPCP reached Opened `timeToNetwork` after the connect started.
    func networkUp(_ peer: LoadPeer, timeToNetwork: TimeAmount, remote: UInt32)
    /// The session is over: `failure` is nil when it reached the network phase first.
    /// `lostWhileUp` is set when the network phase ended without our asking (hold mode's losses);
    /// `termAckTimedOut` when we gave up waiting for the server's Terminate-Ack.
    func ended(_ peer: LoadPeer, failure: LoadFailure?, lostWhileUp: Bool, termAckTimedOut: Bool)
}

/// One PPP session over one socket: PPPCore's LinkSession, async HDLC by PPPFraming; a
/// sans-IO session under an NIO edge, as chapd's LinkDriver. The generator's sessions are the
/// authenticated side (`configuration(_:)`); `chapd-bench load respond` runs the other side.
final class LoadPeer: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    struct Settings: Sendable {
        var user: String
        var password: String
        var echoInterval: Duration?
        /// Handshake mode: Terminate-Request as soon as IPCP opens.
        var closeWhenUp: Bool
        /// Longest time from connect to IPCP Opened; nil: no limit (the responder).
        var handshakeTimeout: TimeAmount? = .seconds(10)
        /// Longest wait for the server's Terminate-Ack after our Terminate-Request.
        var termAckTimeout: TimeAmount = .seconds(3)
    }

    static func configuration(_ settings: Settings) -> LinkConfiguration {
        var lcp = LCPConfiguration()
        lcp.requireCHAP = false
        lcp.canAuthenticateWithCHAP = true
        var ipcp = IPCPConfiguration()
        // No LOCAL: we send <addr 0.0.0.0> and take the server's Nak (pppd's noipdefault).
        ipcp.acceptLocal = true
        ipcp.noIPDefault = true
        var peer = CHAPPeerConfiguration(name: settings.user, password: Secret(settings.password))
        // No later than the handshake timeout, rather than pppd's 60 s.
        peer.timeout = settings.handshakeTimeout.map { .nanoseconds($0.nanoseconds) } ?? peer.timeout
        var configuration = LinkConfiguration(
            lcp: lcp, ipcp: ipcp, requirePeerAuthentication: false, authenticator: nil, peer: peer)
        if let interval = settings.echoInterval {
            configuration.echoInterval = interval
            configuration.echoFailure = 3
        }
        return configuration
    }

    private var session: LinkSession
    private let settings: Settings
    private weak var delegate: (any LoadPeerDelegate)?
    private let started: NIODeadline
    private var context: ChannelHandlerContext?
    private var decoder = HDLCDecoder()
    private var encoder = HDLCEncoder()
    private var timer: Scheduled<Void>?
    private var guardTimer: Scheduled<Void>?
    private var unflushed = false
    private var up = false
    private var closeRequested = false
    private var termAckTimedOut = false
    private var reported = false
    private var failure: LoadFailure?

    /// `secrets`: nil on the generator's side, whose password is in the peer configuration.
    init(configuration: LinkConfiguration, secrets: (any SecretLookup)? = nil, settings: Settings,
         delegate: (any LoadPeerDelegate)?, started: NIODeadline) {
        session = LinkSession(configuration: configuration, secrets: secrets)
        self.settings = settings
        self.delegate = delegate
        self.started = started
    }

    private var now: Instant { Instant(nanoseconds: Int64(NIODeadline.now().uptimeNanoseconds)) }

    // MARK: Requests from the worker

    /// Ask the link to end politely: Terminate-Request, then close on Terminate-Ack or after
    /// `termAckTimeout`.
    func close() {
        guard let context, !reported, !closeRequested else { return }
        closeRequested = true
        guardTimer?.cancel()
        guardTimer = context.eventLoop.assumeIsolated().scheduleTask(in: settings.termAckTimeout) { [self] in
            termAckTimedOut = true
            self.context?.close(promise: nil)
        }
        perform(session.close(reason: "User request", end: .userRequest, now: now))
    }

    /// connect() itself failed: no channel ever became active.
    func connectFailed(_ error: any Error) {
        if let error = error as? ChannelError, case .connectTimeout = error { failure = .timeout } else { failure = .connectFailed }
        report()
    }

    // MARK: Channel events

    func channelActive(context: ChannelHandlerContext) {
        self.context = context
        if let limit = settings.handshakeTimeout {
            guardTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: started + limit) { [self] in
                guard !up else { return }
                failure = .timeout
                self.context?.close(promise: nil)
            }
        }
        perform(session.lowerUp(now: now))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data).readableBytesView
        // One flag-terminated piece at a time, acting on each frame before decoding further:
        // framing agreed by a frame (ACCM, ACFC, PFC) applies to the next one in the same read.
        var start = bytes.startIndex
        while start < bytes.endIndex && !reported {
            let end = bytes[start...].firstIndex(of: 0x7e).map { bytes.index(after: $0) } ?? bytes.endIndex
            var frames: [PPPFrame] = []
            decoder.decode(bytes[start..<end]) { event in
                if case .frame(let frame) = event { frames.append(frame) }
            }
            start = end
            for frame in frames where !reported {
                perform(session.receive(protocolNumber: frame.protocolNumber, information: frame.information, now: now))
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        guardTimer?.cancel()
        report()
        self.context = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    // MARK: Actions

    private func perform(_ actions: [LinkAction]) {
        var closeNow = false
        for action in actions {
            switch action {
            case .send(let proto, let information):
                guard let context else { break }
                var buffer = context.channel.allocator.buffer(capacity: information.count * 2 + 16)
                encoder.encode(PPPFrame(protocolNumber: proto, information: information), into: &buffer)
                context.write(wrapOutboundOut(buffer), promise: nil)
                unflushed = true
            case .setTimer(let deadline):
                timer?.cancel()
                timer = nil
                if let deadline, let context {
                    timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: NIODeadline.uptimeNanoseconds(UInt64(max(0, deadline.nanoseconds)))) { [self] in
                        timer = nil
                        guard !reported else { return }
                        perform(session.timeout(now: now))
                    }
                }
            case .setFraming(let f):
                f.apply(to: &encoder, and: &decoder)
            case .ipUp(_, let remote):
                guard !up else { break }
                up = true
                guardTimer?.cancel()
                guardTimer = nil
                delegate?.networkUp(self, timeToNetwork: NIODeadline.now() - started, remote: remote)
                closeNow = settings.closeWhenUp
            case .finished:
                // Terminate-Ack received (or LCP gave up): the link is over, so is the socket.
                context?.close(promise: nil)
            case .log, .phase, .authUp, .authDown, .ipDown, .ipv6Up, .ipv6Down, .verify:
                break
            }
        }
        if unflushed, let context {
            // Every frame one event produced leaves in one flush.
            unflushed = false
            context.flush()
        }
        if closeNow { close() }
    }

    private func report() {
        guard !reported else { return }
        reported = true
        var why = failure
        if !up && why == nil {
            switch session.end {
            case .authenticationToPeerFailed: why = .authFailed
            case .negotiationEnded where session.phase == .dead: why = .negotiationFailed
            default: why = .closed
            }
        }
        delegate?.ended(self, failure: up ? nil : why, lostWhileUp: up && !closeRequested, termAckTimedOut: termAckTimedOut)
    }
}
