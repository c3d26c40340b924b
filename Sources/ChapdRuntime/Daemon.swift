import ChapSecrets
import Dispatch
import Foundation
import Logging
import NIOCore
import NIOPosix
import PPPCapture
import PPPCore
import RADIUS
import RADIUSTransport

/// Where the link's bytes come from and go to.
public enum LineSpec: Sendable {
    /// A tty or pty device path (`chapd /dev/ttyS0 115200 …`).
    case device(String)
    /// `notty`: standard input and output are the line.
    case stdio
    /// `pty 'COMMAND'`: COMMAND runs with a new pty's slave as its standard input and
    /// output; chapd talks PPP over the master.
    case ptyCommand(String)
}

/// Everything the daemon needs to run one link, already validated.
public struct DaemonPlan: Sendable {
    public var line: LineSpec
    public var lineSettings = LineSettings()
    public var lock = false
    public var debug = false
    public var logSink: LogSink
    public var capturePath: String?
    public var secrets: (any SecretLookup)?
    public var hookDirectory: String?
    public var hookFacts: HookRunner.LinkFacts
    public var session: LinkConfiguration
    /// nil: `nodataplane` (or `noip`): no interface, IP discarded and counted.
    public var dataPlane: DataPlanePlan?
    /// `plugin radius.so`: the client configuration from radiusclient.conf.
    public var radius: RADIUSPlan?
    /// Which link this is for RADIUS (NAS-Port, NAS-Port-Type, Calling-Station-Id).
    public var verificationContext: VerificationContext?
    /// Chat scripts and the redial rules (`connect`, `persist`, `holdoff`, `maxfail`).
    public var dial = DialPlan()

    public init(line: LineSpec, logSink: LogSink, session: LinkConfiguration, hookFacts: HookRunner.LinkFacts) {
        self.line = line
        self.logSink = logSink
        self.session = session
        self.hookFacts = hookFacts
    }
}

/// pppd's dialling words: scripts run on the line, and whether and when to redial.
public struct DialPlan: Sendable {
    public var initScript: String?
    public var connectScript: String?
    public var welcomeScript: String?
    public var disconnectScript: String?
    /// `connect-delay`, milliseconds: after connect (or pty), how long to let the peer speak first.
    public var connectDelay = 1000
    public var persist = false
    /// Seconds (already 0 when pppd would make it so: no connect script, no `holdoff`).
    public var holdoff = 0
    /// 0: never give up.
    public var maxfail = 10
    public init() {}
}

/// Runs links on a SwiftNIO event loop, one after another while `persist` says so (pppd's
/// main loop), and returns pppd's exit status.
public enum Daemon {
    public static func run(_ plan: DaemonPlan, logger: Logger) -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        let control = AttemptControl()

        // Signals, as pppd: TERM/INT end the link politely and for good; HUP re-reads
        // chap-secrets and, with persist, also hangs up and redials at once.
        var sources: [DispatchSourceSignal] = []
        for sig in [SIGTERM, SIGINT, SIGHUP] {
            signal(sig, SIG_IGN)
            let src = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            src.setEventHandler {
                if sig == SIGHUP {
                    if let store = plan.secrets as? ReloadableSecrets {
                        store.reloadNow(logger: logger)
                    }
                    if plan.dial.persist {
                        logger.info("Hangup (SIGHUP)")
                        control.hangUp()
                    }
                } else {
                    control.quit(signal: sig, logger: logger)
                }
            }
            src.resume()
            sources.append(src)
        }
        defer { for s in sources { s.cancel() } }

        // pppd's `unsuccess`: attempts since a network protocol last came up.
        var unsuccess = 0
        while true {
            unsuccess += 1
            control.beginAttempt()
            let attempt = runAttempt(plan, logger: logger, control: control)
            if attempt.networkWasUp { unsuccess = 0 }
            let dial = plan.dial
            if !dial.persist || control.askedToQuit || (dial.maxfail > 0 && unsuccess >= dial.maxfail) {
                if dial.persist && !control.askedToQuit && dial.maxfail > 0 && unsuccess >= dial.maxfail {
                    logger.notice("Giving up after \(unsuccess) failed attempt\(unsuccess == 1 ? "" : "s") (maxfail \(dial.maxfail))")
                }
                return attempt.status
            }
            // pppd: no holdoff after a hang-up (the line is already gone) or a SIGHUP.
            let wait = attempt.hungUp || control.hangUpRequested ? 0 : dial.holdoff
            if wait > 0 {
                logger.info("Waiting \(wait) s before redialling (holdoff)")
                control.holdoff(seconds: wait)
                if control.askedToQuit { return ExitStatus.userRequest }
            }
        }
    }

    struct AttemptOutcome {
        var status: Int32
        var networkWasUp = false
        /// The line hung up (pppd's `hungup`): no disconnect script, no holdoff.
        var hungUp = false
    }

    /// One pass of pppd's loop: open the line, run init/connect/welcome, the link, disconnect.
    static func runAttempt(_ plan: DaemonPlan, logger: Logger, control: AttemptControl) -> AttemptOutcome {
        // Open the line.
        var lock: UUCPLock?
        var savedTermios: termios?
        var restoreFD: CInt = -1
        var fd: CInt = -1
        var child: Process?
        do {
            switch plan.line {
            case .device(let path):
                if plan.lock {
                    let l = UUCPLock(device: path)
                    try l.acquire()
                    lock = l
                }
                fd = try LineDevice.open(path: path)
                try LineDevice.checkPollable(fd: fd, name: path)
                savedTermios = try LineDevice.configure(fd: fd, settings: plan.lineSettings, name: path)
                // The event loop closes `fd` when the link ends; keep our own handle on the
                // device to put its settings back afterwards, as pppd does.
                restoreFD = dup(fd)
            case .stdio:
                // As pppd's notty: the descriptors are used as they are. When they are a pty
                // master, its termios belong to the program on the slave side.
                fd = dup(0)
                try LineDevice.checkPollable(fd: fd, name: "standard input")
            case .ptyCommand(let command):
                let (master, slavePath) = try LineDevice.openPseudoTerminal()
                fd = master
                let slave = Glibc.open(slavePath, O_RDWR | O_NOCTTY)
                guard slave >= 0 else { throw LineError.errno(.pty, "Couldn't open pty slave \(slavePath)") }
                _ = try LineDevice.configure(fd: slave, settings: LineSettings(local: true), name: slavePath)
                let p = Process()
                p.executableURL = URL(fileURLWithPath: "/bin/sh")
                p.arguments = ["-c", command]
                let handle = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
                p.standardInput = handle
                p.standardOutput = handle
                try p.run()
                // Only the child keeps the slave open, so its exit reads as a hang-up here.
                try? handle.close()
                child = p
                logger.info("Script \(command) started (pid \(p.processIdentifier))")
            }
        } catch let error as LineError {
            logger.error("\(error.message)")
            lock?.release()
            return AttemptOutcome(status: error.kind == .lock ? ExitStatus.lockFailed : ExitStatus.openFailed)
        } catch {
            logger.error("\(error)")
            lock?.release()
            return AttemptOutcome(status: ExitStatus.openFailed)
        }
        defer {
            if restoreFD >= 0 {
                if let savedTermios { LineDevice.restore(fd: restoreFD, savedTermios) }
                close(restoreFD)
            }
            lock?.release()
        }

        // Scripts talk on the line through their own descriptor: the event loop closes its
        // one when the link ends, and disconnect runs after that (pppd: before the close).
        let scriptIn: CInt, scriptOut: CInt
        if case .stdio = plan.line {
            scriptIn = fcntl(0, F_DUPFD_CLOEXEC, 0)
            scriptOut = fcntl(1, F_DUPFD_CLOEXEC, 0)
        } else {
            scriptIn = fcntl(fd, F_DUPFD_CLOEXEC, 0)
            scriptOut = scriptIn
        }
        defer {
            close(scriptIn)
            if scriptOut != scriptIn { close(scriptOut) }
        }
        if let failure = dial(plan, fd: fd, scriptIn: scriptIn, scriptOut: scriptOut, logger: logger, control: control) {
            close(fd)
            if let child, child.isRunning { child.terminate() }
            return AttemptOutcome(status: failure)
        }

        var capture: CaptureWriter?
        if let path = plan.capturePath {
            do {
                // A capture holds every Challenge and Response, enough to guess weak secrets
                // offline: create it readable by its owner only.
                let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
                if fd >= 0 {
                    fchmod(fd, 0o600)
                    Glibc.close(fd)
                }
                capture = try CaptureWriter(path: path)
            } catch {
                logger.error("Couldn't open record file \(path): \(error)")
                close(fd)
                return AttemptOutcome(status: ExitStatus.fatalError)
            }
        }

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let exitStatus = group.next().makePromise(of: Int32.self)

        // RADIUS: the client's socket is up before the line is served.
        var radius: RADIUSBackend?
        var disconnectServer: RADIUSDisconnectServer?
        if let radiusPlan = plan.radius {
            do {
                let transport = try RADIUSClientTransport.start(
                    configuration: radiusPlan.configuration, group: group,
                    log: { level, text in logger.log(level: level.swiftLogLevel, "RADIUS: \(text)") }).wait()
                radius = RADIUSBackend(transport: transport, logger: logger, defaultInterim: radiusPlan.defaultInterim)
            } catch {
                logger.error("RADIUS: cannot start the client: \(error)")
                return AttemptOutcome(status: ExitStatus.fatalError)
            }
        }

        let session = LinkSession(configuration: plan.session, secrets: plan.secrets)
        let hooks = plan.hookDirectory.map { HookRunner(directory: $0, logger: logger) }
        let driver = LinkDriver(
            session: session, logger: logger, capture: capture, hooks: hooks, hookFacts: plan.hookFacts,
            dataPlane: plan.dataPlane, verifier: radius, verificationContext: plan.verificationContext, radius: radius,
            onFinished: { exitStatus.succeed($0) }
        )

        // RFC 5176: Disconnect-Requests end this link. The group has one event loop, the
        // link's and the listener's, so the driver is asked on it.
        if let radiusPlan = plan.radius, let listen = radiusPlan.disconnectListen {
            do {
                disconnectServer = try RADIUSDisconnectServer.start(
                    host: listen.host, port: listen.port, clients: radiusPlan.disconnectClients, group: group,
                    log: { level, text in logger.log(level: level.swiftLogLevel, "RADIUS DAE: \(text)") },
                    decide: { request, loop in
                        loop.submit {
                            driver.disconnect(sessionId: request.acctSessionId, userName: request.userName,
                                              framedAddress: request.framedIPAddress)
                                ? RADIUSDisconnectVerdict.ack : .nak(.sessionContextNotFound)
                        }
                    }).wait()
                logger.info("RADIUS: Disconnect-Requests accepted on \(listen.host):\(listen.port)")
            } catch {
                logger.error("RADIUS: cannot listen for Disconnect-Requests on \(listen.host):\(listen.port): \(error)")
                return AttemptOutcome(status: ExitStatus.fatalError)
            }
        }

        // notty: standard output may be another file than standard input (two pipes).
        let outFD: CInt
        if case .stdio = plan.line { outFD = dup(1) } else { outFD = dup(fd) }
        let channel: Channel
        do {
            channel = try NIOPipeBootstrap(group: group)
                .channelOption(.allowRemoteHalfClosure, value: true)
                .channelInitializer { ch in
                    ch.eventLoop.makeCompletedFuture { try ch.pipeline.syncOperations.addHandler(driver) }
                }
                .takingOwnershipOfDescriptors(input: fd, output: outFD)
                .wait()
        } catch {
            logger.error("Couldn't attach to the line: \(error)")
            exitStatus.succeed(ExitStatus.openFailed)
            return AttemptOutcome(status: ExitStatus.openFailed)
        }

        control.linkStarted(
            terminate: { sig in channel.eventLoop.execute { driver.terminate(signal: sig) } },
            hangUp: { channel.eventLoop.execute { driver.terminate(reason: "User request", end: .userRequest) } })
        let status = (try? exitStatus.futureResult.wait()) ?? ExitStatus.fatalError
        control.linkEnded()
        let networkWasUp = (try? channel.eventLoop.submit { driver.networkWasUp }.wait()) ?? false
        try? disconnectServer?.close().wait()
        try? channel.closeFuture.wait()
        let hungUp = status == ExitStatus.hangup
        // pppd's disconnect_tty: not after a hang-up (there is no line to talk to).
        if let script = plan.dial.disconnectScript, !hungUp {
            if let code = runScript(script, role: "Disconnect", input: scriptIn, output: scriptOut, plan: plan,
                                    logger: logger, control: control), code == 0 {
                logger.info("Serial link disconnected.")
            } else {
                logger.warning("disconnect script failed")
            }
        }
        if let child, child.isRunning {
            child.terminate()
        }
        return AttemptOutcome(status: status, networkWasUp: networkWasUp, hungUp: hungUp)
    }

    /// pppd's connect_tty after the line is set up: init, connect, welcome, connect-delay.
    /// Returns the exit status of a failure, nil when PPP may start.
    static func dial(_ plan: DaemonPlan, fd: CInt, scriptIn: CInt, scriptOut: CInt, logger: Logger,
                     control: AttemptControl) -> Int32? {
        let d = plan.dial
        if let s = d.initScript, !s.isEmpty {
            guard runScript(s, role: "Initializer", input: scriptIn, output: scriptOut, plan: plan, logger: logger,
                            control: control) == 0 else {
                if control.askedToQuit { return ExitStatus.userRequest }
                logger.error("Initializer script failed")
                return ExitStatus.initFailed
            }
            logger.info("Serial port initialized.")
        }
        if let s = d.connectScript, !s.isEmpty {
            guard runScript(s, role: "Connect", input: scriptIn, output: scriptOut, plan: plan, logger: logger,
                            control: control) == 0 else {
                if control.askedToQuit { return ExitStatus.userRequest }
                logger.error("Connect script failed")
                return ExitStatus.connectFailed
            }
            logger.info("Serial connection established.")
        }
        if control.askedToQuit { return ExitStatus.userRequest }
        if let s = d.welcomeScript, !s.isEmpty {
            // pppd: a failing welcome script is only a warning.
            if runScript(s, role: "Welcome", input: scriptIn, output: scriptOut, plan: plan, logger: logger,
                         control: control) != 0 {
                logger.warning("Welcome script failed")
            }
        }
        // pppd's listen_time: having dialled, give the peer up to connect-delay ms to speak
        // first, so our first frames do not bounce off a line still being set up. What it
        // sends stays unread for the link.
        var isPty = false
        if case .ptyCommand = plan.line { isPty = true }
        if (d.connectScript != nil || isPty) && d.connectDelay > 0 {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            _ = poll(&p, 1, Int32(d.connectDelay))
        }
        return nil
    }

    /// Runs a chat script through /bin/sh with the line as its standard input and output,
    /// on this (non-event-loop) thread, and waits for it. Returns its exit status (a signal
    /// counts as 128+N), nil when it could not be started. The command itself is never
    /// logged: chat scripts hold phone numbers and passwords.
    static func runScript(_ command: String, role: String, input: CInt, output: CInt, plan: DaemonPlan,
                          logger: Logger, control: AttemptControl) -> Int32? {
        // chat reads and writes the line with blocking calls, as pppd arranges.
        for f in Set([input, output]) {
            let flags = fcntl(f, F_GETFL)
            if flags >= 0 { _ = fcntl(f, F_SETFL, flags & ~O_NONBLOCK) }
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        p.standardInput = FileHandle(fileDescriptor: input, closeOnDealloc: false)
        p.standardOutput = FileHandle(fileDescriptor: output, closeOnDealloc: false)
        p.standardError = FileHandle(fileDescriptor: plan.logSink.descriptor, closeOnDealloc: false)
        do {
            try p.run()
        } catch {
            logger.error("Failed to run \(role.lowercased()) script: \(error)")
            return nil
        }
        logger.debug("\(role) script started (pid \(p.processIdentifier))")
        control.scriptStarted(p)
        p.waitUntilExit()
        control.scriptEnded()
        let code = p.terminationReason == .uncaughtSignal ? 128 + p.terminationStatus : p.terminationStatus
        logger.debug("\(role) script finished (pid \(p.processIdentifier)), status = 0x\(String(code, radix: 16))")
        return code
    }
}

/// What a signal reaches in the current attempt: the running script, the link, or the
/// holdoff wait. Signal handlers call in from a dispatch queue.
final class AttemptControl: @unchecked Sendable {
    private let condition = NSCondition()
    private var script: Process?
    private var terminateLink: (@Sendable (Int32) -> Void)?
    private var hangUpLink: (@Sendable () -> Void)?
    private var quitSignal: Int32?
    private var hangUpFlag = false
    private var wakeHoldoff = false

    var askedToQuit: Bool { condition.withLock { quitSignal != nil } }
    /// SIGHUP arrived during this attempt (pppd's kill_link without asked_to_quit).
    var hangUpRequested: Bool { condition.withLock { hangUpFlag } }

    func beginAttempt() { condition.withLock { hangUpFlag = false } }

    func scriptStarted(_ p: Process) {
        let quit = condition.withLock { () -> Bool in
            script = p
            return quitSignal != nil
        }
        if quit { p.terminate() }
    }

    func scriptEnded() { condition.withLock { script = nil } }

    func linkStarted(terminate: @escaping @Sendable (Int32) -> Void, hangUp: @escaping @Sendable () -> Void) {
        let pending = condition.withLock { () -> (Int32?, Bool) in
            terminateLink = terminate
            hangUpLink = hangUp
            return (quitSignal, hangUpFlag)
        }
        if let sig = pending.0 { terminate(sig) } else if pending.1 { hangUp() }
    }

    func linkEnded() {
        condition.withLock {
            terminateLink = nil
            hangUpLink = nil
        }
    }

    /// SIGTERM / SIGINT: end the link (or script, or holdoff) and do not redial. With no
    /// link to say so (a script or the holdoff), it is said here, as pppd does in any phase.
    func quit(signal sig: Int32, logger: Logger) {
        // Said before the main thread is woken: it may exit as soon as it sees the signal.
        if condition.withLock({ terminateLink == nil && quitSignal == nil }) {
            logger.notice("Terminating on signal \(sig)")
        }
        let (p, link) = condition.withLock { () -> (Process?, (@Sendable (Int32) -> Void)?) in
            if quitSignal == nil { quitSignal = sig }
            wakeHoldoff = true
            condition.broadcast()
            return (script, terminateLink)
        }
        p?.terminate()
        link?(sig)
    }

    /// SIGHUP with persist: end this link (or holdoff) and redial at once.
    func hangUp() {
        let (p, link) = condition.withLock { () -> (Process?, (@Sendable () -> Void)?) in
            hangUpFlag = true
            wakeHoldoff = true
            condition.broadcast()
            return (script, hangUpLink)
        }
        p?.terminate()
        link?()
    }

    /// Waits `seconds`, or less if a signal arrives.
    func holdoff(seconds: Int) {
        let deadline = Date().addingTimeInterval(TimeInterval(seconds))
        condition.withLock {
            wakeHoldoff = false
            while !wakeHoldoff && quitSignal == nil && !hangUpFlag && condition.wait(until: deadline) {}
        }
    }
}

/// A secrets backend the daemon can re-read on SIGHUP.
public protocol ReloadableSecrets: AnyObject {
    func reloadNow(logger: Logger)
}
