import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PPPCore

/// Where the server listens.
enum LoadTarget: Sendable, CustomStringConvertible {
    case tcp(host: String, port: Int)
    case unix(path: String)

    var description: String {
        switch self {
        case .tcp(let host, let port): return "tcp:\(host):\(port)"
        case .unix(let path): return "unix:\(path)"
        }
    }
}

/// Figures every worker adds to, read by the main thread for progress and the report.
/// Updated once per session event, so one lock is far from the bottleneck.
struct LoadCounters: Sendable {
    var launched = 0
    var up = 0
    /// Sessions that reached the network phase and then ended (handshake mode's "completed").
    var completed = 0
    var failures: [LoadFailure: Int] = [:]
    var lostWhileUp = 0
    var termAckTimeouts = 0
    /// Time to network of every session that got there, nanoseconds.
    var timeToNetwork: [Int64] = []
    var failed: Int { failures.values.reduce(0, +) }
}

/// Drives one event loop's share of the sessions. Confined to that loop: created there and
/// reached only through `NIOLoopBound`.
final class LoadWorker: LoadPeerDelegate {
    enum Mode {
        /// Keep `concurrency` sessions in flight until `total` have been started; each closes
        /// as soon as IPCP opens.
        case handshakes(total: Int, concurrency: Int)
        /// Bring `links` sessions up, at most `ramp` connecting at once, and keep them up until
        /// `closeAll()`.
        case hold(links: Int, ramp: Int)
    }

    private let loop: any EventLoop
    private let target: LoadTarget
    private let settings: LoadPeer.Settings
    private let configuration: LinkConfiguration
    private let mode: Mode
    private let counters: NIOLockedValueBox<LoadCounters>
    private let done: EventLoopPromise<Void>
    private var launched = 0
    /// Started but neither up nor ended (hold mode's ramp limit applies to these).
    private var connecting = 0
    private var live: [ObjectIdentifier: LoadPeer] = [:]
    private var closing = false

    init(loop: any EventLoop, target: LoadTarget, settings: LoadPeer.Settings, mode: Mode,
         counters: NIOLockedValueBox<LoadCounters>, done: EventLoopPromise<Void>) {
        self.loop = loop
        self.target = target
        self.settings = settings
        self.configuration = LoadPeer.configuration(settings)
        self.mode = mode
        self.counters = counters
        self.done = done
    }

    private var total: Int {
        switch mode {
        case .handshakes(let total, _): return total
        case .hold(let links, _): return links
        }
    }

    func start() {
        launchWhileRoom()
        if total == 0 { done.succeed(()) }
    }

    /// Hold mode: Terminate-Request on every live link; `done` completes when all have ended.
    func closeAll() {
        closing = true
        for peer in live.values { peer.close() }
        if live.isEmpty { done.succeed(()) }
    }

    private func launchWhileRoom() {
        while !closing && launched < total {
            switch mode {
            case .handshakes(_, let concurrency): guard live.count < concurrency else { return }
            case .hold(_, let ramp): guard connecting < ramp else { return }
            }
            launch()
        }
    }

    private func launch() {
        launched += 1
        connecting += 1
        counters.withLockedValue { $0.launched += 1 }
        let peer = LoadPeer(configuration: configuration, settings: settings, delegate: self, started: .now())
        live[ObjectIdentifier(peer)] = peer
        let bound = NIOLoopBound(peer, eventLoop: loop)
        var bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(settings.handshakeTimeout ?? .seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture(withResultOf: { try channel.pipeline.syncOperations.addHandler(bound.value) })
            }
        let connected: EventLoopFuture<any Channel>
        switch target {
        case .tcp(let host, let port):
            // One PPP frame is one small write: Nagle would hold back every other one.
            bootstrap = bootstrap.channelOption(.socketOption(.tcp_nodelay), value: 1)
            connected = bootstrap.connect(host: host, port: port)
        case .unix(let path):
            connected = bootstrap.connect(unixDomainSocketPath: path)
        }
        connected.whenFailure { bound.value.connectFailed($0) }
    }

    // MARK: LoadPeerDelegate

    func networkUp(_ peer: LoadPeer, timeToNetwork: TimeAmount, remote: UInt32) {
        connecting -= 1
        counters.withLockedValue {
            $0.up += 1
            $0.timeToNetwork.append(timeToNetwork.nanoseconds)
        }
        // Came up after closeAll (it was still connecting then): it ends too.
        if closing { peer.close() }
        launchWhileRoom()
    }

    func ended(_ peer: LoadPeer, failure: LoadFailure?, lostWhileUp: Bool, termAckTimedOut: Bool) {
        guard live.removeValue(forKey: ObjectIdentifier(peer)) != nil else { return }
        if failure != nil { connecting -= 1 }
        counters.withLockedValue {
            if let failure {
                $0.failures[failure, default: 0] += 1
            } else {
                $0.up -= 1
                $0.completed += 1
                if lostWhileUp { $0.lostWhileUp += 1 }
                if termAckTimedOut { $0.termAckTimeouts += 1 }
            }
        }
        launchWhileRoom()
        let finished: Bool
        switch mode {
        case .handshakes: finished = launched == total && live.isEmpty
        case .hold: finished = closing && live.isEmpty
        }
        if finished { done.succeed(()) }
    }
}
