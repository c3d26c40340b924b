import CLineSupport
import Dispatch
import Logging
import NIOCore
import NIOPosix
import PPPCore
import PPPFraming
import PPPPackets
import PPPCapture

/// The I/O edge of one link: bytes from the line go through the HDLC decoder into the
/// sans-IO `LinkSession`; the session's actions come back out as frames, timers, logs,
/// hooks and, at the end, an exit status. Everything runs on the channel's event loop.
final class LinkDriver: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var session: LinkSession
    private var decoder = HDLCDecoder()
    private var encoder = HDLCEncoder()
    private let logger: Logger
    private let hooks: HookRunner?
    private var hookFacts: HookRunner.LinkFacts
    private let origin = NIODeadline.now()
    private var timer: Scheduled<Void>?
    private var context: ChannelHandlerContext?
    private var finished = false
    private var reportedDrops = HDLCCounters()
    /// Frames not written because the line's output queue was full, this stall and in all.
    private var outputDropsThisStall = 0
    private(set) var outputDrops = 0

    /// The bound on one link's queued output (NIO's write-buffer high water mark). A peer
    /// that stops reading costs at most this much memory (plus one frame); what it would add
    /// beyond is dropped and counted, and a peer that never reads again is found dead by the
    /// LCP echoes like one that never answers.
    static let outputQueueLimit = 64 * 1024
    static let outputQueueResume = 16 * 1024
    private let onFinished: @Sendable (Int32) -> Void

    /// nil: `nodataplane`.
    private let dataPlane: DataPlanePlan?
    /// Decides CHAP Responses when the session verifies externally (RADIUS).
    private let verifier: (any ExternalVerifier)?
    private let verificationContext: VerificationContext
    /// The interface while IPCP is up (and, after it went down, until ip-down has run).
    private var interface: InterfaceState?
    /// The link ended: its status is reported once what must finish first (ip-down, the
    /// accounting Stop) has.
    private var finishStatus: Int32?
    private var waitingForInterface = false
    private var pendingBeforeExit = 0
    /// RADIUS: accounting for this link, when `plugin radius.so`.
    private let radius: RADIUSBackend?
    private var accounting: RADIUSBackend.Session?

    /// The server's per-link record (nil for the single-link chapd). Set before the channel
    /// becomes active. Weak: the record holds the driver, and the server holds the record
    /// while the link lives.
    weak var observer: (any LinkObserver)?
    /// The link's event loop, kept after the handler leaves the pipeline (ip-down and the
    /// accounting Stop may complete after that).
    private var loop: EventLoop?
    private(set) var lineCounters = LineCounters()
    private(set) var phase: LinkPhase = .dead
    private var authenticationBegan: Instant?
    /// `link-input-limit`: octets per second this link may feed us; 0: no limit. Past it, reads
    /// pause until the second is over, so a flooding peer spends only its own budget.
    var inputLimit = 0
    /// `link-control-limit`: frames per second other than the IP the data path carries
    /// (LCP, CHAP, the NCPs, and frames the framing discards) this link may have us handle;
    /// 0: no limit. Each costs a pass through the machines and often an answer, so a peer
    /// sending small packets could stay under the octet budget and still take the loop from
    /// every other link. Past it, the rest are dropped unhandled and reads pause until the
    /// second is over.
    var controlLimit = 0
    private var inputWindowStart: Instant = .zero
    private var inputThisWindow = 0
    private var controlThisWindow = 0
    private var inputPaused = false

    /// Touched only on the link's event loop.
    private final class InterfaceState: @unchecked Sendable {
        let tun: TunInterface
        /// A second descriptor on the TUN device: closing the channel's is then quick, and
        /// the last close, which removes the interface and waits for the kernel (tens of
        /// milliseconds), happens here off the event loop.
        let hold: CInt
        var channel: Channel?
        var addedDefaultRoute = false
        var closed = false
        /// Which network protocols are up on it; it is removed when neither is.
        var ipv4 = false
        var ipv6 = false
        init(tun: TunInterface) {
            self.tun = tun
            hold = dup(tun.fd)
        }

        static let closer = DispatchQueue(label: "chapd.interface-removal")

        func release() {
            let fd = hold
            if fd >= 0 { Self.closer.async { close(fd) } }
        }
    }

    init(
        session: LinkSession, logger: Logger, capture: CaptureWriter?, hooks: HookRunner?,
        hookFacts: HookRunner.LinkFacts, dataPlane: DataPlanePlan? = nil,
        verifier: (any ExternalVerifier)? = nil, verificationContext: VerificationContext? = nil,
        radius: RADIUSBackend? = nil,
        onFinished: @escaping @Sendable (Int32) -> Void
    ) {
        self.dataPlane = dataPlane
        self.radius = radius
        self.verifier = verifier
        self.verificationContext = verificationContext
            ?? VerificationContext(device: hookFacts.device, port: 0, isSerial: false, ipparam: hookFacts.ipparam)
        self.session = session
        self.logger = logger
        self.capture = capture
        self.hooks = hooks
        self.hookFacts = hookFacts
        self.onFinished = onFinished
    }

    /// What the link counted so far (tests and, later, the control socket read it).
    var counters: LinkCounters { session.counters }

    private var now: Instant { Instant(nanoseconds: Int64(NIODeadline.now().uptimeNanoseconds - origin.uptimeNanoseconds)) }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        loop = context.eventLoop
    }

    /// The pipeline is torn down: drop the context, which holds this handler (a cycle that
    /// would keep every ended link of a server in memory).
    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        self.context = context
        _ = context.channel.setOption(
            .writeBufferWaterMark, value: .init(low: Self.outputQueueResume, high: Self.outputQueueLimit))
        perform(session.lowerUp(now: now))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data).readableBytesView
        lineCounters.octetsIn += bytes.count
        if inputLimit > 0 || controlLimit > 0 { startWindowIfDue() }
        if inputLimit > 0 { meterInput(bytes.count, context: context) }
        var overControlLimit = 0
        var brokenFrames = 0
        // Feed the decoder one flag-terminated piece at a time and act on each frame before
        // decoding further: when a frame opens LCP, the framing it agrees (receive ACCM,
        // ACFC, PFC) must already apply to the very next frame in the same read.
        var start = bytes.startIndex
        while start < bytes.endIndex && !finished {
            let end = bytes[start...].firstIndex(of: 0x7e).map { bytes.index(after: $0) } ?? bytes.endIndex
            var frames: [PPPFrame] = []
            decoder.decodeBorrowing(bytes[start..<end]) { event in
                guard case .frame(let view) = event, !finished else {
                    if case .dropped = event { brokenFrames += 1 }
                    return
                }
                lineCounters.framesIn += 1
                if let channel = interface?.channel,
                   (view.protocolNumber == 0x0021 && session.carriesIPv4) || (view.protocolNumber == 0x0057 && session.carriesIPv6) {
                    // The data path: IP from the decoder's own storage straight into one
                    // buffer for the interface, one write per packet (a TUN write is one
                    // packet, so writes must never be coalesced).
                    if capture != nil { record(.received, view.frame) }
                    session.ipDeliveredToInterface(octets: view.information.count)
                    var packet = channel.allocator.buffer(capacity: view.information.count)
                    packet.writeBytes(view.information)
                    channel.writeAndFlush(packet, promise: nil)
                } else {
                    frames.append(view.frame)
                }
            }
            start = end
            for frame in frames where !finished {
                if controlLimit > 0 {
                    controlThisWindow += 1
                    if controlThisWindow > controlLimit {
                        overControlLimit += 1
                        continue
                    }
                }
                record(.received, frame)
                if logger.logLevel <= .debug {
                    logger.debug("rcvd [\(PPPDebugText.describe(protocolNumber: frame.protocolNumber, information: frame.information))]")
                }
                perform(session.receive(protocolNumber: frame.protocolNumber, information: frame.information, now: now))
            }
        }
        if overControlLimit > 0 { observer?.linkDropped("control-limit", count: overControlLimit) }
        if controlLimit > 0 {
            // Frames the framing threw away cost a decode each and come from the same kind
            // of peer: they count against the same budget.
            controlThisWindow += brokenFrames
            if controlThisWindow > controlLimit { pauseReads(context: context) }
        }
        reportDrops()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        // Backpressure: while the line cannot take more, stop reading the interface and let
        // the kernel's TUN queue drop the excess, as a real interface would.
        if let channel = interface?.channel {
            _ = channel.setOption(.autoRead, value: context.channel.isWritable)
        }
        guard context.channel.isWritable, outputDropsThisStall > 0 else { return }
        logger.warning("line output was blocked: \(outputDropsThisStall) frame(s) dropped")
        outputDropsThisStall = 0
        // The queue drained: hand the freed buffers back rather than keep the peak.
        _ = chapd_release_free_memory()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // EIO on a pty whose other side closed is how a hang-up looks from here.
        hangup("\(error)")
    }

    func channelInactive(context: ChannelHandlerContext) {
        hangup("line closed")
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let e = event as? ChannelEvent, e == .inputClosed {
            hangup("end of file")
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    // MARK: Requests from the daemon (signals)

    /// SIGTERM/SIGINT: pppd's "Terminating on signal N", then a TermReq "User request".
    func terminate(signal: Int32) {
        guard !finished else { return }
        logger.notice("Terminating on signal \(signal)")
        perform(session.close(reason: "User request", end: .userRequest, now: now))
    }

    /// An operator ended the link (`chapctl terminate`, a removed listener or line).
    func terminate(reason: String, end: LinkEnd) {
        guard !finished else { return }
        logger.notice("Terminating: \(reason)")
        perform(session.close(reason: reason, end: end, now: now))
    }

    /// The link cannot end politely in time (shutdown): drop the line now.
    func abort() {
        guard !finished else { return }
        context?.channel.close(promise: nil)
    }

    /// What `chapctl show sessions` shows of this link.
    var peerName: String { hookFacts.peerName }
    var interfaceName: String? { interface?.tun.name }
    var addresses: (local: UInt32, remote: UInt32)? { session.ipAddresses }
    /// A network protocol came up on this link (pppd's np_up: the attempt succeeded).
    var networkWasUp: Bool { session.networkWasUp }
    var sessionCounters: LinkCounters { session.counters }
    var accountingSessionId: String? { accounting?.id }

    /// A new second of the input budgets begins once the last one is over.
    private func startWindowIfDue() {
        let t = now
        guard t.nanoseconds - inputWindowStart.nanoseconds >= 1_000_000_000 else { return }
        inputWindowStart = t
        inputThisWindow = 0
        controlThisWindow = 0
    }

    /// Counts input against this second's octet budget; past it, reading pauses.
    private func meterInput(_ count: Int, context: ChannelHandlerContext) {
        inputThisWindow += count
        if inputThisWindow > inputLimit { pauseReads(context: context) }
    }

    /// Stops reading until this second of the budget is over.
    private func pauseReads(context: ChannelHandlerContext) {
        guard !inputPaused else { return }
        inputPaused = true
        observer?.linkDropped("input-paused", count: 1)
        let resume = max(0, 1_000_000_000 - (now.nanoseconds - inputWindowStart.nanoseconds))
        _ = context.channel.setOption(.autoRead, value: false)
        context.eventLoop.scheduleTask(in: .nanoseconds(resume)) { [self] in
            inputPaused = false
            inputWindowStart = now
            inputThisWindow = 0
            controlThisWindow = 0
            if !finished { _ = self.context?.channel.setOption(.autoRead, value: true) }
        }
    }

    // MARK: Performing actions

    private func hangup(_: String) {
        guard !finished else { return }
        logger.notice("Modem hangup")
        perform(session.lowerDown(now: now))
        finish(ExitStatus.hangup)
    }

    /// Frames written since the last flush: the frames one event produced leave together.
    private var unflushed = false

    private func perform(_ actions: [LinkAction]) {
        defer { flushLine() }
        for action in actions {
            switch action {
            case .send(let proto, let info):
                send(PPPFrame(protocolNumber: proto, information: info))
            case .setTimer(let deadline):
                timer?.cancel()
                timer = nil
                if let deadline, let context {
                    let delay = max(0, deadline.nanoseconds - now.nanoseconds)
                    timer = context.eventLoop.scheduleTask(in: .nanoseconds(delay)) { [self] in
                        timer = nil
                        guard !finished else { return }
                        perform(session.timeout(now: now))
                    }
                }
            case .verify(let request):
                guard let verifier, let loop = context?.eventLoop else {
                    logger.error("CHAP: no verification backend configured")
                    perform(session.verdict(.reject(.backendUnavailable, message: nil), identifier: request.identifier, now: now))
                    break
                }
                verifier.verify(request, context: verificationContext) { [self] verdict in
                    loop.execute {
                        guard !self.finished else { return }
                        let amended = self.observer?.amend(verdict) ?? verdict
                        self.perform(self.session.verdict(amended, identifier: request.identifier, now: self.now))
                    }
                }
            case .setFraming(let f):
                f.apply(to: &encoder, and: &decoder)
            case .log(let level, let text):
                logger.log(level: level.swiftLogLevel, "\(text)")
            case .phase(let p):
                let old = phase
                phase = p
                if p == .authenticate { authenticationBegan = now }
                observer?.linkPhaseChanged(from: old, to: p)
            case .authUp(let peer):
                if let began = authenticationBegan {
                    observer?.linkAuthenticated(peer: peer, after: .nanoseconds(now.nanoseconds - began.nanoseconds))
                    authenticationBegan = nil
                }
                hookFacts.peerName = peer
                hooks?.run(.authUp, facts: hookFacts)
            case .authDown(let peer):
                hookFacts.peerName = peer
                hooks?.run(.authDown, facts: hookFacts)
            case .ipUp(let local, let remote):
                if let observer, !observer.linkNetworkUp(remote: remote) {
                    logger.error("Remote IP address \(dottedQuad(remote)) is in use by another link")
                    perform(session.close(reason: "Address in use", end: .fatalError, now: now))
                    break
                }
                hookFacts.localAddress = dottedQuad(local)
                hookFacts.remoteAddress = dottedQuad(remote)
                // usepeerdns (pppd's ipcp_up): resolv.conf is written before ip-up runs.
                hookFacts.dns1 = session.peerDNS?.primary.map(dottedQuad) ?? ""
                hookFacts.dns2 = session.peerDNS?.secondary.map(dottedQuad) ?? ""
                if let dns = session.peerDNS { hooks?.writeResolvConf(primary: dns.primary, secondary: dns.secondary) }
                if let dataPlane {
                    guard let state = ensureInterface(plan: dataPlane) else { break }
                    do {
                        try state.tun.configureIPv4(local: local, remote: remote)
                    } catch {
                        failInterface(error)
                        break
                    }
                    state.ipv4 = true
                    if dataPlane.defaultRoute && !state.addedDefaultRoute {
                        switch state.tun.addDefaultRouteIfNone() {
                        case .success(true): state.addedDefaultRoute = true
                        case .success(false): logger.warning("not replacing existing default route")
                        case .failure(let error): logger.warning("\(error)")
                        }
                    }
                }
                hooks?.run(.ipUp, facts: hookFacts)
                startAccounting()
            case .ipDown:
                takeDown(.ipDown) { $0.ipv4 = false }
            case .ipv6Up(let local, let remote):
                hookFacts.linkLocalAddress = linkLocalText(local)
                hookFacts.linkRemoteAddress = linkLocalText(remote)
                if let dataPlane {
                    guard let state = ensureInterface(plan: dataPlane) else { break }
                    do {
                        try state.tun.configureIPv6(localIdentifier: local)
                    } catch {
                        failInterface(error)
                        break
                    }
                    state.ipv6 = true
                }
                hooks?.run(.ipv6Up, facts: hookFacts)
                startAccounting()
            case .ipv6Down:
                takeDown(.ipv6Down) { $0.ipv6 = false }
            case .finished(let status):
                finish(status)
            }
        }
    }

    private func send(_ frame: PPPFrame) {
        guard let context, context.channel.isActive else { return }
        guard context.channel.isWritable else {
            // The peer is not reading: past the queue's bound a frame is dropped, not queued.
            observer?.linkDropped("output-full", count: 1)
            if outputDropsThisStall == 0 {
                logger.warning("line output queue full (\(Self.outputQueueLimit) octets): dropping frames until the peer reads")
            }
            outputDropsThisStall += 1
            outputDrops += 1
            return
        }
        if logger.logLevel <= .debug && frame.protocolNumber != 0x0021 && frame.protocolNumber != 0x0057 {
            logger.debug("sent [\(PPPDebugText.describe(protocolNumber: frame.protocolNumber, information: frame.information))]")
        }
        record(.sent, frame)
        var buffer = context.channel.allocator.buffer(capacity: frame.information.count * 2 + 16)
        encoder.encode(frame, into: &buffer)
        lineCounters.framesOut += 1
        lineCounters.octetsOut += buffer.readableBytes
        context.write(wrapOutboundOut(buffer), promise: nil)
        unflushed = true
    }

    /// `record FILE`: a capture that cannot be written any more is logged once and dropped,
    /// never allowed to take the link down.
    private var capture: CaptureWriter?

    private func record(_ direction: CaptureDirection, _ frame: PPPFrame) {
        guard let writer = capture else { return }
        do {
            try writer.write(direction: direction, timestamp: .now(), frame: frame)
        } catch {
            logger.error("record: \(error); recording stopped")
            writer.close()
            capture = nil
        }
    }

    private func reportDrops() {
        let c = decoder.counters
        if let observer {
            let r = reportedDrops
            if c.badFCS > r.badFCS { observer.linkDropped("bad-fcs", count: c.badFCS - r.badFCS) }
            if c.tooShort > r.tooShort { observer.linkDropped("too-short", count: c.tooShort - r.tooShort) }
            if c.tooLong > r.tooLong { observer.linkDropped("too-long", count: c.tooLong - r.tooLong) }
            if c.aborted > r.aborted { observer.linkDropped("aborted", count: c.aborted - r.aborted) }
            if c.badHeader > r.badHeader { observer.linkDropped("bad-header", count: c.badHeader - r.badHeader) }
        }
        if c.badFCS > reportedDrops.badFCS {
            logger.debug("discarded \(c.badFCS - reportedDrops.badFCS) frame(s) with bad FCS (total \(c.badFCS))")
        }
        let otherNow = c.tooShort + c.tooLong + c.aborted + c.badHeader
        let otherThen = reportedDrops.tooShort + reportedDrops.tooLong + reportedDrops.aborted + reportedDrops.badHeader
        if otherNow > otherThen {
            logger.debug("discarded \(otherNow - otherThen) malformed frame(s) (short \(c.tooShort), long \(c.tooLong), aborted \(c.aborted), bad header \(c.badHeader))")
        }
        reportedDrops = c
    }

    private func finish(_ status: Int32) {
        guard !finished else { return }
        finished = true
        timer?.cancel()
        timer = nil
        let c = session.counters
        if c.ipPacketsIn + c.ipPacketsOut > 0 {
            logger.notice("Sent \(c.ipOctetsOut) bytes, received \(c.ipOctetsIn) bytes.")
        }
        logger.notice("Connection terminated.")
        capture?.close()
        if let context {
            // Let queued frames (a final TermAck) reach the line before closing it.
            flushLine()
            context.channel.close(promise: nil)
        }
        finishStatus = status
        if let state = interface, !state.closed {
            if state.ipv4 || state.ipv6 {
                removeInterface(state)
            } else {
                // ip-down is still running: the interface (and the process) stay until it is done.
                waitingForInterface = true
                pendingBeforeExit += 1
            }
        }
        if let radius, let session = accounting {
            accounting = nil
            pendingBeforeExit += 1
            let loop = self.loop
            radius.stop(session, counters: self.session.counters, end: self.session.end).whenComplete { [self] _ in
                let done = { self.pendingBeforeExit -= 1; self.completeIfDone() }
                if let loop { loop.execute(done) } else { done() }
            }
        }
        completeIfDone()
    }

    private func completeIfDone() {
        guard let status = finishStatus, pendingBeforeExit == 0 else { return }
        finishStatus = nil
        if let observer {
            let c = session.counters
            if c.discarded > 0 { observer.linkDropped("discarded", count: c.discarded) }
            if c.malformed > 0 { observer.linkDropped("malformed", count: c.malformed) }
            observer.linkEnded(session.end, networkWasUp: session.networkWasUp)
        }
        onFinished(status)
    }

    // MARK: RADIUS accounting

    /// The network phase began (the first network protocol opened): accounting Start, and
    /// Interim-Updates at the interval RADIUS (or `radius-acct-interim`) set.
    private func startAccounting() {
        guard let radius, accounting == nil, let granted = session.authorization else { return }
        let started = radius.start(userName: Array(hookFacts.peerName.utf8), framedAddress: session.ipAddresses?.remote,
                                   context: verificationContext, classes: granted.radiusClass)
        accounting = started
        logger.info("RADIUS: accounting session \(started.id) started")
        if let interval = granted.interimInterval, let loop {
            started.interim = loop.scheduleRepeatedTask(initialDelay: .nanoseconds(interval.nanoseconds),
                                                        delay: .nanoseconds(interval.nanoseconds)) { [self] task in
                guard !finished, let current = accounting, current === started else { task.cancel(); return }
                radius.interim(current, counters: session.counters)
            }
        }
    }

    /// RADIUS Disconnect-Request: does it name this link (Acct-Session-Id, User-Name or
    /// Framed-IP-Address)? If so the link ends (Admin-Reset).
    func disconnect(sessionId: String?, userName: [UInt8]?, framedAddress: UInt32?) -> Bool {
        guard !finished, let current = accounting else { return false }
        let byId = sessionId.map { $0 == current.id } ?? true
        let byName = userName.map { $0 == Array(hookFacts.peerName.utf8) } ?? true
        let byAddress = framedAddress.map { $0 == session.ipAddresses?.remote } ?? true
        guard byId && byName && byAddress, sessionId != nil || userName != nil || framedAddress != nil else { return false }
        logger.notice("RADIUS Disconnect-Request: ending session \(current.id)")
        perform(session.close(reason: "Administrative reset", end: .administrativeReset, now: now))
        return true
    }

    // MARK: The data plane

    /// The link's interface, created (up, MTU set, IPv6 off until IPV6CP opens) when the
    /// first network protocol opens. nil when it could not be made: the link is then ended
    /// with status 1, as pppd's "Couldn't create new ppp unit".
    private func ensureInterface(plan: DataPlanePlan) -> InterfaceState? {
        if let interface { return interface }
        guard let context else { return nil }
        let tun: TunInterface
        do {
            tun = try TunInterface.create(pattern: plan.namePattern)
        } catch {
            failInterface(error)
            return nil
        }
        do {
            tun.disableIPv6()
            try tun.bringUp(mtu: session.interfaceMTU)
        } catch {
            close(tun.fd)
            failInterface(error)
            return nil
        }
        logger.info("Using interface \(tun.name)")
        hookFacts.interfaceName = tun.name
        observer?.linkInterface(tun.name)
        let state = InterfaceState(tun: tun)
        interface = state
        // Each read is one packet: the buffer must hold the largest the MTU allows, and never
        // shrink (an adaptive allocator would truncate the next large packet).
        NIOPipeBootstrap(group: context.eventLoop)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: max(session.interfaceMTU, 1280)))
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(TunHandler(driver: self)) }
            }
            .takingOwnershipOfDescriptor(inputOutput: tun.fd)
            .whenComplete { [self] result in
                switch result {
                case .success(let channel):
                    if state.closed || finished {
                        channel.close(promise: nil)
                    } else {
                        state.channel = channel
                        if let line = self.context, !line.channel.isWritable {
                            _ = channel.setOption(.autoRead, value: false)
                        }
                    }
                case .failure(let error):
                    logger.error("Couldn't attach to interface \(tun.name): \(error)")
                    close(tun.fd)
                    state.release()
                    state.closed = true
                    if interface === state { interface = nil }
                    if !finished {
                        perform(session.close(reason: "Failed to attach interface", end: .fatalError, now: now))
                    }
                }
            }
        return state
    }

    private func failInterface(_ error: Error) {
        logger.error("\(error)")
        if let state = interface { removeInterface(state) }
        perform(session.close(reason: "Failed to create interface", end: .fatalError, now: now))
    }

    /// A network protocol went down: its hook runs while the interface still exists; the
    /// interface is removed once no protocol is up on it.
    private func takeDown(_ hook: HookRunner.Hook, _ mark: (InterfaceState) -> Void) {
        guard let state = interface else {
            hooks?.run(hook, facts: hookFacts)
            return
        }
        mark(state)
        let last = !state.ipv4 && !state.ipv6
        if last { _ = state.channel?.setOption(.autoRead, value: false) }
        guard let hooks else {
            if last { removeInterface(state) }
            return
        }
        let loop = self.loop
        hooks.run(hook, facts: hookFacts) { [self] in
            loop?.execute { if !state.ipv4 && !state.ipv6 { self.removeInterface(state) } }
        }
        // A hook that never ends must not keep the interface (or chapd) for ever.
        if last { loop?.scheduleTask(in: .seconds(10)) { self.removeInterface(state) } }
    }

    private func removeInterface(_ state: InterfaceState) {
        guard !state.closed else { return }
        state.closed = true
        if state.addedDefaultRoute { state.tun.removeDefaultRoute() }
        // Closing the descriptor removes the interface; one still being attached is closed by
        // the attach completion, which sees `closed`.
        state.channel?.close(promise: nil)
        state.release()
        if interface === state { interface = nil }
        if waitingForInterface {
            waitingForInterface = false
            pendingBeforeExit -= 1
            completeIfDone()
        }
    }

    /// A packet the kernel routed into the interface: frame it onto the line if its family
    /// may cross and the line can take it; otherwise drop and count it.
    func packetFromInterface(_ packet: ByteBuffer) {
        let version = packet.getInteger(at: packet.readerIndex, as: UInt8.self).map { $0 >> 4 }
        let proto: UInt16
        switch version {
        case 4 where session.carriesIPv4: proto = 0x0021
        case 6 where session.carriesIPv6: proto = 0x0057
        default:
            session.ipDiscardedFromInterface()
            return
        }
        guard !finished, let context, context.channel.isWritable else {
            session.ipDiscardedFromInterface()
            return
        }
        session.ipSentToLine(octets: packet.readableBytes)
        if capture != nil { record(.sent, PPPFrame(protocolNumber: proto, information: Array(packet.readableBytesView))) }
        // Framed straight from the interface's buffer into the line's: no copy in between.
        var buffer = context.channel.allocator.buffer(capacity: packet.readableBytes * 2 + 16)
        packet.withUnsafeReadableBytes { encoder.encode(protocolNumber: proto, information: $0, into: &buffer, lineIdle: true) }
        lineCounters.framesOut += 1
        lineCounters.octetsOut += buffer.readableBytes
        context.write(wrapOutboundOut(buffer), promise: nil)
        unflushed = true
    }

    func flushLine() {
        if unflushed, let context {
            unflushed = false
            context.flush()
        }
    }

    func interfaceFailed(_ error: Error) {
        guard !finished else { return }
        logger.error("interface \(interface?.tun.name ?? "?"): \(error)")
    }
}

extension PPPCore.LogLevel {
    var swiftLogLevel: Logger.Level {
        switch self {
        case .debug: return .debug
        case .info: return .info
        case .notice: return .notice
        case .warning: return .warning
        case .error: return .error
        }
    }
}
