import PPPCore
import PPPPackets
import Testing

/// RFC 1661 §4.1 state transition table, transcribed from the RFC text: per event, the
/// cell for states 0 (Initial) … 9 (Opened). "-" is an impossible/ignored event; the
/// "p", "r" and "x" suffixes are the RFC's notes (passive, restart option, crossed).
private let rfc1661Table: [(event: String, cells: [String])] = [
    ("Up", ["2", "irc,scr/6", "-", "-", "-", "-", "-", "-", "-", "-"]),
    ("Down", ["-", "-", "0", "tls/1", "0", "1", "1", "1", "1", "tld/1"]),
    ("Open", ["tls/1", "1", "irc,scr/6", "3r", "5r", "5r", "6", "7", "8", "9r"]),
    ("Close", ["0", "tlf/0", "2", "2", "4", "4", "irc,str/4", "irc,str/4", "irc,str/4", "tld,irc,str/4"]),
    ("TO+", ["-", "-", "-", "-", "str/4", "str/5", "scr/6", "scr/6", "scr/8", "-"]),
    ("TO-", ["-", "-", "-", "-", "tlf/2", "tlf/3", "tlf/3p", "tlf/3p", "tlf/3p", "-"]),
    ("RCR+", ["-", "-", "sta/2", "irc,scr,sca/8", "4", "5", "sca/8", "sca,tlu/9", "sca/8", "tld,scr,sca/8"]),
    ("RCR-", ["-", "-", "sta/2", "irc,scr,scn/6", "4", "5", "scn/6", "scn/7", "scn/6", "tld,scr,scn/6"]),
    ("RCA", ["-", "-", "sta/2", "sta/3", "4", "5", "irc/7", "scr/6x", "irc,tlu/9", "tld,scr/6x"]),
    ("RCN", ["-", "-", "sta/2", "sta/3", "4", "5", "irc,scr/6", "scr/6x", "irc,scr/8", "tld,scr/6x"]),
    ("RTR", ["-", "-", "sta/2", "sta/3", "sta/4", "sta/5", "sta/6", "sta/6", "sta/6", "tld,zrc,sta/5"]),
    ("RTA", ["-", "-", "2", "3", "tlf/2", "tlf/3", "6", "6", "8", "tld,scr/6"]),
    ("RUC", ["-", "-", "scj/2", "scj/3", "scj/4", "scj/5", "scj/6", "scj/7", "scj/8", "scj/9"]),
    ("RXJ+", ["-", "-", "2", "3", "4", "5", "6", "6", "8", "9"]),
    ("RXJ-", ["-", "-", "tlf/2", "tlf/3", "tlf/2", "tlf/3", "tlf/3", "tlf/3", "tlf/3", "tld,irc,str/5"]),
    ("RXR", ["-", "-", "2", "3", "4", "5", "6", "7", "8", "ser/9"]),
]

/// One cell: the observable actions (irc/zrc only touch counters) and the next state.
private struct Expectation {
    var actions: [String]
    var next: Int?

    init(_ cell: String, from state: Int) {
        guard cell != "-" else {
            actions = []
            next = state
            return
        }
        let parts = cell.split(separator: "/")
        let target = parts.last.map { String($0.prefix { $0.isNumber }) } ?? ""
        next = Int(target)
        actions = parts.count == 2
            ? parts[0].split(separator: ",").map(String.init).filter { $0 != "irc" && $0 != "zrc" }
            : []
    }
}

/// Drives a real LCP machine; the peer side is played by hand-made packets.
private struct Harness {
    var machine: LCPMachine
    var now = Instant.zero
    var peerId: UInt8 = 100

    init(timers: NegotiationTimers) {
        machine = makeLCP(timers: timers)
    }

    /// Fires one event and returns the observable action names.
    mutating func fire(_ event: String) -> [String] {
        now = now + .seconds(10) // far past any armed restart timer
        let actions: [NegotiationAction]
        peerId &+= 1
        switch event {
        case "Up": actions = machine.up(now: now)
        case "Down": actions = machine.down(now: now)
        case "Open": actions = machine.open(now: now)
        case "Close": actions = machine.close(reason: "test", now: now)
        case "TO+", "TO-": actions = machine.timeout(now: now)
        case "RCR+": actions = machine.receive(.lcp(.configureRequest, peerId, unhex("0506cafef00d")), now: now)
        case "RCR-": actions = machine.receive(.lcp(.configureRequest, peerId, unhex("0304c023")), now: now) // <auth pap>
        case "RCA":
            actions = machine.receive(.lcp(.configureAck, machine.requestIdentifier, machine.policy.requestOptions()), now: now)
        case "RCN": actions = machine.receive(.lcp(.configureNak, machine.requestIdentifier, unhex("020600000001")), now: now)
        case "RTR": actions = machine.receive(.lcp(.terminateRequest, peerId), now: now)
        case "RTA": actions = machine.receive(.lcp(.terminateAck, peerId), now: now)
        case "RUC": actions = machine.receive(ControlPacket(code: 42, identifier: peerId), now: now)
        case "RXJ+": actions = machine.receive(.lcp(.codeReject, peerId, [9, 1, 0, 4]), now: now)
        case "RXJ-": actions = machine.receive(.lcp(.codeReject, peerId, [1, 1, 0, 4]), now: now)
        case "RXR": actions = machine.receive(.lcp(.echoRequest, peerId, [0, 0, 0, 0]), now: now)
        default: fatalError("unknown event \(event)")
        }
        return actions.compactMap(Self.name)
    }

    static func name(_ a: NegotiationAction) -> String? {
        switch a {
        case .thisLayerUp: return "tlu"
        case .thisLayerDown: return "tld"
        case .thisLayerStarted: return "tls"
        case .thisLayerFinished: return "tlf"
        case .send(let p):
            switch ControlCode(rawValue: p.code) {
            case .configureRequest: return "scr"
            case .configureAck: return "sca"
            case .configureNak, .configureReject: return "scn"
            case .terminateRequest: return "str"
            case .terminateAck: return "sta"
            case .codeReject: return "scj"
            case .echoReply: return "ser"
            default: return "send\(p.code)"
            }
        default: return nil
        }
    }

    /// Events that bring a fresh machine into each state.
    static let recipes: [[String]] = [
        [], ["Open"], ["Up"], ["Open", "Up", "RXJ-"], ["Open", "Up", "Close"],
        ["Open", "Up", "Close", "Open"], ["Open", "Up"], ["Open", "Up", "RCA"],
        ["Open", "Up", "RCR+"], ["Open", "Up", "RCA", "RCR+"],
    ]
}

@Suite struct RFC1661TableTests {
    @Test func everyCellOfTheStateTransitionTable() {
        var checked = 0
        for (event, cells) in rfc1661Table {
            #expect(cells.count == 10)
            for state in 0..<10 {
                // TO- needs an exhausted restart counter; everything else uses the defaults.
                var timers = NegotiationTimers(discardDuplicateReplies: false)
                if event == "TO-" {
                    timers.maxConfigure = 0
                    timers.maxTerminate = 1
                }
                var h = Harness(timers: timers)
                for step in Harness.recipes[state] { _ = h.fire(step) }
                #expect(h.machine.state.rawValue == state, "recipe for state \(state) failed")
                let expected = Expectation(cells[state], from: state)
                let got = h.fire(event)
                #expect(got == expected.actions, "\(event) in state \(state): actions \(got), RFC says \(cells[state])")
                #expect(h.machine.state.rawValue == expected.next, "\(event) in state \(state): now \(h.machine.state), RFC says \(cells[state])")
                checked += 1
            }
        }
        #expect(checked == 160)
    }

    /// pppd's `seen_ack`: by default a second reply to the same request is a duplicate
    /// and is dropped, so a stray Ack no longer tears down an Opened link.
    @Test func duplicateAckInOpenedIsDiscardedByDefault() {
        var h = Harness(timers: NegotiationTimers())
        for step in Harness.recipes[9] { _ = h.fire(step) }
        #expect(h.machine.state == .opened)
        #expect(h.fire("RCA").isEmpty)
        #expect(h.machine.state == .opened)
        #expect(h.machine.counters.discardedDuplicateReply == 1)
        #expect(h.machine.counters.discardedUnexpectedIdentifier == 0)
    }

    @Test func passiveStaysStoppedWithoutFinishing() {
        var h = Harness(timers: NegotiationTimers(maxConfigure: 0, passive: true))
        _ = h.fire("Open")
        _ = h.fire("Up")
        #expect(h.fire("TO-") == [])
        #expect(h.machine.state == .stopped)
        // A peer's request then restarts negotiation from Stopped.
        #expect(h.fire("RCR+") == ["scr", "sca"])
        #expect(h.machine.state == .ackSent)
    }

    @Test func silentWaitsForThePeer() {
        var h = Harness(timers: NegotiationTimers(silent: true))
        #expect(h.fire("Open") == ["tls"])
        #expect(h.fire("Up") == [])
        #expect(h.machine.state == .stopped)
        #expect(h.fire("RCR+") == ["scr", "sca"])
    }

    @Test func identifiersAndRetransmissions() {
        var m = makeLCP()
        _ = m.open(now: .zero)
        let first = m.up(now: .zero).negSent
        #expect(first.map(\.identifier) == [1])
        #expect(first.first?.code == 1)
        let again = m.timeout(now: .seconds(3)).negSent
        #expect(again == first) // a retransmission keeps id and options
        // A Nak with a stale id is dropped and counted.
        let stale = m.receive(.lcp(.configureNak, 7, unhex("020600000001")), now: .seconds(4))
        #expect(stale.negSent.isEmpty)
        #expect(m.counters.discardedUnexpectedIdentifier == 1)
        // A valid Nak: a new request with a new id.
        let next = m.receive(.lcp(.configureNak, 1, unhex("020600000001")), now: .seconds(4)).negSent
        #expect(next.map(\.identifier) == [2])
        // Timer: armed 3 s from the event (the default restart interval).
        #expect(m.timerDeadline == .seconds(7))
    }

    @Test func malformedPacketsAreCountedNotTrapped() {
        var m = makeLCP()
        _ = m.open(now: .zero)
        _ = m.up(now: .zero)
        #expect(m.receive(bytes: [1, 2, 0], now: .zero).negSent.isEmpty)
        #expect(m.receive(bytes: [1, 2, 0, 9, 1], now: .zero).negSent.isEmpty)
        #expect(m.receive(bytes: [1, 2, 0, 2], now: .zero).negSent.isEmpty)
        #expect(m.counters.discardedMalformed == 3)
        // An option whose length runs past the packet: the rest is rejected, not parsed.
        let rej = m.receive(.lcp(.configureRequest, 9, unhex("0506cafef00d05ff01")), now: .zero).negSent
        #expect(rej == [.lcp(.configureReject, 9, unhex("05ff01"))])
        #expect(m.receive(.lcp(.codeReject, 3, []), now: .zero).negSent.isEmpty)
    }

    @Test func maxTerminateThenFinished() {
        var m = makeLCP()
        _ = m.open(now: .zero)
        _ = m.up(now: .zero)
        let close = m.close(reason: "User request", now: .zero)
        #expect(close.negSent == [.lcp(.terminateRequest, 2, Array("User request".utf8))])
        let retry = m.timeout(now: .seconds(3))
        #expect(retry.negSent == close.negSent) // retransmission keeps its id
        let done = m.timeout(now: .seconds(6))
        #expect(done.contains(.thisLayerFinished))
        #expect(m.state == .closed)
    }

    @Test func staleTimeoutIsIgnored() {
        var m = makeLCP()
        _ = m.open(now: .zero)
        _ = m.up(now: .zero)
        #expect(m.timeout(now: .seconds(1)).negSent.isEmpty)
        #expect(m.state == .requestSent)
    }
}
