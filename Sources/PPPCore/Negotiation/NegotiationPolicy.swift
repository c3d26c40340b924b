import PPPPackets

/// The peer's Configure-Request judged by a policy (pppd's `reqci` result).
public enum ConfigureVerdict: Hashable, Sendable {
    /// Acknowledge the request as received.
    case ack
    /// Configure-Nak with these option octets.
    case nak([UInt8])
    /// Configure-Reject with these option octets.
    case reject([UInt8])
}

/// What the automaton tells a policy about the moment of a callback, and what the
/// policy hands back besides its return value.
public struct NegotiationContext: Sendable {
    public let state: NegotiationState
    public let now: Instant
    public let protocolName: String
    /// Extra actions (logs, LCP surfaced events, Echo-Replies) emitted in order.
    public var actions: [NegotiationAction] = []
    /// Set to make the automaton Close with this reason after the callback (pppd's
    /// `lcp_close` from inside a callback, e.g. on loopback).
    public var closeReason: String?
    /// Set to deliver RXJ- to this automaton after the callback (Protocol-Reject of LCP).
    public var catastrophicReject = false

    public init(state: NegotiationState, now: Instant, protocolName: String) {
        self.state = state
        self.now = now
        self.protocolName = protocolName
    }

    public mutating func log(_ level: LogLevel, _ message: String) {
        actions.append(.log(level, message))
    }

    public mutating func emit(_ action: NegotiationAction) {
        actions.append(action)
    }
}

/// Protocol-specific decisions of an RFC 1661 automaton (pppd's fsm callbacks).
/// Option lists arrive as the raw Data of the packet: a policy must treat them as
/// untrusted and answer `false` (the packet is then discarded) when they do not fit.
public protocol NegotiationPolicy: Sendable {
    /// A new negotiation starts (a Configure-Request sent from outside Req-Sent,
    /// Ack-Rcvd, Ack-Sent): go back to what we want (pppd `resetci`).
    mutating func resetForNewNegotiation(context: inout NegotiationContext)
    /// The option octets of our next Configure-Request (pppd `addci`).
    mutating func requestOptions() -> [UInt8]
    /// The peer acknowledged our request; false if the Ack does not match it (pppd `ackci`).
    mutating func peerAcknowledged(_ options: [UInt8], context: inout NegotiationContext) -> Bool
    /// The peer Nak'd our request; false if the Nak is malformed (pppd `nakci`).
    mutating func peerNaked(_ options: [UInt8], treatAsReject: Bool, context: inout NegotiationContext) -> Bool
    /// The peer rejected options of our request; false if it rejects what we never sent.
    mutating func peerRejected(_ options: [UInt8], context: inout NegotiationContext) -> Bool
    /// Judge the peer's Configure-Request (pppd `reqci`).
    mutating func judgePeerRequest(_ options: [UInt8], rejectIfDisagree: Bool,
                                   context: inout NegotiationContext) -> ConfigureVerdict
    /// The automaton reached Opened; the policy may veto with `context.closeReason`.
    mutating func layerUp(context: inout NegotiationContext)
    mutating func layerDown(context: inout NegotiationContext)
    /// A code other than 1–7; return false to have it Code-Rejected (pppd `extcode`).
    mutating func receiveExtendedCode(_ packet: ControlPacket, context: inout NegotiationContext) -> Bool
    /// Whether a Code-Reject of this code is catastrophic (RXJ-) rather than RXJ+.
    func isRequiredCode(_ code: UInt8) -> Bool
}

extension NegotiationPolicy {
    public mutating func layerUp(context: inout NegotiationContext) {}
    public mutating func layerDown(context: inout NegotiationContext) {}
    public mutating func receiveExtendedCode(_ packet: ControlPacket, context: inout NegotiationContext) -> Bool { false }
    /// RFC 1661 §5.6: rejecting any of the codes every control protocol needs is fatal.
    public func isRequiredCode(_ code: UInt8) -> Bool { (1...7).contains(code) }
}
