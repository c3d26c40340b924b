import ArgumentParser
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// `chapd-bench load handshakes|hold …`: a separate-process PPP load generator. Every session
/// is a real peer (LinkSession: LCP, CHAP-MD5 as the authenticated side, IPCP) over its own
/// socket, driven by SwiftNIO.
struct Load: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chapd-bench load",
        abstract: "Drive many peer-side PPP sessions (LCP, CHAP-MD5, IPCP) against a PPP server over TCP or a unix socket.",
        subcommands: [Handshakes.self, Hold.self, Respond.self])
}

struct LoadOptions: ParsableArguments {
    @Option(help: "The server: tcp:HOST:PORT (or unix:PATH).")
    var connect: String?
    @Option(help: "The server's unix listener (instead of --connect).")
    var unix: String?
    @Option(help: "CHAP name we answer with.")
    var user: String
    @Option(help: "CHAP secret.")
    var password: String
    @Option(help: "Event-loop threads of the generator.")
    var threads: Int = 1
    @Option(help: "Seconds a session may take from connect to IPCP Opened.")
    var handshakeTimeout: Int = 10
    @Flag(help: "Print one JSON object on stdout (the human summary goes to stderr).")
    var json = false

    func target() throws -> LoadTarget {
        if let unix { return .unix(path: unix) }
        guard let connect else { throw ValidationError("give --connect tcp:HOST:PORT or --unix PATH") }
        return try Self.parseTarget(connect)
    }

    static func parseTarget(_ connect: String) throws -> LoadTarget {
        if connect.hasPrefix("unix:") { return .unix(path: String(connect.dropFirst(5))) }
        guard connect.hasPrefix("tcp:"), let colon = connect.lastIndex(of: ":"),
              let port = Int(connect[connect.index(after: colon)...]), colon > connect.index(connect.startIndex, offsetBy: 3)
        else { throw ValidationError("--connect wants tcp:HOST:PORT or unix:PATH, not \(connect)") }
        var host = String(connect[connect.index(connect.startIndex, offsetBy: 4)..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return .tcp(host: host, port: port)
    }

    func settings(closeWhenUp: Bool, echoInterval: Int?) -> LoadPeer.Settings {
        var settings = LoadPeer.Settings(
            user: user, password: password, echoInterval: echoInterval.map { .seconds($0) }, closeWhenUp: closeWhenUp)
        settings.handshakeTimeout = .seconds(Int64(handshakeTimeout))
        return settings
    }
}

struct Handshakes: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Connect, run LCP + CHAP + IPCP to Opened, Terminate, close; keep --concurrency sessions in flight.")
    @OptionGroup var options: LoadOptions
    @Option(help: "Sessions to run.")
    var total: Int = 50_000
    @Option(help: "Sessions in flight at once.")
    var concurrency: Int = 200
    @Option(help: "The server's pid: report its CPU time over the run (its own and its reaped children's, so a forking server counts too).")
    var pid: Int32?

    func run() throws {
        let target = try options.target()
        let files = raiseFileLimit()
        let run = LoadRun(threads: options.threads, target: target,
                          settings: options.settings(closeWhenUp: true, echoInterval: nil))
        let serverCPUStart = pid.flatMap(processCPUSeconds)
        let cpuStart = cpuSeconds()
        let clockStart = NIODeadline.now()
        let (total, concurrency) = (self.total, self.concurrency)
        run.start { index, count in
            .handshakes(total: share(total, index, count), concurrency: max(1, share(concurrency, index, count)))
        }
        var lastPrint = clockStart
        let end = run.waitUntilDone { counters in
            guard NIODeadline.now() - lastPrint >= .seconds(5) else { return }
            lastPrint = .now()
            progress("handshakes: \(counters.completed) completed, \(counters.failed) failed, \(counters.launched - counters.completed - counters.failed) in flight")
        }
        let wall = seconds(end - clockStart)
        let cpu = cpuSeconds() - cpuStart
        let serverCPUEnd = pid.flatMap(processCPUSeconds)
        run.shutdown()
        let c = run.counters.withLockedValue { $0 }
        let latency = Percentiles(c.timeToNetwork)

        var report = LoadReport(mode: "handshakes", target: target.description, threads: options.threads)
        report.total = total
        report.concurrency = concurrency
        report.completed = c.completed
        report.failed = c.failed
        report.failures = Dictionary(uniqueKeysWithValues: c.failures.map { ($0.key.rawValue, $0.value) })
        report.termAckTimeouts = c.termAckTimeouts
        report.wallSeconds = wall
        report.handshakesPerSecond = Double(c.completed) / wall
        report.timeToNetworkMs = latency
        report.cpuSeconds = cpu
        report.cpuPercentOfOneCore = 100 * cpu / wall
        report.fileLimit = files
        if let pid, let before = serverCPUStart, let after = serverCPUEnd {
            report.serverPid = pid
            report.serverCpuSeconds = after - before
            if c.completed > 0 { report.serverCpuMsPerHandshake = 1000 * (after - before) / Double(c.completed) }
        }
        emit(report, json: options.json) { line in
            line("handshakes against \(target) (\(options.threads) generator thread(s), \(concurrency) in flight):")
            line("  completed \(c.completed) of \(total), failed \(c.failed)\(failureText(c.failures))")
            line("  wall \(fixed(wall, 2)) s, \(fixed(report.handshakesPerSecond ?? 0, 1)) handshakes/s")
            line("  time to network (connect start to IPCP Opened): \(latency.text)")
            if c.termAckTimeouts > 0 { line("  Terminate-Ack not received within 3 s: \(c.termAckTimeouts)") }
            line("  generator CPU \(fixed(cpu, 2)) s (user+sys), \(fixed(report.cpuPercentOfOneCore ?? 0, 1)) % of one core")
            if let pid, let server = report.serverCpuSeconds {
                line("  server pid \(pid) CPU \(fixed(server, 2)) s (user+sys, with reaped children), "
                    + "\(fixed(report.serverCpuMsPerHandshake ?? 0, 3)) ms per completed handshake")
            }
        }
    }
}

struct Hold: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bring --links sessions to the network phase, hold them --hold seconds answering echoes, then close them all.")
    @OptionGroup var options: LoadOptions
    @Option(help: "Links to bring up and hold.")
    var links: Int = 10_000
    @Option(help: "Seconds to hold them once all are up.")
    var hold: Int = 60
    @Option(help: "Send our own LCP Echo-Requests this often (seconds); by default we only answer the server's.")
    var echoInterval: Int?
    @Option(help: "Sessions connecting at once while ramping up.")
    var ramp: Int = 500
    @Option(help: "The server's pid: sample its VmRSS idle, all up and after the hold.")
    var pid: Int32?

    func run() throws {
        let target = try options.target()
        let files = raiseFileLimit()
        if files.soft < UInt64(links) + 100 {
            progress("warning: RLIMIT_NOFILE is \(files.soft) (hard \(files.hard)); \(links) links will not fit")
        }
        let rssIdle = pid.flatMap(residentKiB)
        let run = LoadRun(threads: options.threads, target: target,
                          settings: options.settings(closeWhenUp: false, echoInterval: echoInterval))
        let cpuStart = cpuSeconds()
        let clockStart = NIODeadline.now()
        let (links, ramp) = (self.links, self.ramp)
        run.start { index, count in .hold(links: share(links, index, count), ramp: max(1, share(ramp, index, count))) }

        // Ramp: until every link is up or has failed.
        var lastPrint = clockStart
        while true {
            let c = run.counters.withLockedValue { $0 }
            if c.timeToNetwork.count + c.failed >= links { break }
            if NIODeadline.now() - lastPrint >= .seconds(1) {
                lastPrint = .now()
                progress("ramp: \(c.up) links up, \(c.failed) failed, \(c.lostWhileUp) lost")
            }
            usleep(20_000)
        }
        let rampSeconds = seconds(NIODeadline.now() - clockStart)
        let established = run.counters.withLockedValue { $0.timeToNetwork.count }
        let upAtStart = run.counters.withLockedValue { $0.up }
        let rssAllUp = pid.flatMap(residentKiB)
        // bench.sh waits for this line to sample the processes while everything is up.
        progress("all up: \(upAtStart) links up (\(established) established) after \(fixed(rampSeconds, 1)) s; holding \(hold) s")

        let serverCPUHoldStart = pid.flatMap(processCPUSeconds)
        let holdStart = NIODeadline.now()
        lastPrint = holdStart
        while NIODeadline.now() - holdStart < .seconds(Int64(hold)) {
            usleep(100_000)
            if NIODeadline.now() - lastPrint >= .seconds(10) {
                lastPrint = .now()
                let c = run.counters.withLockedValue { $0 }
                progress("hold: \(c.up) links up, \(c.lostWhileUp) lost")
            }
        }
        let afterHold = run.counters.withLockedValue { $0 }
        let rssAfterHold = pid.flatMap(residentKiB)
        let serverCPUHoldEnd = pid.flatMap(processCPUSeconds)
        run.closeAll()
        let wall = seconds(run.waitUntilDone { _ in } - clockStart)
        let cpu = cpuSeconds() - cpuStart
        run.shutdown()
        let c = run.counters.withLockedValue { $0 }

        var report = LoadReport(mode: "hold", target: target.description, threads: options.threads)
        report.links = links
        report.holdSeconds = hold
        report.established = established
        report.upAfterHold = afterHold.up
        report.lostDuringHold = afterHold.lostWhileUp
        report.failed = c.failed
        report.failures = Dictionary(uniqueKeysWithValues: c.failures.map { ($0.key.rawValue, $0.value) })
        report.termAckTimeouts = c.termAckTimeouts
        report.rampSeconds = rampSeconds
        report.timeToNetworkMs = Percentiles(c.timeToNetwork)
        report.wallSeconds = wall
        report.cpuSeconds = cpu
        report.cpuPercentOfOneCore = 100 * cpu / wall
        report.fileLimit = files
        if let pid {
            report.serverPid = pid
            report.serverRssIdleKib = rssIdle
            report.serverRssAllUpKib = rssAllUp
            report.serverRssAfterHoldKib = rssAfterHold
            if let before = serverCPUHoldStart, let after = serverCPUHoldEnd {
                report.serverCpuSeconds = after - before
            }
            if let idle = rssIdle, let up = rssAllUp, established > 0 {
                report.serverKibPerLink = Double(up - idle) / Double(established)
            }
        }
        emit(report, json: options.json) { line in
            line("hold against \(target) (\(options.threads) generator thread(s), ramp \(ramp) connecting at once):")
            line("  established \(established) of \(links) in \(fixed(rampSeconds, 1)) s, failed \(c.failed)\(failureText(c.failures))")
            line("  held \(hold) s: \(afterHold.up) still up, \(afterHold.lostWhileUp) lost")
            line("  time to network: \(Percentiles(c.timeToNetwork).text)")
            if c.termAckTimeouts > 0 { line("  Terminate-Ack not received within 3 s: \(c.termAckTimeouts)") }
            line("  generator CPU \(fixed(cpu, 2)) s (user+sys) over \(fixed(wall, 1)) s, \(fixed(report.cpuPercentOfOneCore ?? 0, 1)) % of one core")
            if let pid {
                func kib(_ value: Int?) -> String { value.map { "\($0) KiB" } ?? "unavailable" }
                line("  server pid \(pid) VmRSS: idle \(kib(rssIdle)), all up \(kib(rssAllUp)), after hold \(kib(rssAfterHold))")
                if let server = report.serverCpuSeconds {
                    line("  server CPU during the hold: \(fixed(server, 2)) s (\(fixed(100 * server / Double(max(1, hold)), 1)) % of one core)")
                }
                if let perLink = report.serverKibPerLink {
                    line("  server (RSS all up - RSS idle) / links: \(fixed(perLink, 1)) KiB per link")
                }
            }
        }
    }
}

/// The event loops, one worker each, and the counters they share.
final class LoadRun: Sendable {
    let group: MultiThreadedEventLoopGroup
    let counters = NIOLockedValueBox(LoadCounters())
    private let target: LoadTarget
    private let settings: LoadPeer.Settings
    private let workers = NIOLockedValueBox<[NIOLoopBound<LoadWorker>]>([])
    private let finished = NIOLockedValueBox<EventLoopFuture<Void>?>(nil)

    init(threads: Int, target: LoadTarget, settings: LoadPeer.Settings) {
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        self.target = target
        self.settings = settings
    }

    func start(_ mode: @escaping @Sendable (_ index: Int, _ count: Int) -> LoadWorker.Mode) {
        let loops = Array(group.makeIterator())
        var futures: [EventLoopFuture<Void>] = []
        for (index, loop) in loops.enumerated() {
            let promise = loop.makePromise(of: Void.self)
            futures.append(promise.futureResult)
            let (target, settings, counters) = (self.target, self.settings, self.counters)
            let bound = try! loop.submit {
                NIOLoopBound(LoadWorker(loop: loop, target: target, settings: settings, mode: mode(index, loops.count),
                                        counters: counters, done: promise), eventLoop: loop)
            }.wait()
            workers.withLockedValue { $0.append(bound) }
        }
        finished.withLockedValue { $0 = EventLoopFuture.andAllSucceed(futures, on: loops[0]) }
        for bound in workers.withLockedValue({ $0 }) {
            bound.eventLoop.execute { bound.value.start() }
        }
    }

    /// Blocks until every worker is done, calling `tick` with the counters about every 100 ms.
    /// Returns when the last session ended (not when this thread noticed: polling adds up to
    /// 100 ms, which would skew short runs).
    @discardableResult
    func waitUntilDone(_ tick: (LoadCounters) -> Void) -> NIODeadline {
        guard let future = finished.withLockedValue({ $0 }) else { return .now() }
        let done = NIOLockedValueBox<NIODeadline?>(nil)
        future.whenComplete { _ in done.withLockedValue { $0 = .now() } }
        while true {
            if let end = done.withLockedValue({ $0 }) { return end }
            usleep(10_000)
            tick(counters.withLockedValue { $0 })
        }
    }

    func closeAll() {
        for bound in workers.withLockedValue({ $0 }) {
            bound.eventLoop.execute { bound.value.closeAll() }
        }
    }

    func shutdown() {
        try? group.syncShutdownGracefully()
    }
}

/// What a run measured; `--json` prints it as one object.
struct LoadReport: Encodable {
    var mode: String
    var target: String
    var threads: Int
    var total: Int?
    var concurrency: Int?
    var completed: Int?
    var links: Int?
    var holdSeconds: Int?
    var established: Int?
    var upAfterHold: Int?
    var lostDuringHold: Int?
    var rampSeconds: Double?
    var failed = 0
    var failures: [String: Int] = [:]
    var termAckTimeouts = 0
    var wallSeconds = 0.0
    var handshakesPerSecond: Double?
    var timeToNetworkMs = Percentiles([])
    var cpuSeconds = 0.0
    var cpuPercentOfOneCore: Double?
    var fileLimit: FileLimit?
    var serverPid: Int32?
    var serverRssIdleKib: Int?
    var serverRssAllUpKib: Int?
    var serverRssAfterHoldKib: Int?
    var serverKibPerLink: Double?
    /// Handshakes: over the run; hold: over the hold only.
    var serverCpuSeconds: Double?
    var serverCpuMsPerHandshake: Double?

    init(mode: String, target: String, threads: Int) {
        self.mode = mode
        self.target = target
        self.threads = threads
    }
}

struct FileLimit: Encodable {
    var soft: UInt64
    var hard: UInt64
}

/// Nearest-rank percentiles of nanosecond samples, in milliseconds.
struct Percentiles: Encodable {
    var count: Int
    var p50: Double?
    var p90: Double?
    var p99: Double?
    var max: Double?

    init(_ samples: [Int64]) {
        count = samples.count
        guard !samples.isEmpty else { return }
        let sorted = samples.sorted()
        func rank(_ p: Double) -> Double {
            let index = Swift.min(sorted.count - 1, Swift.max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1))
            return Double(sorted[index]) / 1e6
        }
        p50 = rank(0.50)
        p90 = rank(0.90)
        p99 = rank(0.99)
        max = Double(sorted.last!) / 1e6
    }

    var text: String {
        guard let p50, let p90, let p99, let max else { return "no samples" }
        return "p50 \(fixed(p50, 2)) ms, p90 \(fixed(p90, 2)) ms, p99 \(fixed(p99, 2)) ms, max \(fixed(max, 2)) ms (\(count) samples)"
    }
}

// MARK: Helpers

/// `value` split over `count` workers: worker `index`'s part (the remainder goes to the first ones).
private func share(_ value: Int, _ index: Int, _ count: Int) -> Int {
    value / count + (index < value % count ? 1 : 0)
}

private func progress(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// The human summary on stdout, or on stderr with the JSON object alone on stdout.
private func emit(_ report: LoadReport, json: Bool, _ summary: ((String) -> Void) -> Void) {
    summary { json ? progress($0) : print($0) }
    guard json else { return }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    if let data = try? encoder.encode(report) {
        print(String(decoding: data, as: UTF8.self))
    }
}

private func failureText(_ failures: [LoadFailure: Int]) -> String {
    let parts = LoadFailure.allCases.compactMap { reason in failures[reason].map { "\(reason.rawValue) \($0)" } }
    return parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")"
}

/// The generator's own CPU time so far: user + system.
private func cpuSeconds() -> Double {
    var usage = rusage()
    #if os(Linux)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    func value(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return value(usage.ru_utime) + value(usage.ru_stime)
}

/// Raises the open-file limit to the hard limit: every session is a socket.
private func raiseFileLimit() -> FileLimit {
    var limit = rlimit()
    #if os(Linux)
    let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    let resource = RLIMIT_NOFILE
    #endif
    getrlimit(resource, &limit)
    if limit.rlim_cur < limit.rlim_max {
        limit.rlim_cur = limit.rlim_max
        if setrlimit(resource, &limit) != 0 { getrlimit(resource, &limit) }
    }
    return FileLimit(soft: UInt64(limit.rlim_cur), hard: UInt64(limit.rlim_max))
}

/// utime + stime + cutime + cstime of a process (/proc/PID/stat), seconds; the children's
/// part covers a forking server (socat's per-connection chapd) once they are reaped.
func processCPUSeconds(_ pid: Int32) -> Double? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return nil }
    // Fields after the command name, from field 3 (state): utime is field 14.
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 14 else { return nil }
    let ticks = (11...14).compactMap { Double(fields[$0]) }.reduce(0, +)
    return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// VmRSS of a process in KiB, nil when it is gone.
func residentKiB(_ pid: Int32) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return Int(line.split(separator: " ").dropFirst().first ?? "")
    }
    return nil
}

private func seconds(_ time: TimeAmount) -> Double { Double(time.nanoseconds) / 1e9 }

private func fixed(_ value: Double, _ digits: Int) -> String {
    String(format: "%.\(digits)f", value)
}
