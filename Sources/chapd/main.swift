// chapd: pppd-style command line in, one authenticated PPP link out, pppd's exit status.
import ChapdConfig
import ChapdRuntime
import Foundation
import Logging

let arguments = Array(CommandLine.arguments.dropFirst())
let options: ChapdOptions
do {
    options = try OptionParser.parse(arguments: arguments)
} catch {
    FileHandle.standardError.write(Data("chapd: \(error)\n".utf8))
    exit(error.exitStatus)
}

if options.helpRequested {
    print(OptionParser.usage(program: "chapd"))
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

let setup: DaemonSetup
do {
    setup = try DaemonSetup(options: options)
} catch {
    FileHandle.standardError.write(Data("chapd: \(error.message)\n".utf8))
    exit(error.exitStatus)
}
exit(setup.run())
