import ArgumentParser

@main
struct ChapCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chapctl",
        abstract: "Operator's companion to chapd: decode line captures, check chap-secrets, inspect pcap files (PPP and iSCSI), check an iSCSI target's CHAP, test a RADIUS server, and run a chapd serve (show, terminate, reload).",
        subcommands: [Decode.self, Secrets.self, Response.self, Inspect.self, ISCSI.self, Radius.self,
                      Show.self, Terminate.self, Reload.self]
    )
}
