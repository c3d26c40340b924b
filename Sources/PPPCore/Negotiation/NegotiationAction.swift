import PPPPackets

/// What a negotiation machine asks its environment to do. The runtime wraps `send`
/// packets in the machine's protocol number; the link layer reacts to the rest.
public enum NegotiationAction: Hashable, Sendable {
    case send(ControlPacket)
    /// (Re)arm this machine's single restart timer to fire at the instant.
    case setTimer(Instant)
    case cancelTimer
    case thisLayerUp, thisLayerDown, thisLayerStarted, thisLayerFinished
    case log(LogLevel, String)
    /// LCP: the peer sent Protocol-Reject for this protocol while LCP was Opened
    /// (the link delivers RXJ- to that protocol's machine).
    case protocolRejected(PPPProtocol)
    /// LCP: an Echo-Reply from the peer (not our own looped-back one) arrived.
    case echoReplyReceived(identifier: UInt8)
    /// LCP: our magic number came back too often; the line is looped back (pppd exit 17).
    case loopbackDetected
}
