import ArgumentParser
import ChapdControl
import Foundation

/// `--socket PATH`, shared by the verbs that talk to a running `chapd serve`.
struct ControlSocketOption: ParsableArguments {
    @Option(name: .long, help: "chapd's control socket.")
    var socket: String = ControlProtocol.defaultSocketPath

    /// The server's answer; a failure is printed as "chapctl: ..." and exits 1.
    func exchange(_ request: ControlRequest) throws -> ControlResponse {
        do {
            return try ControlClient.exchange(request, path: socket)
        } catch {
            failExit(error.description)
        }
    }
}

/// Prints "chapctl: MESSAGE" on standard error and exits 1.
func failExit(_ message: String) -> Never {
    FileHandle.standardError.write(Data("chapctl: \(message)\n".utf8))
    Foundation.exit(1)
}

/// `chapctl show sessions|stat`.
struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a running chapd serve's links or counters.",
        subcommands: [Sessions.self, Stat.self]
    )

    struct Sessions: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the links chapd serve is running.")

        @OptionGroup var control: ControlSocketOption

        @Option(help: ArgumentHelp("Comma-separated columns to print.",
                                   discussion: "Columns: \(SessionColumn.allCases.map(\.rawValue).joined(separator: ", ")) (default: all but acct-session-id)."))
        var columns: String?

        @Flag(help: "Print the sessions as a JSON array.")
        var json = false

        func run() throws {
            var chosen = SessionColumn.standard
            if let columns {
                do { chosen = try ControlText.columns(columns) } catch { failExit(error.description) }
            }
            let rows = try control.exchange(.showSessions).sessions ?? []
            print(json ? try ControlText.json(rows) : ControlText.sessionsTable(rows, columns: chosen), terminator: "")
        }
    }

    struct Stat: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print chapd serve's counters since it started.")

        @OptionGroup var control: ControlSocketOption

        @Flag(help: "Print the counters as a JSON object.")
        var json = false

        func run() throws {
            guard let stat = try control.exchange(.showStat).stat else { failExit("chapd sent no counters") }
            print(json ? try ControlText.json(stat) : ControlText.stat(stat), terminator: "")
        }
    }
}

/// `chapctl terminate ID | --peer NAME | --all`.
struct Terminate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "End links of a running chapd serve.",
        discussion: "Exit status 1 if an ID or --peer matched no link."
    )

    @OptionGroup var control: ControlSocketOption

    @Argument(help: "The link's id (see chapctl show sessions).")
    var id: Int?

    @Option(help: "End every link whose peer authenticated as NAME.")
    var peer: String?

    @Flag(help: "End every link.")
    var all = false

    func validate() throws {
        let given = (id == nil ? 0 : 1) + (peer == nil ? 0 : 1) + (all ? 1 : 0)
        guard given == 1 else { throw ValidationError("give exactly one of ID, --peer NAME or --all") }
    }

    func run() throws {
        let target: ControlTarget = if let id { .id(id) } else if let peer { .peer(peer) } else { .all }
        let ids = try control.exchange(.terminate(target)).terminated ?? []
        print(ControlText.terminated(ids), terminator: "")
        if ids.isEmpty && !all { throw ExitCode(1) }
    }
}

/// `chapctl reload`: as SIGHUP to chapd.
struct Reload: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make a running chapd serve re-read its secrets and configuration (as SIGHUP)."
    )

    @OptionGroup var control: ControlSocketOption

    func run() throws {
        let messages = try control.exchange(.reload).messages ?? []
        for m in messages { print(m) }
    }
}
