import PPPPackets

/// LCP's option decisions as pppd's lcp.c makes them, for a CHAP-MD5-only daemon.
public struct LCPPolicy: NegotiationPolicy {
    /// What we currently ask for (pppd's `gotoptions`); shrinks as the peer Naks/Rejects.
    public struct Request: Hashable, Sendable {
        public var mru: UInt16?
        public var asyncMap: UInt32?
        public var chapMD5: Bool
        public var magic: UInt32?
        public var protocolCompression: Bool
        public var addressControlCompression: Bool
    }

    /// What we acknowledged of the peer's last request (pppd's `hisoptions`).
    public struct PeerOptions: Hashable, Sendable {
        public var mru: UInt16?
        public var asyncMap: UInt32?
        public var chapMD5 = false
        public var magic: UInt32?
        public var protocolCompression = false
        public var addressControlCompression = false
    }

    public var configuration: LCPConfiguration
    public private(set) var request: Request
    public private(set) var peer = PeerOptions()
    /// Naks in a row that were evidence of a loop: each carried back the very Magic-Number
    /// we had put in our own last Nak (RFC 1661 §6.4).
    public private(set) var loopCount = 0
    /// The Magic-Number we suggested in our last Configure-Nak of the peer's request when it
    /// carried our own number. Only a Nak repeating it back shows the line may be looped.
    private var lastNakedMagic: UInt32?
    /// We required CHAP-MD5 but the peer Nak'd or rejected it in this negotiation: the
    /// link ends with "peer refused to authenticate" once LCP is up.
    public var peerRefusedCHAP: Bool { configuration.requireCHAP && !request.chapMD5 }
    var random: LCPRandom

    static let minimumMRU: UInt16 = 128   // pppd MINMRU
    static let defaultMRU = 1500

    public init(configuration: LCPConfiguration, random: LCPRandom = .system) {
        self.configuration = configuration
        self.random = random
        self.request = Request(mru: nil, asyncMap: nil, chapMD5: false, magic: nil,
                               protocolCompression: false, addressControlCompression: false)
        self.request = wanted()
    }

    /// pppd's `wantoptions` with a fresh magic number.
    mutating func wanted() -> Request {
        let c = configuration
        return Request(
            mru: c.mru == Self.defaultMRU ? nil : UInt16(clamping: max(Int(Self.minimumMRU), c.mru)),
            asyncMap: c.asyncMap,
            chapMD5: c.requireCHAP,
            magic: c.magicNumber ? random.magic() : nil,
            protocolCompression: c.protocolCompression,
            addressControlCompression: c.addressControlCompression)
    }

    /// The options in force once LCP is Opened.
    public var agreed: LCPAgreement {
        var a = LCPAgreement()
        if let m = request.asyncMap { a.ourAsyncMap = m }
        if let m = peer.asyncMap { a.peerAsyncMap = m }
        a.ourMRU = request.mru.map(Int.init) ?? Self.defaultMRU
        let peerMRU = peer.mru.map(Int.init) ?? Self.defaultMRU
        a.peerMRU = min(peerMRU, configuration.mtu ?? peerMRU)
        a.ourProtocolCompression = request.protocolCompression
        a.ourAddressControlCompression = request.addressControlCompression
        a.peerProtocolCompression = peer.protocolCompression
        a.peerAddressControlCompression = peer.addressControlCompression
        a.ourMagic = request.magic ?? 0
        a.peerMagic = peer.magic ?? 0
        a.peerAuthenticatesWithCHAP = request.chapMD5
        a.weAuthenticateWithCHAP = peer.chapMD5
        return a
    }

    // MARK: - Our request

    public mutating func resetForNewNegotiation(context: inout NegotiationContext) {
        request = wanted()
        loopCount = 0
        lastNakedMagic = nil
    }

    func optionList(of r: Request) -> [LCPOption] {
        var o: [LCPOption] = []
        if let m = r.mru { o.append(.mru(m)) }
        if let m = r.asyncMap { o.append(.asyncMap(m)) }
        if r.chapMD5 { o.append(LCPOption.chapMD5Auth) }
        if let m = r.magic { o.append(.magicNumber(m)) }
        if r.protocolCompression { o.append(.protocolFieldCompression) }
        if r.addressControlCompression { o.append(.addressControlFieldCompression) }
        return o
    }

    public mutating func requestOptions() -> [UInt8] {
        LCPOption.serializeList(optionList(of: request))
    }

    public mutating func peerAcknowledged(_ options: [UInt8], context: inout NegotiationContext) -> Bool {
        // pppd's ackci: the Ack must repeat our request exactly, in order.
        options == requestOptions()
    }

    public mutating func peerNaked(_ options: [UInt8], treatAsReject: Bool, context: inout NegotiationContext) -> Bool {
        let scan = OptionScan(options)
        guard scan.malformedTail.isEmpty else { return false }
        var next = request
        var loopedBack = false
        var seen = Set<UInt8>()
        for raw in scan.options {
            guard seen.insert(raw.type).inserted else { return false }
            switch LCPOption(raw) {
            case .mru(let v):
                if treatAsReject { next.mru = nil }
                // pppd: take a smaller MRU, or any up to what we wanted.
                else if v < UInt16(Self.defaultMRU) || Int(v) <= configuration.mru { next.mru = v == UInt16(Self.defaultMRU) ? nil : v }
            case .asyncMap(let v):
                guard request.asyncMap != nil else { continue }
                if treatAsReject { next.asyncMap = nil } else { next.asyncMap = (request.asyncMap ?? 0) | v }
            case .authProtocol(let proto, let data):
                guard request.chapMD5 else { continue }
                if proto == LCPOption.chapProtocol && data == [LCPOption.chapMD5] && !treatAsReject {
                    return false // they Nak'd our algorithm and suggested it back
                }
                next.chapMD5 = false
                context.log(.debug, "LCP: peer Nak'd <auth chap MD5> with \(describeAuth(proto, data)); not asking again")
            case .magicNumber(let suggested):
                guard request.magic != nil else { continue }
                // Never given up on Max-Failure: loopback detection depends on it.
                next.magic = random.magic()
                // RFC 1661 §6.4: a Nak whose number differs from the one in our last Nak
                // proves the line is not looped back; only our own number coming back counts.
                loopedBack = lastNakedMagic == suggested
            case .protocolFieldCompression:
                if request.protocolCompression { next.protocolCompression = false }
            case .addressControlFieldCompression:
                if request.addressControlCompression { next.addressControlCompression = false }
            case .qualityProtocol, .unknown:
                continue // options we never ask for: nothing to change
            }
        }
        guard context.state != .opened else { return true } // pppd: no change while Opened
        if loopedBack {
            loopCount += 1
            if loopCount >= configuration.loopbackFailLimit {
                context.log(.notice, "Serial line is looped back.")
                context.emit(.loopbackDetected)
                context.closeReason = "Loopback detected"
            }
        } else {
            loopCount = 0
        }
        request = next
        return true
    }

    public mutating func peerRejected(_ options: [UInt8], context: inout NegotiationContext) -> Bool {
        let scan = OptionScan(options)
        guard scan.malformedTail.isEmpty else { return false }
        let sent = Dictionary(optionList(of: request).map { ($0.type, $0.raw) }, uniquingKeysWith: { a, _ in a })
        var next = request
        for raw in scan.options {
            // pppd's rejci: only what we sent, exactly as we sent it.
            guard sent[raw.type] == raw else { return false }
            switch raw.type {
            case 1: next.mru = nil
            case 2: next.asyncMap = nil
            case 3:
                next.chapMD5 = false
                context.log(.debug, "LCP: peer rejected <auth chap MD5>")
            case 5: next.magic = nil
            case 7: next.protocolCompression = false
            case 8: next.addressControlCompression = false
            default: return false
            }
        }
        if context.state != .opened { request = next }
        return true
    }

    // MARK: - The peer's request

    public mutating func judgePeerRequest(_ options: [UInt8], rejectIfDisagree: Bool,
                                          context: inout NegotiationContext) -> ConfigureVerdict {
        let scan = OptionScan(options)
        var accepted = PeerOptions()
        var answer = VerdictBuilder()
        var sawAuth = false
        var ownMagicSuggestion: UInt32?
        for raw in scan.options {
            var nak: RawOption?
            var reject = false
            switch LCPOption(raw) {
            case .mru(let v):
                if v < Self.minimumMRU { nak = LCPOption.mru(Self.minimumMRU).raw } else { accepted.mru = v }
            case .asyncMap(let v):
                if configuration.asyncMap == nil { reject = true } else { accepted.asyncMap = v }
            case .authProtocol(let proto, let data):
                if !configuration.canAuthenticateWithCHAP || sawAuth {
                    reject = true // pppd: "No auth is possible", or a second auth option
                } else if proto == LCPOption.chapProtocol && data == [LCPOption.chapMD5] {
                    accepted.chapMD5 = true
                } else if (proto == LCPOption.chapProtocol && data.count != 1)
                            || (proto == LCPOption.papProtocol && !data.isEmpty) {
                    reject = true // malformed CHAP/PAP option (pppd checks the length)
                } else {
                    nak = LCPOption.chapMD5Auth.raw
                }
                sawAuth = true
            case .magicNumber(let v):
                if !configuration.magicNumber {
                    reject = true
                } else if let ours = request.magic, v == ours {
                    // Our own magic: the line may be looped back; suggest another.
                    let suggestion = random.magic()
                    ownMagicSuggestion = suggestion
                    nak = LCPOption.magicNumber(suggestion).raw
                } else if v == 0 {
                    // RFC 1661 §6.4: zero is illegal and MUST be Nak'd if not rejected
                    // (pppd 2.4.9 acknowledges it).
                    nak = LCPOption.magicNumber(random.magic()).raw
                } else {
                    accepted.magic = v
                }
            case .protocolFieldCompression:
                if configuration.protocolCompression { accepted.protocolCompression = true } else { reject = true }
            case .addressControlFieldCompression:
                if configuration.addressControlCompression { accepted.addressControlCompression = true } else { reject = true }
            case .qualityProtocol, .unknown:
                reject = true
            }
            // pppd: past Max-Failure, disagreement becomes rejection (magic excepted).
            if let n = nak, rejectIfDisagree && raw.type != 5 {
                _ = n
                nak = nil
                reject = true
            }
            if reject { answer.reject(raw) } else if let n = nak { answer.nak(n) }
        }
        if !scan.malformedTail.isEmpty {
            context.log(.debug, "LCP: bad CI length in Configure-Request; rejecting the rest")
            answer.reject(bytes: scan.malformedTail)
        }
        let verdict = answer.verdict
        if verdict == .ack { peer = accepted }
        if case .nak = verdict, let ownMagicSuggestion { lastNakedMagic = ownMagicSuggestion }
        return verdict
    }

    public mutating func layerDown(context: inout NegotiationContext) {}

    // MARK: - LCP's own codes (8–11)

    public mutating func receiveExtendedCode(_ packet: ControlPacket, context: inout NegotiationContext) -> Bool {
        switch ControlCode(rawValue: packet.code) {
        case .protocolReject:
            guard packet.data.count >= 2 else {
                context.log(.debug, "LCP: Rcvd short Protocol-Reject packet")
                return true
            }
            let proto = PPPProtocol(UInt16(packet.data[0]) << 8 | UInt16(packet.data[1]))
            guard context.state == .opened else {
                context.log(.debug, "Protocol-Reject discarded: LCP in state \(context.state)")
                return true
            }
            if proto == .lcp {
                context.log(.error, "Received Protocol-Reject for LCP!")
                context.catastrophicReject = true
            } else {
                context.log(.debug, "LCP: Rcvd Protocol-Reject for \(proto)")
                context.emit(.protocolRejected(proto))
            }
            return true
        case .echoRequest:
            guard context.state == .opened else { return true }
            // The reply carries our magic in place of the peer's.
            let magic = request.magic ?? 0
            let rest = packet.data.count > 4 ? Array(packet.data[4...]) : []
            context.emit(.send(ControlPacket(code: ControlCode.echoReply.rawValue, identifier: packet.identifier,
                                             data: LCPOption.magicNumber(magic).raw.data + rest)))
            return true
        case .echoReply:
            guard packet.data.count >= 4 else {
                context.log(.debug, "lcp: received short Echo-Reply, length \(packet.data.count)")
                return true
            }
            let magic = UInt32(packet.data[0]) << 24 | UInt32(packet.data[1]) << 16
                | UInt32(packet.data[2]) << 8 | UInt32(packet.data[3])
            if let ours = request.magic, magic == ours {
                context.log(.warning, "appear to have received our own echo-reply!")
                return true
            }
            context.emit(.echoReplyReceived(identifier: packet.identifier))
            return true
        case .discardRequest:
            return true
        default:
            return false
        }
    }

    /// Protocol-Reject of LCP's own codes 8–11 is not fatal (RFC 1661 §5.6).
    public func isRequiredCode(_ code: UInt8) -> Bool { (1...7).contains(code) }
}

func describeAuth(_ proto: UInt16, _ data: [UInt8]) -> String {
    switch (proto, data) {
    case (LCPOption.chapProtocol, [LCPOption.chapMD5]): return "<auth chap MD5>"
    case (LCPOption.chapProtocol, [LCPOption.chapMSv1]): return "<auth chap MS>"
    case (LCPOption.chapProtocol, [LCPOption.chapMSv2]): return "<auth chap MS-v2>"
    case (LCPOption.papProtocol, _): return "<auth pap>"
    case (LCPOption.eapProtocol, _): return "<auth eap>"
    default: return "<auth 0x\(String(proto, radix: 16)) \(hexString(data))>"
    }
}
