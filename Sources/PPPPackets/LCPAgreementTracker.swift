/// Follows an LCP negotiation seen from the wire (both directions) and reports the
/// receive-side framing each direction must be decoded with once LCP is Opened.
///
/// RFC 1661: options in X's Configure-Request describe what X wants to *receive*; once the
/// peer Acks them, they govern the frames sent *to* X. So the Ack a side sends carries the
/// settings for frames that same side transmits. Used by `chapctl decode` and the vector
/// tests; plain values only, since PPPPackets sits beside (not above) PPPFraming.
public struct LCPAgreementTracker: Hashable, Sendable {
    /// Two ends of a line, named by who transmits.
    public enum Side: Hashable, Sendable, CaseIterable { case local, remote }

    /// What the receiver of one direction's frames has agreed to accept.
    public struct ReceiveSettings: Hashable, Sendable {
        public var accm: UInt32 = 0xffff_ffff
        public var mru: Int = 1500
        public var addressControlCompression = false
        public var protocolCompression = false
        public init() {}
    }

    /// The Acked options, keyed by the side that *sent* the Ack (and so will send frames
    /// under them).
    private var acked: [Side: ReceiveSettings] = [:]
    public private(set) var isOpened = false

    public init() {}

    /// Settings for decoding frames transmitted by `side`, or nil while LCP is not Opened.
    public func settings(forFramesFrom side: Side) -> ReceiveSettings? {
        isOpened ? acked[side] : nil
    }

    /// Feeds one decoded frame. Returns true when this frame made LCP reach Opened, i.e.
    /// when callers should reconfigure their decoders.
    @discardableResult
    public mutating func observe(from side: Side, protocolNumber: UInt16, information: [UInt8]) -> Bool {
        guard protocolNumber == PPPProtocol.lcp.rawValue,
              let packet = try? ControlPacket(parsing: information) else { return false }
        switch packet.code {
        case ControlCode.configureAck.rawValue:
            guard let options = try? RawOption.parseList(packet.data) else { return false }
            acked[side] = Self.settings(from: options)
            if !isOpened && acked.count == 2 {
                isOpened = true
                return true
            }
        case ControlCode.configureRequest.rawValue:
            // A new request from this side voids the Ack its peer gave the previous one.
            acked[side == .local ? .remote : .local] = nil
            isOpened = false
        case ControlCode.terminateRequest.rawValue, ControlCode.terminateAck.rawValue:
            acked = [:]
            isOpened = false
        default:
            break
        }
        return false
    }

    /// Settings from the options of a Configure-Ack (a copy of the requester's options).
    static func settings(from options: [RawOption]) -> ReceiveSettings {
        var s = ReceiveSettings()
        for option in options {
            switch LCPOption(option) {
            case .asyncMap(let map): s.accm = map
            case .mru(let mru): s.mru = max(Int(mru), 1500)
            case .protocolFieldCompression: s.protocolCompression = true
            case .addressControlFieldCompression: s.addressControlCompression = true
            default: break
            }
        }
        return s
    }
}
