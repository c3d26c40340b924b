import ChapSecrets
import PPPCore
import PPPPackets

/// Two ends of a link, each with an optional authenticator and peer machine, joined in memory
/// on a virtual clock. Loss and duplication come from a seeded generator or a rule, so every
/// run is reproducible.
struct CHAPSimulation {
    struct End {
        var authenticator: CHAPAuthenticator?
        var peer: CHAPPeer?
        var authSecrets: TableSecrets
        var peerSecrets: TableSecrets
        var authDeadline: Instant?
        var peerDeadline: Instant?
        var authOutcomes: [CHAPAuthenticator.Outcome] = []
        var peerOutcomes: [CHAPPeer.Outcome] = []
        var logs: [String] = []
    }

    struct Sent {
        var at: Instant
        var from: Int
        var packet: CHAPPacket
        var dropped: Bool
    }

    private struct InFlight {
        var at: Instant
        var seq: Int
        var to: Int
        var packet: CHAPPacket
    }

    var ends: [End]
    var now = Instant.zero
    var trace: [Sent] = []
    /// Drop probability and duplicate probability per packet, drawn from `network`.
    var dropRate = 0.0
    var duplicateRate = 0.0
    /// Deterministic loss: called with (index in trace, packet); true drops it.
    var dropRule: (Int, CHAPPacket) -> Bool = { _, _ in false }
    var latency: Duration = .milliseconds(40)
    private var inFlight: [InFlight] = []
    private var seq = 0
    private var machineRandom: SeededRandom
    private var network: SeededRandom

    init(_ a: End, _ b: End, seed: UInt64) {
        ends = [a, b]
        machineRandom = SeededRandom(seed: seed)
        network = SeededRandom(seed: seed ^ 0x5eed)
    }

    mutating func start() {
        for i in ends.indices {
            if var p = ends[i].peer {
                let actions = p.start(now: now)
                ends[i].peer = p
                applyPeer(actions, at: i)
            }
            if var a = ends[i].authenticator {
                let actions = a.start(now: now, using: &machineRandom)
                ends[i].authenticator = a
                applyAuth(actions, at: i)
            }
        }
    }

    /// Runs events in time order until none are left or `limit` is reached.
    mutating func run(until limit: Instant) {
        while true {
            var next: (Instant, Int)?  // kind: 0 delivery, 1+i*2 auth timer, 2+i*2 peer timer
            if let d = inFlight.min(by: { ($0.at, $0.seq) < ($1.at, $1.seq) }) { next = (d.at, 0) }
            for i in ends.indices {
                if let t = ends[i].authDeadline, next == nil || t < next!.0 { next = (t, 1 + i * 2) }
                if let t = ends[i].peerDeadline, next == nil || t < next!.0 { next = (t, 2 + i * 2) }
            }
            guard let (at, kind) = next, at <= limit else { now = limit; return }
            now = at
            if kind == 0 {
                let index = inFlight.indices.min(by: { (inFlight[$0].at, inFlight[$0].seq) < (inFlight[$1].at, inFlight[$1].seq) })!
                let item = inFlight.remove(at: index)
                deliver(item.packet, to: item.to)
            } else {
                let i = (kind - 1) / 2
                if kind % 2 == 1 {
                    ends[i].authDeadline = nil
                    if var a = ends[i].authenticator {
                        let actions = a.timeout(now: now, using: &machineRandom)
                        ends[i].authenticator = a
                        applyAuth(actions, at: i)
                    }
                } else {
                    ends[i].peerDeadline = nil
                    if var p = ends[i].peer {
                        let actions = p.timeout(now: now)
                        ends[i].peer = p
                        applyPeer(actions, at: i)
                    }
                }
            }
        }
    }

    private mutating func deliver(_ packet: CHAPPacket, to i: Int) {
        if packet.isForAuthenticator {
            guard var a = ends[i].authenticator else { return }
            let actions = a.receive(packet, now: now, secrets: ends[i].authSecrets, using: &machineRandom)
            ends[i].authenticator = a
            applyAuth(actions, at: i)
        } else {
            guard var p = ends[i].peer else { return }
            let actions = p.receive(packet, now: now, secrets: ends[i].peerSecrets)
            ends[i].peer = p
            applyPeer(actions, at: i)
        }
    }

    private mutating func transmit(_ packet: CHAPPacket, from i: Int) {
        let dropped = dropRule(trace.count, packet) || Double.random(in: 0..<1, using: &network) < dropRate
        trace.append(Sent(at: now, from: i, packet: packet, dropped: dropped))
        guard !dropped else { return }
        let copies = Double.random(in: 0..<1, using: &network) < duplicateRate ? 2 : 1
        for copy in 0..<copies {
            seq += 1
            inFlight.append(InFlight(at: now + latency + .milliseconds(copy * 5), seq: seq, to: 1 - i, packet: packet))
        }
    }

    private mutating func applyAuth(_ actions: [CHAPAuthenticator.Action], at i: Int) {
        for action in actions {
            switch action {
            case .send(let p): transmit(p, from: i)
            case .setTimer(let d): ends[i].authDeadline = d
            case .cancelTimer: ends[i].authDeadline = nil
            case .log(_, let text): ends[i].logs.append(text)
            case .outcome(let o):
                ends[i].authOutcomes.append(o)
                // What the lead's Link does for chap-wait: release our held Response.
                if case .peerAuthenticated = o, var p = ends[i].peer {
                    let released = p.peerAuthenticatedToUs(now: now, secrets: ends[i].peerSecrets)
                    ends[i].peer = p
                    applyPeer(released, at: i)
                }
            }
        }
    }

    private mutating func applyPeer(_ actions: [CHAPPeer.Action], at i: Int) {
        for action in actions {
            switch action {
            case .send(let p): transmit(p, from: i)
            case .setTimer(let d): ends[i].peerDeadline = d
            case .cancelTimer: ends[i].peerDeadline = nil
            case .log(_, let text): ends[i].logs.append(text)
            case .outcome(let o): ends[i].peerOutcomes.append(o)
            }
        }
    }
}

extension CHAPSimulation.End {
    /// An end named `name` that authenticates `remote` (if `authenticates`) and answers as `name`.
    static func make(_ name: String, authenticates: Bool, answers: Bool, secrets: TableSecrets,
                     editAuth: (inout CHAPAuthenticatorConfiguration) -> Void = { _ in },
                     editPeer: (inout CHAPPeerConfiguration) -> Void = { _ in }) throws -> Self {
        var authConfig = CHAPAuthenticatorConfiguration(name: name)
        editAuth(&authConfig)
        var peerConfig = CHAPPeerConfiguration(name: name)
        editPeer(&peerConfig)
        return .init(authenticator: authenticates ? try CHAPAuthenticator(configuration: authConfig) : nil,
                     peer: answers ? try CHAPPeer(configuration: peerConfig) : nil,
                     authSecrets: secrets, peerSecrets: secrets)
    }
}
