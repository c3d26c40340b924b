import PPPPackets
import ChapSecrets

/// IPCP's option decisions (RFC 1332, RFC 1877 DNS) as pppd's ipcp.c makes them, minus
/// the data plane: VJ compression is always rejected and never asked for.
public struct IPCPPolicy: NegotiationPolicy {
    public var configuration: IPCPConfiguration
    /// Set by the link from the chap-secrets line after authentication (nil: no limit).
    public var allowedRemote: [AddressRule]?
    /// Our address as we currently ask for it (0: asking the peer for one).
    public private(set) var ourAddress: UInt32
    public private(set) var requestingAddress = true
    /// The peer's address as we acknowledged it in its last request.
    public private(set) var peerAddress: UInt32?
    /// Set when IPCP opens, cleared when it goes down.
    public private(set) var negotiatedAddresses: (local: UInt32, remote: UInt32)?
    /// pppd's `req_addr`: Nak once with REMOTE if the peer's request names no address.
    var suggestRemote = true

    public init(configuration: IPCPConfiguration, allowedRemote: [AddressRule]? = nil) {
        self.configuration = configuration
        self.allowedRemote = allowedRemote
        self.ourAddress = configuration.localAddress ?? 0
    }

    /// REMOTE, or the single host the secrets allow when REMOTE is unset or not allowed.
    public var wantedRemote: UInt32 {
        let configured = configuration.remoteAddress ?? 0
        if let host = AddressAuthorization.singleHost(allowedRemote),
           configured == 0 || !AddressAuthorization.isAllowed(configured, rules: allowedRemote) {
            return host
        }
        return configured
    }

    var acceptLocal: Bool { configuration.acceptLocal || (configuration.localAddress ?? 0) == 0 }
    var acceptRemote: Bool { configuration.acceptRemote || wantedRemote == 0 }

    public mutating func resetForNewNegotiation(context: inout NegotiationContext) {
        ourAddress = configuration.localAddress ?? 0
        requestingAddress = true
        peerAddress = nil
        suggestRemote = wantedRemote != 0
    }

    public mutating func requestOptions() -> [UInt8] {
        requestingAddress ? IPCPOption.ipAddress(ourAddress).raw.bytes : []
    }

    public mutating func peerAcknowledged(_ options: [UInt8], context: inout NegotiationContext) -> Bool {
        options == requestOptions()
    }

    public mutating func peerNaked(_ options: [UInt8], treatAsReject: Bool, context: inout NegotiationContext) -> Bool {
        let scan = OptionScan(options)
        guard scan.malformedTail.isEmpty else { return false }
        var address = ourAddress
        var requesting = requestingAddress
        for raw in scan.options {
            guard case .ipAddress(let a) = IPCPOption(raw) else { continue } // others: we asked none
            if treatAsReject {
                requesting = false
            } else {
                requesting = true
                if acceptLocal && a != 0 { address = a }
            }
        }
        if context.state != .opened {
            ourAddress = address
            requestingAddress = requesting
        }
        return true
    }

    public mutating func peerRejected(_ options: [UInt8], context: inout NegotiationContext) -> Bool {
        let scan = OptionScan(options)
        guard scan.malformedTail.isEmpty else { return false }
        for raw in scan.options {
            guard requestingAddress, raw == IPCPOption.ipAddress(ourAddress).raw else { return false }
            if context.state != .opened { requestingAddress = false }
        }
        return true
    }

    public mutating func judgePeerRequest(_ options: [UInt8], rejectIfDisagree: Bool,
                                          context: inout NegotiationContext) -> ConfigureVerdict {
        let scan = OptionScan(options)
        var answer = VerdictBuilder()
        var accepted: UInt32?
        let want = wantedRemote
        for raw in scan.options {
            var nak: RawOption?
            var reject = false
            switch IPCPOption(raw) {
            case .ipAddress(let a):
                if accepted != nil {
                    reject = true
                } else if a != want && (a == 0 || !acceptRemote) {
                    nak = IPCPOption.ipAddress(want).raw
                } else if a == 0 && want == 0 {
                    reject = true       // never Ack 0.0.0.0; and don't Nak with it later
                    suggestRemote = false
                } else if !AddressAuthorization.isAllowed(a, rules: allowedRemote),
                          want != 0, want != a, AddressAuthorization.isAllowed(want, rules: allowedRemote) {
                    nak = IPCPOption.ipAddress(want).raw
                } else {
                    // A disallowed address is refused when IPCP opens, as pppd does.
                    accepted = a
                }
            case .primaryDNS(let v):
                if let d = configuration.primaryDNS { if v != d { nak = IPCPOption.primaryDNS(d).raw } } else { reject = true }
            case .secondaryDNS(let v):
                if let d = configuration.secondaryDNS { if v != d { nak = IPCPOption.secondaryDNS(d).raw } } else { reject = true }
            case .compressionProtocol, .ipAddresses, .primaryNBNS, .secondaryNBNS, .unknown:
                reject = true
            }
            if nak != nil && rejectIfDisagree {
                nak = nil
                reject = true
            }
            if reject { answer.reject(raw) } else if let n = nak { answer.nak(n) }
        }
        if !scan.malformedTail.isEmpty {
            context.log(.debug, "IPCP: bad CI length in Configure-Request; rejecting the rest")
            answer.reject(bytes: scan.malformedTail)
        }
        // The peer named no address: ask it, once, to use REMOTE.
        let namedAddress = scan.options.contains { $0.type == 3 }
        if !answer.hasReject && !namedAddress && suggestRemote && !rejectIfDisagree && want != 0 {
            answer.nak(IPCPOption.ipAddress(want).raw)
            suggestRemote = false
        }
        let verdict = answer.verdict
        if verdict == .ack { peerAddress = accepted }
        return verdict
    }

    public mutating func layerUp(context: inout NegotiationContext) {
        // We asked for LOCAL and the agreement dropped it (the peer Nak'd it until we gave
        // up, or rejected it): the two ends would disagree on our address (pppd's ipcp_up).
        if let wanted = configuration.localAddress, wanted != 0, !requestingAddress {
            context.log(.error, "Peer refused to agree to our IP address")
            context.closeReason = "Refused our IP address"
            return
        }
        guard ourAddress != 0 else {
            context.log(.error, "Could not determine local IP address")
            context.closeReason = "Could not determine local IP address"
            return
        }
        var remote = peerAddress ?? wantedRemote
        if remote == 0 {
            remote = 0x0a40_4040 // pppd's fallback, 10.64.64.64 + unit 0
            context.log(.warning, "Could not determine remote IP address: defaulting to \(dottedQuad(remote))")
        }
        guard AddressAuthorization.isAllowed(remote, rules: allowedRemote) else {
            context.log(.error, "Peer is not authorized to use remote address \(dottedQuad(remote))")
            context.closeReason = "Unauthorized remote IP address"
            return
        }
        negotiatedAddresses = (local: ourAddress, remote: remote)
    }

    public mutating func layerDown(context: inout NegotiationContext) {
        negotiatedAddresses = nil
    }
}
