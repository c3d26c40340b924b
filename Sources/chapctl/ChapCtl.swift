import ArgumentParser

@main
struct ChapCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chapctl",
        abstract: "Operator's companion to chapd: decode line captures, check chap-secrets, inspect pcap files.",
        subcommands: [Decode.self, Secrets.self, Response.self, Inspect.self, Radius.self]
    )
}
