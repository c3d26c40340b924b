import PPPPackets

/// IPV6CP's option decisions (RFC 5072) as pppd's ipv6cp.c makes them: the
/// Interface-Identifier option only; IPv6 header compression is always rejected.
public struct IPV6CPPolicy: NegotiationPolicy {
    public var configuration: IPV6CPConfiguration
    /// Our identifier as we currently ask for it (pppd's `go->ourid`).
    public private(set) var ourIdentifier: UInt64 = 0
    public private(set) var requestingIdentifier = true
    /// The peer's identifier as we acknowledged it in its last request.
    public private(set) var peerIdentifier: UInt64?
    /// Set when IPV6CP opens, cleared when it goes down.
    public private(set) var negotiatedIdentifiers: (local: UInt64, remote: UInt64)?
    /// The identifier we last suggested to the peer in a Nak (pppd's `go->hisid`).
    private var lastSuggestion: UInt64 = 0
    private var acceptLocal = false
    private var acceptRemote = false
    var random: LCPRandom

    public init(configuration: IPV6CPConfiguration, random: LCPRandom = .system) {
        self.configuration = configuration
        self.random = random
        var context = NegotiationContext(state: .initial, now: .zero, protocolName: "IPV6CP")
        resetForNewNegotiation(context: &context)
    }

    /// pppd's eui64_magic_nz: random, locally administered (the u bit clear), never zero.
    mutating func randomIdentifier(avoiding other: UInt64 = 0) -> UInt64 {
        while true {
            let v = random.next() & ~(UInt64(2) << 56)
            if v != 0 && v != other { return v }
        }
    }

    public mutating func resetForNewNegotiation(context: inout NegotiationContext) {
        if let local = configuration.localIdentifier {
            ourIdentifier = local
            acceptLocal = configuration.acceptLocal
        } else {
            ourIdentifier = randomIdentifier()
            acceptLocal = true
        }
        acceptRemote = configuration.acceptRemote || configuration.remoteIdentifier == nil
        requestingIdentifier = true
        peerIdentifier = nil
        lastSuggestion = 0
    }

    public mutating func requestOptions() -> [UInt8] {
        requestingIdentifier ? IPV6CPOption.interfaceIdentifier(ourIdentifier).raw.bytes : []
    }

    public mutating func peerAcknowledged(_ options: [UInt8], context: inout NegotiationContext) -> Bool {
        options == requestOptions()
    }

    public mutating func peerNaked(_ options: [UInt8], treatAsReject: Bool, context: inout NegotiationContext) -> Bool {
        let scan = OptionScan(options)
        guard scan.malformedTail.isEmpty else { return false }
        var ours = ourIdentifier
        var requesting = requestingIdentifier
        for raw in scan.options {
            guard case .interfaceIdentifier(let suggested) = IPV6CPOption(raw) else { continue }
            if treatAsReject {
                requesting = false
            } else if acceptLocal {
                requesting = true
                ours = suggested
                if ours == 0 || ours == lastSuggestion { ours = randomIdentifier(avoiding: lastSuggestion) }
            }
        }
        if context.state != .opened {
            ourIdentifier = ours
            requestingIdentifier = requesting
        }
        return true
    }

    public mutating func peerRejected(_ options: [UInt8], context: inout NegotiationContext) -> Bool {
        let scan = OptionScan(options)
        guard scan.malformedTail.isEmpty else { return false }
        for raw in scan.options {
            guard requestingIdentifier, raw == IPV6CPOption.interfaceIdentifier(ourIdentifier).raw else { return false }
            if context.state != .opened { requestingIdentifier = false }
        }
        return true
    }

    public mutating func judgePeerRequest(_ options: [UInt8], rejectIfDisagree: Bool,
                                          context: inout NegotiationContext) -> ConfigureVerdict {
        let scan = OptionScan(options)
        var answer = VerdictBuilder()
        var accepted: UInt64?
        for raw in scan.options {
            var nak: RawOption?
            var reject = false
            switch IPV6CPOption(raw) {
            case .interfaceIdentifier(let id):
                if id == 0 && ourIdentifier == 0 {
                    reject = true
                } else if let wanted = configuration.remoteIdentifier, !acceptRemote, id != wanted, lastSuggestion == 0 {
                    lastSuggestion = wanted
                    nak = IPV6CPOption.interfaceIdentifier(wanted).raw
                } else if id == 0 || id == ourIdentifier {
                    // No identifier, or ours (a collision): suggest one (RFC 5072 §4.1).
                    var candidate = lastSuggestion == 0 ? (configuration.remoteIdentifier ?? 0) : id
                    if candidate == 0 || candidate == ourIdentifier { candidate = randomIdentifier(avoiding: ourIdentifier) }
                    lastSuggestion = candidate
                    nak = IPV6CPOption.interfaceIdentifier(candidate).raw
                } else {
                    accepted = id
                }
            case .compressionProtocol, .unknown:
                reject = true
            }
            if nak != nil && rejectIfDisagree {
                nak = nil
                reject = true
            }
            if reject { answer.reject(raw) } else if let n = nak { answer.nak(n) }
        }
        if !scan.malformedTail.isEmpty {
            context.log(.debug, "IPV6CP: bad CI length in Configure-Request; rejecting the rest")
            answer.reject(bytes: scan.malformedTail)
        }
        let verdict = answer.verdict
        if verdict == .ack { peerIdentifier = accepted }
        return verdict
    }

    public mutating func layerUp(context: inout NegotiationContext) {
        let remote = peerIdentifier ?? configuration.remoteIdentifier ?? 0
        let reason: String?
        if remote == 0 {
            reason = "Could not determine remote LL address"
        } else if ourIdentifier == 0 {
            reason = "Could not determine local LL address"
        } else if ourIdentifier == remote {
            reason = "local and remote LL addresses are equal"
        } else {
            reason = nil
        }
        if let reason {
            context.log(.error, reason)
            context.closeReason = reason
            return
        }
        negotiatedIdentifiers = (local: ourIdentifier, remote: remote)
    }

    public mutating func layerDown(context: inout NegotiationContext) {
        negotiatedIdentifiers = nil
    }
}
