import ArgumentParser
import ChapSecrets
import Foundation
import NIOCore
import NIOPosix
import PPPCore
import RADIUS
import RADIUSTransport

/// `chapctl radius test`: one real CHAP-MD5 Access-Request through chapd's RADIUS client,
/// as the daemon will send it, and optionally an Accounting Start/Stop pair.
struct Radius: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "radius",
        abstract: "Talk to RADIUS servers as chapd does.",
        subcommands: [Test.self, Bench.self]
    )

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Authenticate a user with CHAP-MD5 through the servers of a radiusclient.conf.",
            discussion: """
                The user's password is the first line of --secret-file, so it never appears in argv or ps.
                Exit status: 0 Access-Accept (and, with --acct, both accounting requests answered);
                1 Access-Reject or Access-Challenge; 2 no believable reply from any server;
                3 accounting not answered; 4 configuration error.
                """
        )

        @Option(help: "radiusclient.conf (radcli / pppd radius plugin format).")
        var config: String = "/etc/radiusclient/radiusclient.conf"

        @Option(help: "User-Name to authenticate.")
        var user: String

        @Option(help: "File whose first line is the user's CHAP secret.")
        var secretFile: String

        @Flag(help: "After an Accept, send Accounting-Request Start then Stop.")
        var acct = false

        @Flag(help: "Drop Access replies without a Message-Authenticator (BlastRADIUS hardening) from every server.")
        var requireMessageAuthenticator = false

        @Option(help: "NAS-Port to send.")
        var nasPort: UInt32 = 0

        @Option(help: "Calling-Station-Id to send.")
        var callingStationId: String?

        @Flag(help: "Print the retransmission and drop log lines.")
        var verbose = false

        func run() throws {
            let parsed: RADIUSClientConfigFile.Result
            do {
                let text = try String(contentsOfFile: config, encoding: .utf8)
                parsed = try RADIUSClientConfigFile.parse(text, path: config) { try String(contentsOfFile: $0, encoding: .utf8) }
            } catch let d as RADIUSConfigDiagnostic {
                printError("chapctl: \(d)")
                throw ExitCode(4)
            } catch {
                printError("chapctl: cannot read \(config)")
                throw ExitCode(4)
            }
            for w in parsed.warnings { printError("warning: \(w)") }
            var configuration = parsed.configuration
            if requireMessageAuthenticator {
                for i in configuration.authServers.indices { configuration.authServers[i].requireMessageAuthenticator = true }
            }
            guard let data = FileManager.default.contents(atPath: secretFile) else {
                printError("chapctl: cannot read secret file \(secretFile)")
                throw ExitCode(4)
            }
            var line = Array(data).prefix { $0 != 0x0A }
            if line.last == 0x0D { line = line.dropLast() }
            let secret = Secret(Array(line))

            var random = SystemRandomNumberGenerator()
            let identifier = UInt8.random(in: 0...255, using: &random)
            let challenge = (0..<16).map { _ in UInt8.random(in: 0...255, using: &random) }
            let response = CHAPMD5Digest().makeResponse(identifier: identifier, secret: secret, challenge: challenge)
            let access = RADIUSCHAPAccess(userName: Array(user.utf8), chapIdentifier: identifier, challenge: challenge, response: response,
                                          nasPort: nasPort, nasPortType: .virtual, callingStationId: callingStationId)

            let verbose = self.verbose
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            defer { try? group.syncShutdownGracefully() }
            let client = try RADIUSClientTransport.start(configuration: configuration, group: group, log: { level, text in
                if verbose || level >= .warning { printError(text) }
            }).wait()
            defer { try? client.close().wait() }

            let outcome = try client.authenticate(access).wait()
            switch outcome {
            case .accept(let reply):
                Self.show("Access-Accept", reply)
            case .reject(let reply):
                Self.show("Access-Reject", reply)
                throw ExitCode(1)
            case .challenge(let reply):
                Self.show("Access-Challenge", reply)
                throw ExitCode(1)
            case .accountingResponse(let reply):
                Self.show("Accounting-Response", reply)
                throw ExitCode(2)
            case .timedOut(let reason):
                print("no answer: \(reason)")
                throw ExitCode(2)
            }
            guard acct, case .accept(let reply) = outcome else { return }
            let grant = RADIUSAuthorization(reply)
            var framed: UInt32?
            if case .address(let a)? = grant.framedIPAddress { framed = a }
            let sessionId = "chapctl-\(UInt32.random(in: 0...UInt32.max, using: &random))"
            let start = RADIUSAccountingRecord(statusType: .start, sessionId: sessionId, userName: Array(user.utf8), nasPort: nasPort,
                                               nasPortType: .virtual, framedIPAddress: framed, callingStationId: callingStationId,
                                               classes: grant.classes)
            var stop = start
            stop.statusType = .stop
            stop.sessionTime = 0
            stop.inputOctets = 0
            stop.outputOctets = 0
            stop.inputPackets = 0
            stop.outputPackets = 0
            stop.terminateCause = .userRequest
            for (name, record) in [("Start", start), ("Stop", stop)] {
                switch try client.account(record).wait() {
                case .accountingResponse(let r):
                    print("Accounting-Response to \(name) (Acct-Session-Id \(sessionId)) from \(r.server)")
                case .timedOut(let reason):
                    print("accounting \(name) not answered: \(reason)")
                    throw ExitCode(3)
                default:
                    throw ExitCode(3)
                }
            }
        }

        static func show(_ what: String, _ reply: RADIUSReply) {
            print("\(what) from \(reply.server)")
            if let m = reply.replyMessage { print("Reply-Message: \(m)") }
            for a in reply.attributes { print("    \(a.displayText)") }
        }
    }
}

/// `chapctl radius bench`: many CHAP Access-Requests at once through one client, for the
/// README's figures (authentications per second, latency p50/p99 from submit to verdict).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure CHAP authentications per second and latency through the servers of a radiusclient.conf."
    )

    @Option(help: "radiusclient.conf.")
    var config: String

    @Option(help: "User-Name to authenticate.")
    var user: String

    @Option(help: "File whose first line is the user's CHAP secret.")
    var secretFile: String

    @Option(help: "Authentications to run.")
    var count: Int = 10_000

    @Option(help: "Requests outstanding at once.")
    var concurrency: Int = 64

    func run() throws {
        let text = try String(contentsOfFile: config, encoding: .utf8)
        let configuration = try RADIUSClientConfigFile.parse(text, path: config) { try String(contentsOfFile: $0, encoding: .utf8) }.configuration
        guard let data = FileManager.default.contents(atPath: secretFile) else { throw ValidationError("cannot read \(secretFile)") }
        let secret = Secret(Array(Array(data).prefix { $0 != 0x0A && $0 != 0x0D }))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let client = try RADIUSClientTransport.start(configuration: configuration, group: group).wait()
        defer { try? client.close().wait() }
        let loop = client.eventLoop
        let total = count, window = concurrency, userName = Array(user.utf8)

        // Everything in the run happens on the client's event loop: no locks, no blocking.
        let run = BenchRun(client: client, secret: secret, userName: userName, total: total,
                           done: loop.makePromise(of: BenchRun.Result.self))
        loop.execute { run.begin(window: window) }
        let r = try run.done.futureResult.wait()
        let sorted = r.latencies.sorted()
        func pct(_ p: Double) -> Double { Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1e6 }
        let seconds = Double(r.elapsed) / 1e9
        print("\(total) CHAP authentications, \(window) outstanding: \(r.accepted) accepted in \(String(format: "%.2f", seconds)) s")
        print("rate \(String(format: "%.0f", Double(total) / seconds))/s, latency p50 \(String(format: "%.2f", pct(0.5))) ms, p99 \(String(format: "%.2f", pct(0.99))) ms")
        let stats = try client.statistics().wait()
        print("transmissions \(stats.transmissions), retransmissions \(stats.retransmissions), timeouts \(stats.timeouts), dropped \(stats.dropped.values.reduce(0, +))")
        if r.accepted != total { throw ExitCode(1) }
    }
}

/// One benchmark run's state, touched only on the client's event loop.
final class BenchRun: @unchecked Sendable {
    typealias Result = (latencies: [UInt64], accepted: Int, elapsed: UInt64)
    let client: RADIUSClientTransport
    let secret: Secret
    let userName: [UInt8]
    let total: Int
    let done: EventLoopPromise<Result>
    var issued = 0, finished = 0, accepted = 0
    var latencies: [UInt64] = []
    var started: UInt64 = 0

    init(client: RADIUSClientTransport, secret: Secret, userName: [UInt8], total: Int, done: EventLoopPromise<Result>) {
        self.client = client
        self.secret = secret
        self.userName = userName
        self.total = total
        self.done = done
        latencies.reserveCapacity(total)
    }

    func begin(window: Int) {
        started = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<min(window, total) { issue() }
    }

    func issue() {
        guard issued < total else { return }
        issued += 1
        let id = UInt8(truncatingIfNeeded: issued)
        let challenge = (0..<16).map { _ in UInt8.random(in: 0...255) }
        let response = CHAPMD5Digest().makeResponse(identifier: id, secret: secret, challenge: challenge)
        let t0 = DispatchTime.now().uptimeNanoseconds
        client.authenticate(RADIUSCHAPAccess(userName: userName, chapIdentifier: id, challenge: challenge, response: response,
                                             nasPort: 0, nasPortType: .virtual)).whenComplete { result in
            self.latencies.append(DispatchTime.now().uptimeNanoseconds - t0)
            if case .success(.accept) = result { self.accepted += 1 }
            self.finished += 1
            if self.finished == self.total {
                self.done.succeed((self.latencies, self.accepted, DispatchTime.now().uptimeNanoseconds - self.started))
            } else {
                self.issue()
            }
        }
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
