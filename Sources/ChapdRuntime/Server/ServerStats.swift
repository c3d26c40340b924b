import ChapdControl
import CoreMetrics
import Metrics
import Foundation
import NIOConcurrencyHelpers
import PPPCore
import Prometheus

/// The server's counters, kept once: `chapctl show stat` reads them and the Prometheus
/// endpoint exports the same numbers through swift-metrics, so the two always agree.
final class ServerStats: @unchecked Sendable {
    private let lock = NIOLock()
    private let started = Date()
    private var linksByPhase: [LinkPhase: Int] = [:]
    private var linksTotal = 0
    private var handshakesOK = 0
    private var handshakesFailed: [String: Int] = [:]
    private var framesDropped: [String: Int] = [:]
    private var refused: [String: Int] = [:]
    private var secretsReloads = 0
    private var octets = (lineIn: 0, lineOut: 0, framesIn: 0, framesOut: 0)
    private var ipDiscarded = 0

    let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private var phaseGauges: [LinkPhase: CoreMetrics.Gauge] = [:]
    private var counters: [String: CoreMetrics.Counter] = [:]
    private let authLatency: CoreMetrics.Timer
    private let poolFreeGauge: CoreMetrics.Gauge
    private let addresses: AddressBook

    init(addresses: AddressBook) {
        self.addresses = addresses
        var factory = PrometheusMetricsFactory(registry: registry)
        // CHAP authentication is milliseconds on a LAN, longer through RADIUS.
        factory.durationHistogramBuckets["chapd_chap_authentication_seconds"] = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .seconds(3), .seconds(10), .seconds(30),
        ]
        self.factory = factory
        authLatency = CoreMetrics.Timer(label: "chapd_chap_authentication_seconds", factory: factory)
        poolFreeGauge = CoreMetrics.Gauge(label: "chapd_pool_addresses_free", factory: factory)
        for phase in [LinkPhase.establish, .authenticate, .network, .terminate] {
            phaseGauges[phase] = CoreMetrics.Gauge(label: "chapd_links", dimensions: [("phase", phase.rawValue)], factory: factory)
            phaseGauges[phase]!.record(0)
        }
        if addresses.hasPool { poolFreeGauge.record(addresses.free) }
    }

    private func count(_ label: String, _ dimensions: [(String, String)], by n: Int = 1) {
        let key = label + dimensions.map { "|\($0.0)=\($0.1)" }.joined()
        let c: CoreMetrics.Counter
        if let existing = counters[key] { c = existing } else {
            c = CoreMetrics.Counter(label: label, dimensions: dimensions, factory: factory)
            counters[key] = c
        }
        c.increment(by: n)
    }

    func linkStarted() {
        lock.withLock {
            linksTotal += 1
            count("chapd_links_accepted_total", [])
        }
    }

    func phaseChanged(from old: LinkPhase, to new: LinkPhase) {
        lock.withLock {
            if old != .dead { linksByPhase[old, default: 0] -= 1; phaseGauges[old]?.record(linksByPhase[old]!) }
            if new != .dead { linksByPhase[new, default: 0] += 1; phaseGauges[new]?.record(linksByPhase[new]!) }
        }
    }

    func authenticated(after: Duration) {
        authLatency.recordNanoseconds(after.nanoseconds)
    }

    /// A link's handshake ended: reached the network phase, or failed for `reason`.
    func handshake(ok: Bool, reason: String) {
        lock.withLock {
            if ok {
                handshakesOK += 1
                count("chapd_handshakes_total", [("outcome", "ok")])
            } else {
                handshakesFailed[reason, default: 0] += 1
                count("chapd_handshakes_total", [("outcome", "failed"), ("reason", reason)])
            }
        }
    }

    func dropped(_ reason: String, count n: Int) {
        lock.withLock {
            framesDropped[reason, default: 0] += n
            count("chapd_frames_dropped_total", [("reason", reason)], by: n)
        }
    }

    func refusedConnection(_ reason: String) {
        lock.withLock {
            refused[reason, default: 0] += 1
            count("chapd_connections_refused_total", [("reason", reason)])
        }
    }

    func secretsReloaded() {
        lock.withLock {
            secretsReloads += 1
            count("chapd_secrets_reloads_total", [])
        }
    }

    /// What an ended link moved, added once at its end.
    func traffic(_ line: LineCounters, _ link: LinkCounters) {
        lock.withLock {
            count("chapd_line_octets_total", [("direction", "in")], by: line.octetsIn)
            count("chapd_line_octets_total", [("direction", "out")], by: line.octetsOut)
            count("chapd_frames_total", [("direction", "in")], by: line.framesIn)
            count("chapd_frames_total", [("direction", "out")], by: line.framesOut)
            let discarded = link.ipPacketsDropped + link.ipPacketsOutDropped
            if discarded > 0 { count("chapd_ip_packets_discarded_total", [], by: discarded) }
            octets.lineIn += line.octetsIn
            octets.lineOut += line.octetsOut
            octets.framesIn += line.framesIn
            octets.framesOut += line.framesOut
            ipDiscarded += discarded
        }
    }

    func poolChanged() {
        if addresses.hasPool { poolFreeGauge.record(addresses.free) }
    }

    var snapshot: ServerStat {
        lock.withLock {
            var phases: [String: Int] = [:]
            for p in [LinkPhase.establish, .authenticate, .network, .terminate] { phases[p.rawValue] = linksByPhase[p] ?? 0 }
            return ServerStat(
                uptimeSeconds: Date().timeIntervalSince(started), linksByPhase: phases, linksTotal: linksTotal,
                handshakesOK: handshakesOK, handshakesFailed: handshakesFailed, framesDropped: framesDropped,
                connectionsRefused: refused, secretsReloads: secretsReloads,
                poolFree: addresses.hasPool ? addresses.free : nil)
        }
    }

    /// The Prometheus text exposition.
    func prometheusText() -> [UInt8] {
        poolChanged()
        return registry.emitToBuffer()
    }
}

extension LinkEnd {
    /// The word `show stat` and the metrics count a failed handshake under.
    var failureWord: String {
        switch self {
        case .negotiationEnded: return "negotiation-failed"
        case .userRequest: return "user-request"
        case .administrativeReset: return "admin-reset"
        case .hangup: return "hangup"
        case .peerAuthenticationFailed(let reason):
            switch reason {
            case .wrongResponse: return "wrong-response"
            case .noSecret: return "no-secret"
            case .timeout: return "auth-timeout"
            case .nameChanged: return "name-changed"
            case .backendUnavailable: return "backend-unavailable"
            case nil: return "peer-refused"
            }
        case .authenticationToPeerFailed: return "auth-to-peer-failed"
        case .echoTimeout: return "peer-dead"
        case .loopback: return "loopback"
        case .sessionTimeout: return "session-timeout"
        case .idleTimeout: return "idle-timeout"
        case .fatalError: return "error"
        }
    }
}
