import ChapSecrets
import ChapdConfig
import Foundation
import Logging
import PPPCore
import RADIUS

/// Turns parsed pppd-style options into a running daemon: validates what pppd validates
/// before touching the line (secrets, log destination), then runs the link.
public struct DaemonSetup {
    public static let version = "0.1.0"

    public struct SetupError: Error {
        public let message: String
        public let exitStatus: Int32
    }

    let options: ChapdOptions
    let plan: DaemonPlan
    let logger: Logger

    public init(options: ChapdOptions) throws(SetupError) {
        self.options = options

        // Logging: pppd's logfile / logfd; with notty, standard output is the line.
        let sink = try Self.logSink(options, lineIsStdio: options.notty || (options.device == nil && options.ptyCommand == nil))
        let level: Logger.Level = options.debugLevel > 0 ? .debug : .info
        var logger = Logger(label: "chapd") { _ in LineLogHandler(sink: sink, level: level) }
        logger.logLevel = level
        self.logger = logger

        // RADIUS (pppd's radius plugin): radiusclient.conf and its servers file, read now so a
        // mistake is reported before the line is touched.
        let radiusPlan = try Self.radiusPlan(options, logger: logger)

        let store = try Self.loadSecrets(options, logger: logger, fatalIfUnreadable: options.requirePeerAuth)
        let secrets: (any SecretLookup)? = store.map { ReloadingSecretsStore($0) }
        let who = options.remoteName.map { "The remote system (\($0)) is required to authenticate itself" }
            ?? "The remote system is required to authenticate itself"
        try Self.requireSecretForPeer(options, in: store, refusal: "\(who)\nbut I couldn't find any suitable secret (password) for it to use to do so.")

        // The data plane: make sure an interface can be created before the line is touched,
        // so a missing /dev/net/tun or capability is one clear message at start-up.
        let dataPlane = Self.dataPlanePlan(options)
        if !options.dryrun { try Self.probe(dataPlane) }

        let line: LineSpec
        if let command = options.ptyCommand {
            line = .ptyCommand(command)
        } else if options.notty || options.device == nil {
            line = .stdio
        } else {
            line = .device(options.device!)
        }

        var session = Self.linkConfiguration(options)
        session.verifyExternally = options.radius
        var facts = HookRunner.LinkFacts(
            interfaceName: dataPlane == nil ? "chapd0" : options.interfaceNamePattern.replacingOccurrences(of: "%d", with: "0"), device: options.device ?? (options.ptyCommand != nil ? "pty" : "notty"),
            speed: options.speed ?? 0)
        facts.userName = options.effectiveUser
        facts.ipparam = options.ipparam ?? ""
        facts.linkName = options.linkName ?? ""

        var plan = DaemonPlan(line: line, logSink: sink, session: session, hookFacts: facts)
        plan.lineSettings = Self.lineSettings(options)
        plan.lock = options.lock
        plan.debug = options.debugLevel > 0
        plan.capturePath = options.recordFile
        plan.secrets = secrets
        plan.hookDirectory = options.optionsDirectory
        plan.dataPlane = dataPlane
        plan.radius = radiusPlan
        plan.dial.initScript = options.initScript
        plan.dial.connectScript = options.connectScript
        plan.dial.welcomeScript = options.welcomeScript
        plan.dial.disconnectScript = options.disconnectScript
        plan.dial.connectDelay = options.connectDelay
        plan.dial.persist = options.persist
        plan.dial.holdoff = options.effectiveHoldoff
        plan.dial.maxfail = options.maxfail
        let device = options.device ?? (options.ptyCommand != nil ? "pty" : "notty")
        plan.verificationContext = VerificationContext(
            device: device, port: 0, isSerial: device.hasPrefix("/dev/tty") && !device.hasPrefix("/dev/ttyp"),
            ipparam: options.ipparam ?? "")
        self.plan = plan
    }

    public func run() -> Int32 {
        for w in options.warnings { logger.warning("\(w)") }
        return Daemon.run(plan, logger: logger)
    }

    /// `plugin radius.so`: radiusclient.conf and its servers file, read and checked.
    static func radiusPlan(_ options: ChapdOptions, logger: Logger) throws(SetupError) -> RADIUSPlan? {
        guard options.radius else { return nil }
        let path = options.radiusConfigFile
        do {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let result = try RADIUSClientConfigFile.parse(text, path: path) { try String(contentsOfFile: $0, encoding: .utf8) }
            for w in result.warnings { logger.warning("\(w)") }
            var configuration = result.configuration
            if let require = options.radiusRequireMessageAuthenticator {
                for i in configuration.authServers.indices { configuration.authServers[i].requireMessageAuthenticator = require }
            }
            var plan = RADIUSPlan(configuration: configuration,
                                  defaultInterim: options.radiusAcctInterim > 0 ? .seconds(options.radiusAcctInterim) : nil)
            if let listen = options.radiusDAEListen {
                guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
                      (1...65535).contains(port) else {
                    throw SetupError(message: "radius-dae-listen needs HOST:PORT, not '\(listen)'", exitStatus: ExitStatus.optionError)
                }
                plan.disconnectListen = (String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port)
            }
            return plan
        } catch let error as SetupError {
            throw error
        } catch let error as RADIUSConfigDiagnostic {
            throw SetupError(message: "\(error)", exitStatus: ExitStatus.optionError)
        } catch {
            throw SetupError(message: "\(path): cannot read: \(error.localizedDescription)", exitStatus: ExitStatus.optionError)
        }
    }

    /// chap-secrets, when a link needs it: to check the peer (unless RADIUS does) or to answer
    /// the peer from it. A file that cannot be read ends start-up when `fatalIfUnreadable`,
    /// else it is a warning.
    static func loadSecrets(_ options: ChapdOptions, logger: Logger, fatalIfUnreadable: Bool) throws(SetupError) -> ChapSecretsStore? {
        let needed = (options.requirePeerAuth && !options.radius) || (options.canAuthenticateSelf && options.password == nil)
        guard needed else { return nil }
        do {
            let store = try ChapSecretsStore(path: options.chapSecretsFile)
            for d in store.warnings { logger.warning("\(d)") }
            return store
        } catch {
            if fatalIfUnreadable { throw SetupError(message: "\(error)", exitStatus: ExitStatus.fatalError) }
            logger.warning("\(error)")
            return nil
        }
    }

    /// pppd's rule: with `auth` (and no RADIUS) and no secret that could let a peer in, refuse
    /// to start, saying `refusal`.
    static func requireSecretForPeer(_ options: ChapdOptions, in store: ChapSecretsStore?, refusal: String) throws(SetupError) {
        guard options.requirePeerAuth && !options.radius else { return }
        let can = store?.hasSecret(client: options.remoteName.map { Array($0.utf8) },
                                   server: Array(options.effectiveName.utf8)) ?? false
        if !can { throw SetupError(message: refusal, exitStatus: ExitStatus.fatalError) }
    }

    /// The TUN data plane the words ask for (nil: `nodataplane`, or no IP).
    static func dataPlanePlan(_ options: ChapdOptions) -> DataPlanePlan? {
        guard options.dataPlane && (options.ipEnabled || options.ipv6Enabled) else { return nil }
        return DataPlanePlan(namePattern: options.interfaceNamePattern, defaultRoute: options.defaultRoute)
    }

    /// Creates and drops an interface now, so a missing /dev/net/tun or capability is one
    /// clear message at start-up rather than a failure on the first link.
    static func probe(_ plan: DataPlanePlan?) throws(SetupError) {
        guard let plan else { return }
        do { try TunInterface.probe(pattern: plan.namePattern) } catch {
            throw SetupError(message: "\(error)", exitStatus: ExitStatus.fatalError)
        }
    }

    /// The serial settings pppd's words ask for.
    static func lineSettings(_ options: ChapdOptions) -> LineSettings {
        // pppd on Linux: cdtrcts sets the same CRTSCTS bit as crtscts (there is no DTR/CTS mode).
        let hardware: Bool? = switch options.flowControl {
        case .rtscts, .dtrcts: true
        case .none, .xonxoff: false
        case .unchanged: nil
        }
        return LineSettings(speed: options.speed, local: !options.modem, hardwareFlowControl: hardware,
                            softwareFlowControl: options.flowControl == .xonxoff)
    }

    /// The log destination pppd's words name (`logfile`, `logfd`; standard error otherwise).
    static func logSink(_ options: ChapdOptions, lineIsStdio: Bool) throws(SetupError) -> LogSink {
        if let file = options.logFile {
            do { return try LogSink(appendingTo: file) } catch {
                throw SetupError(message: error.message, exitStatus: ExitStatus.optionError)
            }
        } else if let fd = options.logFD, !(fd == 1 && lineIsStdio) {
            return LogSink(fd: fd)
        }
        return LogSink(fd: 2)
    }

    /// pppd's option variables mapped onto the protocol machines' configurations.
    static func linkConfiguration(_ o: ChapdOptions) -> LinkConfiguration {
        var lcp = LCPConfiguration()
        lcp.requireCHAP = o.requirePeerAuth
        lcp.canAuthenticateWithCHAP = o.canAuthenticateSelf
        lcp.mru = o.negotiateMRU ? o.mru : 1500
        lcp.mtu = o.mtu
        // xonxoff: XON (0x11) and XOFF (0x13) must reach us escaped, as pppd arranges.
        lcp.asyncMap = o.defaultAsyncMap ? nil : (o.flowControl == .xonxoff ? o.asyncMap | 0x000a_0000 : o.asyncMap)
        lcp.addressControlCompression = o.addressControlCompression
        lcp.protocolCompression = o.protocolCompression
        lcp.magicNumber = o.magicNumber
        var lcpTimers = NegotiationTimers()
        lcpTimers.restartInterval = .seconds(o.lcpRestart)
        lcpTimers.maxConfigure = o.lcpMaxConfigure
        lcpTimers.maxFailure = o.lcpMaxFailure
        lcpTimers.maxTerminate = o.lcpMaxTerminate
        lcpTimers.passive = o.passive
        lcpTimers.silent = o.silent

        var ipcp: IPCPConfiguration?
        if o.ipEnabled {
            var c = IPCPConfiguration()
            c.localAddress = o.localAddress?.value
            c.remoteAddress = o.remoteAddress?.value
            c.acceptLocal = o.acceptLocal
            c.acceptRemote = o.acceptRemote
            c.noIPDefault = o.noIPDefault
            c.primaryDNS = o.dnsPrimary?.value
            c.secondaryDNS = o.dnsSecondary?.value
            c.requestDNS = o.usePeerDNS
            ipcp = c
        }
        var ipcpTimers = NegotiationTimers()
        ipcpTimers.restartInterval = .seconds(o.ipcpRestart)
        ipcpTimers.maxConfigure = o.ipcpMaxConfigure
        ipcpTimers.maxFailure = o.ipcpMaxFailure
        ipcpTimers.maxTerminate = o.ipcpMaxTerminate

        var auth = CHAPAuthenticatorConfiguration(name: o.effectiveName, remoteName: o.remoteName)
        auth.restartInterval = .seconds(o.chapRestart)
        auth.maxChallenges = o.chapMaxChallenge
        auth.rechallengeInterval = o.chapInterval > 0 ? .seconds(o.chapInterval) : nil
        auth.maxBadAuth = o.maxBadAuth
        auth.successMessage = Array(o.successMessage.utf8)
        auth.failureMessage = Array(o.failureMessage.utf8)

        var peer: CHAPPeerConfiguration?
        if o.canAuthenticateSelf {
            var p = CHAPPeerConfiguration(
                name: o.effectiveName, user: o.effectiveUser, remoteName: o.remoteName,
                password: o.password.map { Secret($0.value) })
            p.timeout = o.chapTimeout > 0 ? .seconds(o.chapTimeout) : nil
            p.waitForPeerAuthentication = o.chapWait
            p.ignoreOwnName = o.chapIgnoreUs
            peer = p
        }

        var config = LinkConfiguration(
            lcp: lcp, lcpTimers: lcpTimers, ipcp: ipcp, ipcpTimers: ipcpTimers,
            requirePeerAuthentication: o.requirePeerAuth, authenticator: auth, peer: peer)
        if o.ipv6Enabled {
            var v6 = IPV6CPConfiguration()
            v6.localIdentifier = o.ipv6LocalIdentifier
            v6.remoteIdentifier = o.ipv6RemoteIdentifier
            v6.acceptLocal = o.ipv6AcceptLocal
            v6.acceptRemote = o.ipv6AcceptRemote
            config.ipv6cp = v6
            var timers = NegotiationTimers()
            timers.restartInterval = .seconds(o.ipv6cpRestart)
            timers.maxConfigure = o.ipv6cpMaxConfigure
            timers.maxFailure = o.ipv6cpMaxFailure
            timers.maxTerminate = o.ipv6cpMaxTerminate
            config.ipv6cpTimers = timers
        }
        if o.lcpEchoInterval > 0 {
            config.echoInterval = .seconds(o.lcpEchoInterval)
            config.echoFailure = o.lcpEchoFailure
            config.echoAdaptive = o.lcpEchoAdaptive
        }
        return config
    }
}

/// The chap-secrets store, re-read on SIGHUP (keeping the old contents if the new file is bad).
final class ReloadingSecretsStore: SecretLookup, ReloadableSecrets, @unchecked Sendable {
    let store: ChapSecretsStore
    init(_ store: ChapSecretsStore) { self.store = store }

    func lookup(client: [UInt8], server: [UInt8]) -> SecretMatch? {
        // A file changed on disk is picked up at the next lookup, as well as on SIGHUP.
        _ = try? store.reloadIfChanged()
        return store.lookup(client: client, server: server)
    }

    func reloadNow(logger: Logger) {
        do {
            let diagnostics = try store.reload()
            for d in diagnostics { logger.warning("\(d)") }
            logger.notice("Re-read secrets file")
        } catch {
            logger.error("Keeping previous secrets: \(error)")
        }
    }
}
