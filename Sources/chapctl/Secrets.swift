import ArgumentParser
import ChapSecrets

/// `chapctl secrets check FILE`: the checks chapd makes when it loads the file, plus advice.
struct Secrets: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secrets",
        abstract: "Work with chap-secrets files.",
        subcommands: [Check.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Parse a chap-secrets file as chapd does and report every problem.",
            discussion: "Exit status 1 if chapd would refuse the file, 0 otherwise. Secrets are never printed."
        )

        @Argument(help: "The chap-secrets file.")
        var file: String

        func run() throws {
            let report = SecretsCheck.run(path: file)
            for line in report.lines { print(line) }
            if report.errors > 0 { throw ExitCode(1) }
        }
    }
}
