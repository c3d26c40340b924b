import ChapSecrets
import ChapdConfig
import Foundation
import Logging
import PPPCore

/// `chapd serve`: pppd's words (OPTIONSDIR/options, OPTIONSDIR/chapd.conf, the command line,
/// options.TTYNAME per line) turned into a server, checked before anything is opened.
public enum ServerSetup {
    public typealias SetupError = DaemonSetup.SetupError

    /// Parses and validates; the server is ready to `run()`.
    public static func make(options: ChapdOptions, arguments: [String]) throws(SetupError) -> Server {
        let sink = try DaemonSetup.logSink(options, lineIsStdio: false)
        let level: Logger.Level = options.debugLevel > 0 ? .debug : .info
        var logger = Logger(label: "chapd") { _ in LineLogHandler(sink: sink, level: level) }
        logger.logLevel = level
        for w in options.warnings { logger.warning("\(w)") }

        guard !options.server.listens.isEmpty || !options.server.lines.isEmpty else {
            throw SetupError(message: "chapd serve needs at least one 'listen tcp:HOST:PORT', 'listen unix:PATH' or 'line DEVICE'",
                             exitStatus: ExitStatus.optionError)
        }
        let radius = try DaemonSetup.radiusPlan(options, logger: logger)

        // One secrets store for every link, loaded once.
        let store = try DaemonSetup.loadSecrets(options, logger: logger,
                                                fatalIfUnreadable: options.requirePeerAuth && !options.radius)
        try DaemonSetup.requireSecretForPeer(
            options, in: store,
            refusal: "The remote systems are required to authenticate themselves\nbut I couldn't find any suitable secret (password) for them to use to do so.")
        try DaemonSetup.probe(DaemonSetup.dataPlanePlan(options))

        let configuration = try Self.configuration(options, arguments: arguments)
        return Server(configuration: configuration, secrets: store, radius: radius, logger: logger) {
            let fresh: ChapdOptions
            do { fresh = try OptionParser.parseServer(arguments: arguments) } catch { throw SetupError(message: "\(error)", exitStatus: 2) }
            return try Self.configuration(fresh, arguments: arguments)
        }
    }

    static func configuration(_ options: ChapdOptions, arguments: [String]) throws(SetupError) -> ServerConfiguration {
        var lines: [(line: ServerOptions.Line, template: LinkTemplate)] = []
        for line in options.server.lines {
            let lineOptions: ChapdOptions
            do { lineOptions = try OptionParser.parseServerLine(arguments: arguments, line: line) } catch {
                throw SetupError(message: "\(error)", exitStatus: ExitStatus.optionError)
            }
            lines.append((line, template(lineOptions)))
        }
        return ServerConfiguration(options: options.server, listenTemplate: template(options), lines: lines)
    }

    /// The link configuration, data plane, hooks and line settings one source's links share.
    static func template(_ o: ChapdOptions) -> LinkTemplate {
        var facts = HookRunner.LinkFacts(interfaceName: "", device: "", speed: o.speed ?? 0)
        facts.userName = o.effectiveUser
        facts.ipparam = o.ipparam ?? ""
        facts.linkName = o.linkName ?? ""
        return LinkTemplate(
            configuration: DaemonSetup.linkConfiguration(o), dataPlane: DaemonSetup.dataPlanePlan(o), hookDirectory: o.optionsDirectory,
            facts: facts, capturePattern: o.recordFile, lineSettings: DaemonSetup.lineSettings(o), lock: o.lock)
    }
}
