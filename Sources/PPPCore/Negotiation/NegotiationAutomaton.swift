import PPPPackets

/// The RFC 1661 §4 option-negotiation automaton, shared by LCP and IPCP as in pppd's
/// fsm.c. A value type: events in, actions out; time arrives as `now`, the policy holds
/// any randomness it needs.
public struct NegotiationAutomaton<Policy: NegotiationPolicy>: Sendable {
    public let protocolNumber: PPPProtocol
    /// The option policy; negotiated values are read from it.
    public var policy: Policy
    public var timers: NegotiationTimers
    public internal(set) var state: NegotiationState = .initial
    public internal(set) var counters = NegotiationCounters()
    /// Identifier of our outstanding Configure-Request or Terminate-Request.
    public internal(set) var requestIdentifier: UInt8 = 0
    /// The instant the restart timer is armed for, if it runs.
    public internal(set) var timerDeadline: Instant?

    var lastIdentifier: UInt8 = 0
    var seenReply = false
    var restartCount = 0
    var nakLoops = 0          // Naks we sent in a row (Max-Failure)
    var peerNakLoops = 0      // Naks we received in a row (pppd's rnakloops)
    var terminateReason: [UInt8] = []

    public init(protocolNumber: PPPProtocol, policy: Policy, timers: NegotiationTimers = .init()) {
        self.protocolNumber = protocolNumber
        self.policy = policy
        self.timers = timers
    }

    var name: String { protocolNumber.name ?? protocolNumber.description }

    /// A fresh identifier for a request of ours or an unsolicited packet (Code-Reject,
    /// Protocol-Reject).
    public mutating func nextIdentifier() -> UInt8 {
        lastIdentifier &+= 1
        return lastIdentifier
    }

    // MARK: - Administrative and lower-layer events

    /// Up: the lower layer is ready.
    public mutating func up(now: Instant) -> [NegotiationAction] {
        var out: [NegotiationAction] = []
        switch state {
        case .initial:
            state = .closed
        case .starting:
            if timers.silent {
                state = .stopped
            } else {
                sendConfigureRequest(retransmit: false, now: now, &out)
                state = .requestSent
            }
        default:
            out.append(.log(.debug, "\(name): Up event in state \(state)"))
        }
        return out
    }

    /// Down: the lower layer is gone.
    public mutating func down(now: Instant) -> [NegotiationAction] {
        var out: [NegotiationAction] = []
        switch state {
        case .closed:
            state = .initial
        case .stopped:
            state = .starting
            out.append(.thisLayerStarted)
        case .closing:
            cancelTimer(&out)
            state = .initial
        case .stopping, .requestSent, .ackReceived, .ackSent:
            cancelTimer(&out)
            state = .starting
        case .opened:
            layerDown(now: now, &out)
            state = .starting
        case .initial, .starting:
            out.append(.log(.debug, "\(name): Down event in state \(state)"))
        }
        return out
    }

    /// Open: the administrator allows the link up.
    public mutating func open(now: Instant) -> [NegotiationAction] {
        var out: [NegotiationAction] = []
        switch state {
        case .initial:
            state = .starting
            out.append(.thisLayerStarted)
        case .closed:
            if timers.silent {
                state = .stopped
            } else {
                sendConfigureRequest(retransmit: false, now: now, &out)
                state = .requestSent
            }
        case .closing:
            state = .stopping
            if timers.restart { out += restartLink(now: now) }
        case .stopped, .stopping, .opened:
            if timers.restart { out += restartLink(now: now) }
        case .starting, .requestSent, .ackReceived, .ackSent:
            break
        }
        return out
    }

    /// Close: the administrator wants the link down; `reason` is the Terminate-Request's data.
    public mutating func close(reason: String, now: Instant) -> [NegotiationAction] {
        var out: [NegotiationAction] = []
        terminateReason = Array(reason.utf8)
        switch state {
        case .starting:
            state = .initial
            out.append(.thisLayerFinished)
        case .stopped:
            state = .closed
            // pppd (lcp_close): a passive or silent link that never came up finishes now.
            if timers.passive || timers.silent { out.append(.thisLayerFinished) }
        case .stopping:
            state = .closing
        case .requestSent, .ackReceived, .ackSent, .opened:
            terminate(next: .closing, now: now, &out)
        case .initial, .closed, .closing:
            break
        }
        return out
    }

    /// The restart timer fired. A call when no timer is armed, or before its deadline
    /// (a stale timer the runtime failed to cancel), is ignored.
    public mutating func timeout(now: Instant) -> [NegotiationAction] {
        var out: [NegotiationAction] = []
        guard let deadline = timerDeadline, now >= deadline else {
            return [.log(.debug, "\(name): stale timeout in state \(state) ignored")]
        }
        timerDeadline = nil
        switch state {
        case .closing, .stopping:
            if restartCount <= 0 {
                state = state == .closing ? .closed : .stopped
                out.append(.thisLayerFinished)
            } else {
                out.append(.send(ControlPacket(code: ControlCode.terminateRequest.rawValue,
                                               identifier: requestIdentifier, data: terminateReason)))
                armTimer(now: now, &out)
                restartCount -= 1
            }
        case .requestSent, .ackReceived, .ackSent:
            if restartCount <= 0 {
                out.append(.log(.warning, "\(name): timeout sending Config-Requests"))
                state = .stopped
                if !timers.passive { out.append(.thisLayerFinished) }
            } else {
                sendConfigureRequest(retransmit: true, now: now, &out)
                if state == .ackReceived { state = .requestSent }
            }
        default:
            out.append(.log(.debug, "\(name): Timeout event in state \(state)"))
        }
        return out
    }

    /// RXJ- from outside: the peer Protocol-Rejected this machine's protocol.
    public mutating func protocolRejected(now: Instant) -> [NegotiationAction] {
        var out: [NegotiationAction] = []
        catastrophicReject(now: now, &out)
        return out
    }

    // MARK: - Shared actions

    mutating func restartLink(now: Instant) -> [NegotiationAction] {
        down(now: now) + up(now: now)
    }

    mutating func armTimer(now: Instant, _ out: inout [NegotiationAction]) {
        let deadline = now + timers.restartInterval
        timerDeadline = deadline
        out.append(.setTimer(deadline))
    }

    mutating func cancelTimer(_ out: inout [NegotiationAction]) {
        if timerDeadline != nil {
            timerDeadline = nil
            out.append(.cancelTimer)
        }
    }

    /// scr (with irc for a new request): pppd's fsm_sconfreq.
    mutating func sendConfigureRequest(retransmit: Bool, now: Instant, _ out: inout [NegotiationAction]) {
        if !state.isNegotiating {
            var context = NegotiationContext(state: state, now: now, protocolName: name)
            policy.resetForNewNegotiation(context: &context)
            out += context.actions
            nakLoops = 0
            peerNakLoops = 0
        }
        if !retransmit {
            restartCount = timers.maxConfigure
            requestIdentifier = nextIdentifier()
        }
        seenReply = false
        out.append(.send(ControlPacket(code: ControlCode.configureRequest.rawValue,
                                       identifier: requestIdentifier, data: policy.requestOptions())))
        restartCount -= 1
        armTimer(now: now, &out)
    }

    /// irc, str and the move to Closing/Stopping (tld first when leaving Opened).
    mutating func terminate(next: NegotiationState, now: Instant, skipLayerDown: Bool = false,
                            _ out: inout [NegotiationAction]) {
        if state == .opened {
            if !skipLayerDown { layerDown(now: now, &out) }
        } else {
            cancelTimer(&out)
        }
        restartCount = timers.maxTerminate
        requestIdentifier = nextIdentifier()
        out.append(.send(ControlPacket(code: ControlCode.terminateRequest.rawValue,
                                       identifier: requestIdentifier, data: terminateReason)))
        if restartCount <= 0 {
            state = next == .closing ? .closed : .stopped
            out.append(.thisLayerFinished)
            return
        }
        armTimer(now: now, &out)
        restartCount -= 1
        state = next
    }

    /// tlu, with the policy's chance to refuse the result (pppd's ipcp_up closing).
    mutating func layerUp(now: Instant, _ out: inout [NegotiationAction]) {
        cancelTimer(&out)
        state = .opened
        var context = NegotiationContext(state: state, now: now, protocolName: name)
        policy.layerUp(context: &context)
        out += context.actions
        if let reason = context.closeReason {
            terminateReason = Array(reason.utf8)
            terminate(next: .closing, now: now, skipLayerDown: true, &out)
        } else {
            out.append(.thisLayerUp)
        }
    }

    /// tld
    mutating func layerDown(now: Instant, _ out: inout [NegotiationAction]) {
        var context = NegotiationContext(state: state, now: now, protocolName: name)
        policy.layerDown(context: &context)
        out += context.actions
        out.append(.thisLayerDown)
    }

    /// RXJ-: pppd's fsm_protreject.
    mutating func catastrophicReject(now: Instant, _ out: inout [NegotiationAction]) {
        switch state {
        case .closing, .closed:
            cancelTimer(&out)
            state = .closed
            out.append(.thisLayerFinished)
        case .stopping, .requestSent, .ackReceived, .ackSent, .stopped:
            cancelTimer(&out)
            state = .stopped
            out.append(.thisLayerFinished)
        case .opened:
            terminateReason = []
            terminate(next: .stopping, now: now, &out)
        case .initial, .starting:
            out.append(.log(.debug, "\(name): Protocol-reject event in state \(state)"))
        }
    }
}
