import PPPPackets

extension NegotiationAutomaton {
    /// A packet of this machine's protocol, still as octets (the frame's information
    /// field). Malformed packets are counted, logged and dropped, never trapped on.
    public mutating func receive(bytes: [UInt8], now: Instant) -> [NegotiationAction] {
        do {
            return receive(try ControlPacket(parsing: bytes), now: now)
        } catch {
            counters.discardedMalformed += 1
            return [.log(.debug, "\(name): discarded malformed packet: \(error.message)")]
        }
    }

    /// A parsed packet of this machine's protocol.
    public mutating func receive(_ packet: ControlPacket, now: Instant) -> [NegotiationAction] {
        var out: [NegotiationAction] = []
        if state == .initial || state == .starting {
            counters.discardedInInactiveState += 1
            out.append(.log(.debug, "\(name): discarded code \(packet.code) in state \(state)"))
            return out
        }
        switch ControlCode(rawValue: packet.code) {
        case .configureRequest: receiveConfigureRequest(packet, now: now, &out)
        case .configureAck: receiveConfigureAck(packet, now: now, &out)
        case .configureNak, .configureReject: receiveConfigureNakOrReject(packet, now: now, &out)
        case .terminateRequest: receiveTerminateRequest(packet, now: now, &out)
        case .terminateAck: receiveTerminateAck(now: now, &out)
        case .codeReject: receiveCodeReject(packet, now: now, &out)
        default: receiveOtherCode(packet, now: now, &out)
        }
        return out
    }

    private func terminateAck(_ id: UInt8) -> NegotiationAction {
        .send(ControlPacket(code: ControlCode.terminateAck.rawValue, identifier: id))
    }

    /// RCR+ / RCR-
    private mutating func receiveConfigureRequest(_ packet: ControlPacket, now: Instant, _ out: inout [NegotiationAction]) {
        switch state {
        case .closed:
            out.append(terminateAck(packet.identifier))
            return
        case .closing, .stopping:
            return
        case .opened:
            layerDown(now: now, &out)
            sendConfigureRequest(retransmit: false, now: now, &out)
            state = .requestSent
        case .stopped:
            sendConfigureRequest(retransmit: false, now: now, &out)
            state = .requestSent
        default:
            break
        }
        var context = NegotiationContext(state: state, now: now, protocolName: name)
        let verdict = policy.judgePeerRequest(packet.data, rejectIfDisagree: nakLoops >= timers.maxFailure,
                                              context: &context)
        out += context.actions
        let reply: ControlPacket
        switch verdict {
        case .ack: reply = ControlPacket(code: ControlCode.configureAck.rawValue, identifier: packet.identifier, data: packet.data)
        case .nak(let d): reply = ControlPacket(code: ControlCode.configureNak.rawValue, identifier: packet.identifier, data: d)
        case .reject(let d): reply = ControlPacket(code: ControlCode.configureReject.rawValue, identifier: packet.identifier, data: d)
        }
        out.append(.send(reply))
        if verdict == .ack {
            nakLoops = 0
            if state == .ackReceived {
                layerUp(now: now, &out)
            } else {
                state = .ackSent
            }
        } else {
            if state != .ackReceived { state = .requestSent }
            if case .nak = verdict { nakLoops += 1 }
        }
        if let reason = context.closeReason { out += close(reason: reason, now: now) }
    }

    /// Whether a reply belongs to our outstanding request; counts and logs when not.
    private mutating func acceptsReply(_ packet: ControlPacket, _ out: inout [NegotiationAction]) -> Bool {
        let code = ControlCode(rawValue: packet.code)?.pppdName ?? "reply"
        if packet.identifier != requestIdentifier {
            counters.discardedUnexpectedIdentifier += 1
            out.append(.log(.debug, "\(name): discarded \(code) id=\(packet.identifier), expecting id=\(requestIdentifier)"))
            return false
        }
        if seenReply && timers.discardDuplicateReplies {
            counters.discardedDuplicateReply += 1
            out.append(.log(.debug, "\(name): discarded duplicate \(code) id=\(packet.identifier): this request was already answered"))
            return false
        }
        return true
    }

    /// RCA
    private mutating func receiveConfigureAck(_ packet: ControlPacket, now: Instant, _ out: inout [NegotiationAction]) {
        switch state {
        case .closed, .stopped:
            out.append(terminateAck(packet.identifier))
            return
        case .closing, .stopping:
            return
        default:
            break
        }
        guard acceptsReply(packet, &out) else { return }
        var context = NegotiationContext(state: state, now: now, protocolName: name)
        let good = policy.peerAcknowledged(packet.data, context: &context)
        out += context.actions
        guard good else {
            counters.discardedBadReply += 1
            out.append(.log(.error, "\(name): Received bad configure-ack: \(hexString(packet.data))"))
            return
        }
        seenReply = true
        peerNakLoops = 0
        switch state {
        case .requestSent:
            state = .ackReceived
            restartCount = timers.maxConfigure
        case .ackReceived:
            sendConfigureRequest(retransmit: false, now: now, &out)
            state = .requestSent
        case .ackSent:
            restartCount = timers.maxConfigure
            layerUp(now: now, &out)
        case .opened:
            layerDown(now: now, &out)
            sendConfigureRequest(retransmit: false, now: now, &out)
            state = .requestSent
        default:
            break
        }
    }

    /// RCN (Nak and Reject alike)
    private mutating func receiveConfigureNakOrReject(_ packet: ControlPacket, now: Instant, _ out: inout [NegotiationAction]) {
        switch state {
        case .closed, .stopped:
            out.append(terminateAck(packet.identifier))
            return
        case .closing, .stopping:
            return
        default:
            break
        }
        guard acceptsReply(packet, &out) else { return }
        let isNak = packet.code == ControlCode.configureNak.rawValue
        var context = NegotiationContext(state: state, now: now, protocolName: name)
        let good: Bool
        if isNak {
            peerNakLoops += 1
            // A Nak resets the restart count (RFC 1661: irc), so a peer that Naks every
            // request for ever — a fresh magic number each time is never given up on, and a
            // Nak may name options we never asked for — would keep the link negotiating for
            // ever. Max-Failure Naks in a row turn disagreement into rejection; Max-Configure
            // more without an Ack mean the negotiation is not converging.
            if peerNakLoops > timers.maxFailure + timers.maxConfigure {
                out.append(.log(.warning, "\(name): peer Nak'd \(peerNakLoops) Config-Requests in a row; giving up"))
                out += close(reason: "Negotiation not converging", now: now)
                return
            }
            good = policy.peerNaked(packet.data, treatAsReject: peerNakLoops >= timers.maxFailure, context: &context)
        } else {
            peerNakLoops = 0
            good = policy.peerRejected(packet.data, context: &context)
        }
        out += context.actions
        guard good else {
            counters.discardedBadReply += 1
            out.append(.log(.error, "\(name): Received bad configure-\(isNak ? "nak" : "rej"): \(hexString(packet.data))"))
            return
        }
        seenReply = true
        if let reason = context.closeReason {
            out += close(reason: reason, now: now)
            return
        }
        switch state {
        case .requestSent, .ackSent:
            sendConfigureRequest(retransmit: false, now: now, &out)
        case .ackReceived:
            sendConfigureRequest(retransmit: false, now: now, &out)
            state = .requestSent
        case .opened:
            layerDown(now: now, &out)
            sendConfigureRequest(retransmit: false, now: now, &out)
            state = .requestSent
        default:
            break
        }
    }

    /// RTR
    private mutating func receiveTerminateRequest(_ packet: ControlPacket, now: Instant, _ out: inout [NegotiationAction]) {
        switch state {
        case .ackReceived, .ackSent:
            state = .requestSent
        case .opened:
            if packet.data.isEmpty {
                out.append(.log(.info, "\(name) terminated by peer"))
            } else {
                out.append(.log(.info, "\(name) terminated by peer (\(printable(packet.data)))"))
            }
            layerDown(now: now, &out)
            restartCount = 0
            state = .stopping
            armTimer(now: now, &out)
        default:
            break
        }
        out.append(terminateAck(packet.identifier))
    }

    /// RTA
    private mutating func receiveTerminateAck(now: Instant, _ out: inout [NegotiationAction]) {
        switch state {
        case .closing:
            cancelTimer(&out)
            state = .closed
            out.append(.thisLayerFinished)
        case .stopping:
            cancelTimer(&out)
            state = .stopped
            out.append(.thisLayerFinished)
        case .ackReceived:
            state = .requestSent
        case .opened:
            layerDown(now: now, &out)
            sendConfigureRequest(retransmit: false, now: now, &out)
            state = .requestSent
        default:
            break
        }
    }

    /// RXJ+ / RXJ- from a Code-Reject
    private mutating func receiveCodeReject(_ packet: ControlPacket, now: Instant, _ out: inout [NegotiationAction]) {
        guard packet.data.count >= 2 else {
            counters.discardedMalformed += 1
            out.append(.log(.debug, "\(name): Rcvd short Code-Reject packet"))
            return
        }
        let code = packet.data[0]
        out.append(.log(.warning, "\(name): Rcvd Code-Reject for code \(code), id \(packet.data[1])"))
        if policy.isRequiredCode(code) {
            catastrophicReject(now: now, &out)
        } else if state == .ackReceived {
            state = .requestSent
        }
    }

    /// RXR or RUC
    private mutating func receiveOtherCode(_ packet: ControlPacket, now: Instant, _ out: inout [NegotiationAction]) {
        var context = NegotiationContext(state: state, now: now, protocolName: name)
        let handled = policy.receiveExtendedCode(packet, context: &context)
        out += context.actions
        if context.catastrophicReject {
            catastrophicReject(now: now, &out)
        } else if let reason = context.closeReason {
            out += close(reason: reason, now: now)
        }
        guard !handled else { return }
        // scj: the rejected packet, cut to fit a default MRU.
        var rejected = packet.bytes
        if rejected.count > 1500 - ControlPacket.headerLength {
            rejected = Array(rejected.prefix(1500 - ControlPacket.headerLength))
        }
        counters.codeRejectsSent += 1
        out.append(.send(ControlPacket(code: ControlCode.codeReject.rawValue, identifier: nextIdentifier(), data: rejected)))
    }
}

/// pppd prints a peer's reason text with non-printables escaped; never trust it raw.
func printable(_ bytes: [UInt8]) -> String {
    var s = ""
    for b in bytes.prefix(200) {
        if b >= 0x20 && b < 0x7f && b != UInt8(ascii: "\\") {
            s.unicodeScalars.append(Unicode.Scalar(b))
        } else {
            s += "\\x" + hexString([b])
        }
    }
    return s
}
