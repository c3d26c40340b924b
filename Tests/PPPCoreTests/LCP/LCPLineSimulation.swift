import PPPCore
import PPPPackets

/// Two LCP machines over a simulated line on a virtual clock. The line's faults come
/// from its own seeded generator, so a seed fixes the whole run.
struct LCPLineSimulation {
    struct Faults {
        var drop = 0.0
        var duplicate = 0.0
        /// Extra delay drawn in 0..<maxJitter; unequal delays reorder packets.
        var maxJitter: Duration = .zero
        /// The first `echoToSender` packets A sends also come straight back to A (tty echo).
        var echoToSender = 0
        /// Every packet A sends comes back to A, and nothing reaches B.
        var loopback = false
    }

    var machines: [LCPMachine]
    var faults: Faults
    var rng: SeededRandom
    var now = Instant.zero
    var queue: [(at: Instant, seq: Int, to: Int, packet: ControlPacket)] = []
    var seq = 0
    var aSent = 0
    var transcript: [String] = []
    var surfaced: [[NegotiationAction]] = [[], []]

    init(seed: UInt64, faults: Faults, configA: (inout LCPConfiguration) -> Void = { _ in },
         configB: (inout LCPConfiguration) -> Void = { _ in }) {
        machines = [makeLCP(seed: seed &* 2 &+ 1, configA), makeLCP(seed: seed &* 2 &+ 2, configB)]
        self.faults = faults
        rng = SeededRandom(seed: seed)
    }

    mutating func chance(_ p: Double) -> Bool {
        p > 0 && Double(rng.next() % 1_000_000) / 1_000_000 < p
    }

    mutating func transmit(from: Int, _ packet: ControlPacket) {
        transcript.append("\(now) \(from == 0 ? "A" : "B") sends code=\(packet.code) id=\(packet.identifier) \(packet.data)")
        var targets: [Int] = []
        if from == 0 {
            aSent += 1
            if faults.loopback { targets = [0] } else {
                targets = [1]
                if aSent <= faults.echoToSender { targets.append(0) }
            }
        } else {
            targets = [0]
        }
        for to in targets {
            if to != from && chance(faults.drop) { continue }
            let copies = (to != from && chance(faults.duplicate)) ? 2 : 1
            for _ in 0..<copies {
                var delay = Duration.milliseconds(10)
                if faults.maxJitter > .zero {
                    delay += .nanoseconds(Int64(rng.next() % UInt64(faults.maxJitter.nanoseconds)))
                }
                seq += 1
                queue.append((now + delay, seq, to, packet))
            }
        }
    }

    mutating func apply(_ actions: [NegotiationAction], at index: Int) {
        for a in actions {
            switch a {
            case .send(let p): transmit(from: index, p)
            case .setTimer, .cancelTimer, .log: break
            default: surfaced[index].append(a)
            }
        }
    }

    /// Opens both ends, then runs events in time order until nothing is pending.
    mutating func run(maxEvents: Int = 5000, until limit: Instant = .seconds(600)) {
        for i in 0..<2 {
            apply(machines[i].open(now: now), at: i)
            apply(machines[i].up(now: now), at: i)
        }
        var events = 0
        while events < maxEvents {
            events += 1
            let nextPacket = queue.min { ($0.at, $0.seq) < ($1.at, $1.seq) }
            let timers = machines.enumerated().compactMap { i, m in m.timerDeadline.map { (i, $0) } }
            let nextTimer = timers.min { $0.1 < $1.1 }
            if let p = nextPacket, nextTimer == nil || p.at <= nextTimer!.1 {
                queue.removeAll { $0.seq == p.seq }
                now = p.at
                guard now <= limit else { return }
                transcript.append("\(now) \(p.to == 0 ? "A" : "B") rcvd code=\(p.packet.code) id=\(p.packet.identifier)")
                apply(machines[p.to].receive(p.packet, now: now), at: p.to)
            } else if let (i, t) = nextTimer {
                now = t
                guard now <= limit else { return }
                transcript.append("\(now) \(i == 0 ? "A" : "B") timeout")
                apply(machines[i].timeout(now: now), at: i)
            } else {
                return
            }
        }
    }
}
