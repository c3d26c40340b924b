import PPPCore
import PPPPackets

extension Array where Element == NegotiationAction {
    /// Packets the machine asked to send, in order.
    var negSent: [ControlPacket] {
        compactMap { if case .send(let p) = $0 { return p } else { return nil } }
    }
    var negLogs: [String] {
        compactMap { if case .log(_, let s) = $0 { return s } else { return nil } }
    }
    func negContains(_ action: NegotiationAction) -> Bool { contains(action) }
}

/// Hex without separators ("0206…") to octets; test data only, so a typo traps loudly.
func unhex(_ s: String) -> [UInt8] {
    let c = Array(s.filter { !$0.isWhitespace })
    precondition(c.count % 2 == 0, "odd hex")
    return stride(from: 0, to: c.count, by: 2).map { UInt8(String(c[$0...$0 + 1]), radix: 16)! }
}

typealias LCPMachine = NegotiationAutomaton<LCPPolicy>

func makeLCP(seed: UInt64 = 1, timers: NegotiationTimers = .init(),
             _ edit: (inout LCPConfiguration) -> Void = { _ in }) -> LCPMachine {
    var config = LCPConfiguration()
    edit(&config)
    return NegotiationAutomaton(protocolNumber: .lcp,
                                policy: LCPPolicy(configuration: config, random: .seeded(SeededRandom(seed: seed))),
                                timers: timers)
}

extension ControlPacket {
    static func lcp(_ code: ControlCode, _ id: UInt8, _ data: [UInt8] = []) -> ControlPacket {
        ControlPacket(code: code.rawValue, identifier: id, data: data)
    }
}
