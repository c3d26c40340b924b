import ChapSecrets
import FuzzCommon
import PPPCore
import PPPPackets

/// The RFC 1661 automaton with each policy (LCP, IPCP, IPV6CP) fed a sequence of events the
/// input chooses: packets (raw octets, or built from code/id/options so the options are
/// well-formed more often), timeouts, Up/Down/Open/Close, Protocol-Reject.
/// Checks: no trap; at most maxActionsPerEvent actions per event; every packet sent parses
/// with our own codec (Configure packets' options included) and prints.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNegotiation(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    var input = FuzzInput(start, count)
    let which = input.u8()
    let flags = input.u16()
    let t = input.u8()
    let timers = NegotiationTimers(restartInterval: .seconds(3), maxTerminate: Int(t >> 5),
                                   maxConfigure: Int(flags >> 12) + 1, maxFailure: Int((flags >> 8) & 0xf) + 1,
                                   passive: t & 1 != 0, silent: t & 2 != 0, restart: t & 4 != 0,
                                   discardDuplicateReplies: t & 8 == 0)
    let random = LCPRandom.seeded(SeededRandom(seed: UInt64(flags) &+ 1))
    switch which % 3 {
    case 0:
        var c = LCPConfiguration()
        c.mru = [1500, 296, 64, 65535][Int(flags & 3)]
        c.asyncMap = flags & 4 != 0 ? nil : 0
        c.magicNumber = flags & 8 == 0
        c.protocolCompression = flags & 16 == 0
        c.addressControlCompression = flags & 32 == 0
        c.requireCHAP = flags & 64 != 0
        c.canAuthenticateWithCHAP = flags & 128 == 0
        var machine = NegotiationAutomaton(protocolNumber: .lcp, policy: LCPPolicy(configuration: c, random: random), timers: timers)
        drive(&machine, &input)
    case 1:
        var c = IPCPConfiguration()
        if flags & 1 != 0 { c.localAddress = 0x0a00_0001 }
        if flags & 2 != 0 { c.remoteAddress = 0x0a00_0002 }
        c.acceptLocal = flags & 4 != 0
        c.acceptRemote = flags & 8 != 0
        if flags & 16 != 0 { c.primaryDNS = 0x0808_0808 }
        if flags & 32 != 0 { c.secondaryDNS = 0x0101_0101 }
        let allowed: [AddressRule]? = flags & 64 != 0 ? [] : nil
        var machine = NegotiationAutomaton(protocolNumber: .ipcp, policy: IPCPPolicy(configuration: c, allowedRemote: allowed), timers: timers)
        drive(&machine, &input)
    default:
        var c = IPV6CPConfiguration()
        if flags & 1 != 0 { c.localIdentifier = 1 }
        if flags & 2 != 0 { c.remoteIdentifier = 2 }
        c.acceptLocal = flags & 4 != 0
        c.acceptRemote = flags & 8 != 0
        var machine = NegotiationAutomaton(protocolNumber: .ipv6cp, policy: IPV6CPPolicy(configuration: c, random: random), timers: timers)
        drive(&machine, &input)
    }
    return 0
}

private func drive<P: NegotiationPolicy>(_ machine: inout NegotiationAutomaton<P>, _ input: inout FuzzInput) {
    let proto = machine.protocolNumber.rawValue
    var now = Instant(nanoseconds: 0)
    var deadline: Instant?
    func check(_ actions: [NegotiationAction]) {
        fuzzCheck(actions.count <= maxActionsPerEvent, "\(actions.count) actions for one event")
        for action in actions {
            switch action {
            case .send(let packet): checkEmitted(protocolNumber: proto, information: packet.bytes)
            case .setTimer(let at): fuzzCheck(at >= now, "timer set in the past"); deadline = at
            case .cancelTimer: deadline = nil
            default: break
            }
        }
    }
    var events = 0
    while !input.isAtEnd && events < 256 {
        events += 1
        let op = input.u8()
        now = now + .milliseconds(Int64(op >> 4) * 100)
        switch op % 10 {
        case 0, 1:
            check(machine.receive(bytes: input.blob(), now: now))
        case 2, 3, 4:
            // A packet with a valid header; options from the input (often well-formed).
            let code = input.u8() % 14
            let id = input.u8()
            var data = input.blob()
            if input.bool(), let options = try? RawOption.parseList(data) { data = RawOption.serializeList(options) }
            check(machine.receive(ControlPacket(code: code, identifier: id, data: data), now: now))
        case 5:
            if let at = deadline, at > now { now = at }
            check(machine.timeout(now: now))
        case 6: check(machine.up(now: now))
        case 7: check(machine.down(now: now))
        case 8: check(machine.open(now: now))
        default:
            if input.bool() { check(machine.close(reason: "fuzz", now: now)) } else { check(machine.protocolRejected(now: now)) }
        }
    }
}
