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

    public init(line: LineSpec, logSink: LogSink, session: LinkConfiguration, hookFacts: HookRunner.LinkFacts) {
        self.line = line
        self.logSink = logSink
        self.session = session
        self.hookFacts = hookFacts
    }
}

/// Runs one link to completion on a SwiftNIO event loop and returns pppd's exit status.
public enum Daemon {
    public static func run(_ plan: DaemonPlan, logger: Logger) -> Int32 {
        signal(SIGPIPE, SIG_IGN)

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
            return error.kind == .lock ? ExitStatus.lockFailed : ExitStatus.openFailed
        } catch {
            logger.error("\(error)")
            lock?.release()
            return ExitStatus.openFailed
        }
        defer {
            if restoreFD >= 0 {
                if let savedTermios { LineDevice.restore(fd: restoreFD, savedTermios) }
                close(restoreFD)
            }
            lock?.release()
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
                return ExitStatus.fatalError
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
                return ExitStatus.fatalError
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
                return ExitStatus.fatalError
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
            return ExitStatus.openFailed
        }

        // Signals, as pppd: TERM/INT end the link politely, HUP re-reads chap-secrets.
        var sources: [DispatchSourceSignal] = []
        for sig in [SIGTERM, SIGINT, SIGHUP] {
            signal(sig, SIG_IGN)
            let src = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            src.setEventHandler {
                if sig == SIGHUP {
                    if let store = plan.secrets as? ReloadableSecrets {
                        store.reloadNow(logger: logger)
                    }
                } else {
                    channel.eventLoop.execute { driver.terminate(signal: sig) }
                }
            }
            src.resume()
            sources.append(src)
        }

        let status = (try? exitStatus.futureResult.wait()) ?? ExitStatus.fatalError
        for s in sources { s.cancel() }
        try? disconnectServer?.close().wait()
        try? channel.closeFuture.wait()
        if let child, child.isRunning {
            child.terminate()
        }
        return status
    }
}

/// A secrets backend the daemon can re-read on SIGHUP.
public protocol ReloadableSecrets: AnyObject {
    func reloadNow(logger: Logger)
}
