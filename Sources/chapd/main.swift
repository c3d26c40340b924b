// chapd: pppd-style command line in, one authenticated PPP link out, pppd's exit status.
// `chapd serve …`: one process serving many links (listeners and lines) until SIGTERM.
import ChapdConfig
import ChapdRuntime
import Foundation
import Logging

var arguments = Array(CommandLine.arguments.dropFirst())
let serve = arguments.first == "serve"
if serve { arguments.removeFirst() }

let options: ChapdOptions
do {
    options = serve ? try OptionParser.parseServer(arguments: arguments) : try OptionParser.parse(arguments: arguments)
} catch {
    FileHandle.standardError.write(Data("chapd: \(error)\n".utf8))
    exit(error.exitStatus)
}

if options.helpRequested {
    print(OptionParser.usage(program: serve ? "chapd serve" : "chapd"))
    exit(0)
}
if options.versionRequested {
    print("chapd version \(DaemonSetup.version)")
    exit(0)
}

if options.dump || options.dryrun {
    print(options.dumpText)
    if options.dryrun { exit(0) }
}

if serve {
    let server: Server
    do {
        server = try ServerSetup.make(options: options, arguments: arguments)
    } catch {
        FileHandle.standardError.write(Data("chapd: \(error.message)\n".utf8))
        exit(error.exitStatus)
    }
    exit(server.run())
}

let setup: DaemonSetup
do {
    setup = try DaemonSetup(options: options)
} catch {
    FileHandle.standardError.write(Data("chapd: \(error.message)\n".utf8))
    exit(error.exitStatus)
}
exit(setup.run())
