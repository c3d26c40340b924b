import ChapSecrets
import ChapdConfig
import ChapdControl
import Dispatch
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PPPCapture
import PPPCore
import RADIUS
import RADIUSTransport

/// What the links of one source (a listener, a line) are built from.
struct LinkTemplate: Sendable {
    var configuration: LinkConfiguration
    var dataPlane: DataPlanePlan?
    var hookDirectory: String?
    var facts: HookRunner.LinkFacts
    /// `record FILE`: `%i` becomes the link's id (else `.ID` is appended).
    var capturePattern: String?
    var lineSettings: LineSettings
    var lock: Bool
}

/// The server's configuration as read from its words and files; re-read on SIGHUP.
public struct ServerConfiguration: Sendable {
    var options: ServerOptions
    var listenTemplate: LinkTemplate
    var lines: [(line: ServerOptions.Line, template: LinkTemplate)]
}

/// `chapd serve`: one process, one event-loop group, many links. It owns what is process-wide
/// (signals, secrets, the address book, counters and metrics, the control socket) once; each
/// link is a `LinkDriver` on one of the group's loops, as in the single-link chapd.
public final class Server: @unchecked Sendable {
    let group: MultiThreadedEventLoopGroup
    let stats: ServerStats
    let addresses: AddressBook
    let logger: Logger
    private let secrets: ChapSecretsStore?
    private let verifier: (any ExternalVerifier)?
    private let radiusPlan: RADIUSPlan?
    private var radius: RADIUSBackend?
    private let reparse: @Sendable () throws -> ServerConfiguration

    private let lock = NIOLock()
    private var configuration: ServerConfiguration
    private var links: [Int: ServedLink] = [:]
    private var linksByOrigin: [String: Int] = [:]
    private var nextID = 1
    private var listeners: [String: Channel] = [:]
    private var lines: [String: ServedLine] = [:]
    private var stopping = false
    private var rateBuckets: [String: (tokens: Double, last: NIODeadline)] = [:]
    private var refusalLog: [String: (last: NIODeadline, suppressed: Int)] = [:]
    private let allEnded: EventLoopPromise<Void>
    private var controlChannel: Channel?
    private var metricsChannel: Channel?
    private var disconnectServer: RADIUSDisconnectServer?
    private var signalSources: [DispatchSourceSignal] = []
    private var secretsTimer: DispatchSourceTimer?
    private let background = DispatchQueue(label: "chapd.server")

    init(configuration: ServerConfiguration, secrets: ChapSecretsStore?, radius: RADIUSPlan?, logger: Logger,
         reparse: @escaping @Sendable () throws -> ServerConfiguration) {
        self.configuration = configuration
        self.secrets = secrets
        self.radiusPlan = radius
        self.logger = logger
        self.reparse = reparse
        group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let local = configuration.listenTemplate.configuration.ipcp?.localAddress
        addresses = AddressBook(pools: configuration.options.remotePools, exclude: local)
        stats = ServerStats(addresses: addresses)
        verifier = secrets.map { SecretsVerifier(store: $0) }
        allEnded = group.next().makePromise(of: Void.self)
    }

    // MARK: Running

    /// Serves until SIGTERM/SIGINT and every link has ended; returns the exit status.
    public func run() -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        let options = configuration.options
        let withInterfaces = configuration.listenTemplate.dataPlane != nil || configuration.lines.contains { $0.template.dataPlane != nil }
        raiseFileLimit(maxLinks: options.maxLinks, perLink: withInterfaces ? 2 : 1)
        do {
            if let plan = radiusPlan {
                let transport = try RADIUSClientTransport.start(
                    configuration: plan.configuration, group: group,
                    log: { [logger] level, text in logger.log(level: level.swiftLogLevel, "RADIUS: \(text)") }).wait()
                radius = RADIUSBackend(transport: transport, logger: logger, defaultInterim: plan.defaultInterim)
                if let listen = plan.disconnectListen {
                    disconnectServer = try RADIUSDisconnectServer.start(
                        host: listen.host, port: listen.port, clients: plan.disconnectClients, group: group,
                        log: { [logger] level, text in logger.log(level: level.swiftLogLevel, "RADIUS DAE: \(text)") },
                        decide: { [self] request, loop in disconnect(request, on: loop) }).wait()
                }
            }
            controlChannel = try ControlServer.start(path: options.controlSocket, group: group, server: self)
            if let m = options.metricsListen {
                metricsChannel = try MetricsServer.start(host: m.host, port: m.port, group: group, stats: stats)
                logger.notice("Metrics on http://\(m.host.contains(":") ? "[\(m.host)]" : m.host):\(m.port)/metrics")
            }
            for listen in options.listens { try startListener(listen) }
        } catch {
            logger.error("\(error)")
            shutdownEndpoints()
            try? group.syncShutdownGracefully()
            return ExitStatus.fatalError
        }
        for (line, template) in configuration.lines { startLine(line.device, template: template) }
        watchSecrets()
        installSignals()
        logger.notice("chapd \(DaemonSetup.version) serving \((options.listens.map(\.description) + options.lines.map(\.device)).joined(separator: ", "))")

        try? allEnded.futureResult.wait()
        shutdownEndpoints()
        // Accounting Stops and ip-down hooks were waited for by each link before it ended.
        try? group.syncShutdownGracefully()
        logger.notice("Exit.")
        return ExitStatus.ok
    }

    private func shutdownEndpoints() {
        for s in signalSources { s.cancel() }
        secretsTimer?.cancel()
        try? controlChannel?.close().wait()
        unlink(configuration.options.controlSocket)
        try? metricsChannel?.close().wait()
        try? disconnectServer?.close().wait()
    }

    private func raiseFileLimit(maxLinks: Int, perLink: Int) {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
            _ = getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        }
        // A link holds its socket or line, and with the data plane its interface.
        let needed = rlim_t(maxLinks * perLink + 64)
        if limit.rlim_cur < needed {
            logger.warning("max-links \(maxLinks) needs about \(needed) open files; the limit is \(limit.rlim_cur) (raise it with ulimit -n or LimitNOFILE=)")
        }
    }

    private func installSignals() {
        for sig in [SIGTERM, SIGINT, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: background)
            source.setEventHandler { [self] in
                if sig == SIGHUP {
                    for m in reload() { logger.notice("\(m)") }
                } else {
                    stop(signal: sig)
                }
            }
            source.resume()
            signalSources.append(source)
        }
    }

    /// chap-secrets is re-read when it changes, off the event loops; links keep running.
    private func watchSecrets() {
        guard let secrets else { return }
        let timer = DispatchSource.makeTimerSource(queue: background)
        timer.schedule(deadline: .now() + 2, repeating: 2)
        timer.setEventHandler { [self] in
            do {
                if try secrets.reloadIfChanged() {
                    stats.secretsReloaded()
                    logger.notice("Re-read secrets file \(secrets.path)")
                }
            } catch {
                logger.error("Keeping previous secrets: \(error)")
            }
        }
        timer.resume()
        secretsTimer = timer
    }

    // MARK: Stopping and reloading

    /// SIGTERM/SIGINT: no new links; every link ends with TermReq "User request"; links not
    /// gone after `shutdown-timeout` have their lines dropped.
    func stop(signal: Int32) {
        let (current, already) = lock.withLock { () -> ([ServedLink], Bool) in
            let was = stopping
            stopping = true
            return (Array(links.values), was)
        }
        if already { return }
        logger.notice("Terminating on signal \(signal): ending \(current.count) link(s)")
        for (_, channel) in lock.withLock({ listeners }) { channel.close(promise: nil) }
        for (_, line) in lock.withLock({ lines }) { line.stop() }
        for link in current { link.loop.execute { link.driver.terminate(signal: signal) } }
        checkAllEnded()
        let timeout = configuration.options.shutdownTimeout
        background.asyncAfter(deadline: .now() + .seconds(timeout)) { [self] in
            let left = lock.withLock { Array(links.values) }
            if !left.isEmpty { logger.warning("\(left.count) link(s) did not end in \(timeout) s: dropping them") }
            for link in left { link.loop.execute { link.driver.abort() } }
        }
        // Whatever still waits (a hung ip-down, an unanswered accounting Stop) has had its time.
        background.asyncAfter(deadline: .now() + .seconds(timeout + 15)) { [self] in allEnded.succeed(()) }
    }

    private func checkAllEnded() {
        let done = lock.withLock { stopping && links.isEmpty }
        if done { allEnded.succeed(()) }
    }

    /// SIGHUP or `chapctl reload`: secrets and the server's words again. New listeners and
    /// lines start; removed ones stop and their links end politely.
    func reload() -> [String] {
        var messages: [String] = []
        if let secrets {
            do {
                let diagnostics = try secrets.reload()
                for d in diagnostics { logger.warning("\(d)") }
                stats.secretsReloaded()
                messages.append("Re-read secrets file \(secrets.path)")
            } catch {
                messages.append("Keeping previous secrets: \(error)")
            }
        }
        let fresh: ServerConfiguration
        do { fresh = try reparse() } catch {
            messages.append("Keeping the previous configuration: \(error)")
            return messages
        }
        let old = lock.withLock { () -> ServerConfiguration in
            let o = configuration
            configuration.listenTemplate = fresh.listenTemplate
            configuration.options.listens = fresh.options.listens
            configuration.options.lines = fresh.options.lines
            configuration.lines = fresh.lines
            configuration.options.maxLinks = fresh.options.maxLinks
            configuration.options.maxLinksPerListener = fresh.options.maxLinksPerListener
            configuration.options.maxConnectionRate = fresh.options.maxConnectionRate
            configuration.options.linkInputLimit = fresh.options.linkInputLimit
            configuration.options.linkControlLimit = fresh.options.linkControlLimit
            return o
        }
        let oldListens = Set(old.options.listens.map(\.description))
        let newListens = Set(fresh.options.listens.map(\.description))
        for listen in fresh.options.listens where !oldListens.contains(listen.description) {
            do {
                try startListener(listen)
                messages.append("Listening on \(listen)")
            } catch {
                messages.append("Cannot listen on \(listen): \(error)")
            }
        }
        for name in oldListens.subtracting(newListens) {
            lock.withLock { listeners.removeValue(forKey: name) }?.close(promise: nil)
            endLinks(origin: name, reason: "Listener removed")
            messages.append("Stopped listening on \(name)")
        }
        let oldLines = Set(old.lines.map(\.line.device))
        let newLines = Set(fresh.lines.map(\.line.device))
        for (line, template) in fresh.lines where !oldLines.contains(line.device) {
            startLine(line.device, template: template)
            messages.append("Serving line \(line.device)")
        }
        for device in oldLines.subtracting(newLines) {
            lock.withLock { lines.removeValue(forKey: device) }?.stop()
            endLinks(origin: device, reason: "Line removed")
            messages.append("Stopped serving line \(device)")
        }
        return messages
    }

    private func endLinks(origin: String, reason: String) {
        let matching = lock.withLock { links.values.filter { $0.origin == origin } }
        for link in matching { link.loop.execute { link.driver.terminate(reason: reason, end: .administrativeReset) } }
    }

    // MARK: Sources of links

    private func startListener(_ listen: ServerOptions.Listen) throws {
        let name = listen.description
        let channel: Channel
        switch listen {
        case .tcp(let host, let port):
            channel = try ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 1024)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                // Nagle would hold the Challenge back behind the ConfAck's unacknowledged segment.
                .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
                .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 1024, maximum: 16384))
                .childChannelInitializer { [self] child in accept(child, origin: name) }
                .bind(host: host, port: port).wait()
        case .unix(let path):
            channel = try ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 1024)
                .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 1024, maximum: 16384))
                .childChannelInitializer { [self] child in accept(child, origin: name) }
                .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).wait()
        }
        lock.withLock { listeners[name] = channel }
        logger.info("Listening on \(name)")
    }

    private func startLine(_ device: String, template: LinkTemplate) {
        let line = ServedLine(device: device, template: template, server: self, logger: logger)
        lock.withLock { lines[device] = line }
        line.start()
    }

    /// An accepted connection: refused at once past a limit, else a link.
    private func accept(_ channel: Channel, origin: String) -> EventLoopFuture<Void> {
        let source: String
        let tag: String
        if let address = channel.remoteAddress, let ip = address.ipAddress {
            source = ip
            tag = "tcp \(ip.contains(":") ? "[\(ip)]" : ip):\(address.port ?? 0)"
        } else {
            source = "unix"
            tag = "unix"
        }
        if let refusal = admit(source: source, origin: origin) {
            stats.refusedConnection(refusal)
            logRefusal(refusal, tag: tag)
            channel.close(promise: nil)
            return channel.eventLoop.makeSucceededVoidFuture()
        }
        let template = lock.withLock { configuration.listenTemplate }
        do {
            try startLink(on: channel, tag: tag, origin: origin, device: tag, template: template,
                          peerAddress: source == "unix" ? nil : source, onEnd: nil)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return channel.eventLoop.makeSucceededVoidFuture()
    }

    /// nil: admitted (and counted); else the reason for refusing.
    private func admit(source: String, origin: String) -> String? {
        lock.withLock {
            let o = configuration.options
            if stopping { return "stopping" }
            if links.count >= o.maxLinks { return "max-links" }
            if let per = o.maxLinksPerListener, linksByOrigin[origin, default: 0] >= per { return "max-links-per-listener" }
            if o.maxConnectionRate > 0 {
                // A token bucket per source address, refilled at the rate, holding one second's worth.
                let now = NIODeadline.now()
                let rate = Double(o.maxConnectionRate)
                var bucket = rateBuckets[source] ?? (tokens: rate, last: now)
                let elapsed = Double((now - bucket.last).nanoseconds) / 1e9
                bucket.tokens = min(rate, bucket.tokens + elapsed * rate)
                bucket.last = now
                if bucket.tokens < 1 {
                    rateBuckets[source] = bucket
                    return "rate"
                }
                bucket.tokens -= 1
                if rateBuckets.count >= 65536 {
                    // Bounded memory under a flood from many addresses: forget full buckets.
                    rateBuckets = rateBuckets.filter { Double((now - $0.value.last).nanoseconds) / 1e9 < 1 }
                }
                rateBuckets[source] = bucket
            }
            return nil
        }
    }

    /// At most one line per reason every 5 s, saying how many were refused in between.
    private func logRefusal(_ reason: String, tag: String) {
        let line: String? = lock.withLock {
            let now = NIODeadline.now()
            var entry = refusalLog[reason] ?? (last: now - .seconds(10), suppressed: 0)
            guard now - entry.last >= .seconds(5) else {
                entry.suppressed += 1
                refusalLog[reason] = entry
                return nil
            }
            let text = "Refused connection from \(tag): \(reason)"
                + (entry.suppressed > 0 ? " (and \(entry.suppressed) more since the last report)" : "")
            refusalLog[reason] = (last: now, suppressed: 0)
            return text
        }
        if let line { logger.warning("\(line)") }
    }

    /// A line was opened: run one link on it; `onEnd` runs once the link is over.
    func serveLine(_ line: ServedLine, input: CInt, output: CInt, onEnd: @escaping @Sendable () -> Void) {
        let tag = ServedLine.shortName(line.device)
        guard lock.withLock({ !stopping && lines[line.device] === line }) else {
            close(input); close(output)
            onEnd()
            return
        }
        NIOPipeBootstrap(group: group)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try startLink(on: channel, tag: tag, origin: line.device, device: line.device, template: line.template,
                                  peerAddress: nil, onEnd: onEnd)
                }
            }
            .takingOwnershipOfDescriptors(input: input, output: output)
            .whenFailure { [self] error in
                logger.error("Couldn't attach to \(line.device): \(error)")
                onEnd()
            }
    }

    /// Builds the link's session and driver on `channel` (on its event loop).
    private func startLink(on channel: Channel, tag: String, origin: String, device: String, template: LinkTemplate,
                           peerAddress: String?, onEnd: (@Sendable () -> Void)?) throws {
        let (id, inputLimit, controlLimit) = lock.withLock { () -> (Int, Int, Int) in
            let id = nextID
            nextID += 1
            linksByOrigin[origin, default: 0] += 1
            return (id, configuration.options.linkInputLimit, configuration.options.linkControlLimit)
        }
        var linkLogger = logger
        linkLogger[metadataKey: "link"] = "\(tag)"
        let served = ServedLink(id: id, tag: tag, origin: origin, loop: channel.eventLoop, logger: linkLogger, server: self)
        var linkConfiguration = template.configuration
        if !linkConfiguration.requirePeerAuthentication, linkConfiguration.ipcp?.remoteAddress == nil,
           let a = served.leaseAtStart() {
            linkConfiguration.ipcp?.remoteAddress = a
        }
        linkConfiguration.verifyExternally = linkConfiguration.requirePeerAuthentication
        var capture: CaptureWriter?
        if let pattern = template.capturePattern {
            let path = pattern.contains("%i") ? pattern.replacingOccurrences(of: "%i", with: String(id)) : "\(pattern).\(id)"
            do {
                let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
                if fd >= 0 { fchmod(fd, 0o600); Glibc.close(fd) }
                capture = try CaptureWriter(path: path)
            } catch {
                linkLogger.error("Couldn't open record file \(path): \(error)")
            }
        }
        var facts = template.facts
        facts.device = device
        let driver = LinkDriver(
            session: LinkSession(configuration: linkConfiguration, secrets: secrets),
            logger: linkLogger, capture: capture,
            hooks: template.hookDirectory.map { HookRunner(directory: $0, logger: linkLogger) },
            hookFacts: facts, dataPlane: template.dataPlane,
            verifier: radius ?? verifier,
            verificationContext: VerificationContext(device: device, port: id, isSerial: device.hasPrefix("/dev/tty"),
                                                     ipparam: facts.ipparam, peerAddress: peerAddress),
            radius: radius,
            onFinished: { _ in onEnd?() })
        driver.observer = served
        driver.inputLimit = inputLimit
        driver.controlLimit = controlLimit
        served.driver = driver
        lock.withLock { links[id] = served }
        stats.linkStarted()
        try channel.pipeline.syncOperations.addHandler(driver)
    }

    /// Called by a link's record once it is completely over.
    func linkEnded(_ link: ServedLink, end: LinkEnd) {
        lock.withLock {
            links.removeValue(forKey: link.id)
            linksByOrigin[link.origin, default: 1] -= 1
        }
        checkAllEnded()
    }

    // MARK: Control

    func handle(_ request: ControlRequest, on loop: EventLoop) -> EventLoopFuture<ControlResponse> {
        switch request {
        case .showSessions:
            return rows(on: loop).map { ControlResponse(ok: true, sessions: $0) }
        case .showStat:
            return loop.makeSucceededFuture(ControlResponse(ok: true, stat: stats.snapshot))
        case .reload:
            let promise = loop.makePromise(of: ControlResponse.self)
            background.async { [self] in promise.succeed(ControlResponse(ok: true, messages: reload())) }
            return promise.futureResult
        case .terminate(let target):
            let current = lock.withLock { Array(links.values) }
            let chosen: EventLoopFuture<[ServedLink]>
            switch target {
            case .all: chosen = loop.makeSucceededFuture(current)
            case .id(let id): chosen = loop.makeSucceededFuture(current.filter { $0.id == id })
            case .peer(let name):
                chosen = EventLoopFuture.whenAllSucceed(current.map { l in l.loop.submit { (l, l.driver.peerName) } }, on: loop)
                    .map { $0.filter { $0.1 == name }.map(\.0) }
            }
            return chosen.map { links in
                for link in links {
                    link.loop.execute { link.driver.terminate(reason: "Terminated by operator", end: .administrativeReset) }
                }
                if links.isEmpty {
                    switch target {
                    case .id(let id): return .failure("no session with id \(id)")
                    case .peer(let name): return .failure("no session for peer '\(name)'")
                    case .all: break
                    }
                }
                return ControlResponse(ok: true, terminated: links.map(\.id).sorted())
            }
        }
    }

    private func rows(on loop: EventLoop) -> EventLoopFuture<[SessionRow]> {
        let current = lock.withLock { Array(links.values) }
        return EventLoopFuture.whenAllSucceed(current.map { l in l.loop.submit { l.row() } }, on: loop)
            .map { $0.sorted { $0.id < $1.id } }
    }

    /// RFC 5176: a Disconnect-Request ends the links it names; NAK when none.
    private func disconnect(_ request: RADIUSDisconnectRequest, on loop: EventLoop) -> EventLoopFuture<RADIUSDisconnectVerdict> {
        let current = lock.withLock { Array(links.values) }
        return EventLoopFuture.whenAllSucceed(current.map { l in
            l.loop.submit {
                l.driver.disconnect(sessionId: request.acctSessionId, userName: request.userName,
                                    framedAddress: request.framedIPAddress)
            }
        }, on: loop).map { $0.contains(true) ? .ack : .nak(.sessionContextNotFound) }
    }
}

/// chap-secrets as the verdict backend: an in-memory lookup (re-reading happens elsewhere,
/// off the event loops) and a constant-time compare.
struct SecretsVerifier: ExternalVerifier {
    let store: ChapSecretsStore
    func verify(_ request: CHAPVerificationRequest, context: VerificationContext,
                completion: @escaping @Sendable (CHAPVerdict) -> Void) {
        completion(CHAPVerification.verdict(for: request, secrets: store))
    }
}
