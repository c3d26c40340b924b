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
    /// pppd's `req_dns1`/`req_dns2` and `dnsaddr`: what we ask for, updated from Naks.
    public private(set) var requestingDNS = (primary: false, secondary: false)
    public private(set) var dnsAddresses: (primary: UInt32, secondary: UInt32) = (0, 0)
    /// The peer's DNS addresses as they stood when IPCP opened (0: none), for usepeerdns.
    public private(set) var negotiatedDNS: (primary: UInt32, secondary: UInt32)?
    /// pppd's `req_addr`: Nak once with REMOTE if the peer's request names no address.
    var suggestRemote = true

    public init(configuration: IPCPConfiguration, allowedRemote: [AddressRule]? = nil) {
        self.configuration = configuration
        self.allowedRemote = allowedRemote
        self.ourAddress = configuration.localAddress ?? 0
        self.requestingDNS = (configuration.requestDNS, configuration.requestDNS)
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
        requestingDNS = (configuration.requestDNS, configuration.requestDNS)
        dnsAddresses = (0, 0)
    }

    public mutating func requestOptions() -> [UInt8] {
        // pppd's order: address, then DNS 129, DNS 131.
        var bytes = requestingAddress ? IPCPOption.ipAddress(ourAddress).raw.bytes : []
        if requestingDNS.primary { bytes += IPCPOption.primaryDNS(dnsAddresses.primary).raw.bytes }
        if requestingDNS.secondary { bytes += IPCPOption.secondaryDNS(dnsAddresses.secondary).raw.bytes }
        return bytes
    }

    public mutating func peerAcknowledged(_ options: [UInt8], context: inout NegotiationContext) -> Bool {
        options == requestOptions()
    }

    public mutating func peerNaked(_ options: [UInt8], treatAsReject: Bool, context: inout NegotiationContext) -> Bool {
        let scan = OptionScan(options)
        guard scan.malformedTail.isEmpty else { return false }
        var address = ourAddress
        var requesting = requestingAddress
        var dnsWanted = requestingDNS
        var dns = dnsAddresses
        for raw in scan.options {
            switch IPCPOption(raw) {
            case .ipAddress(let a):
                if treatAsReject {
                    requesting = false
                } else {
                    requesting = true
                    if acceptLocal && a != 0 { address = a }
                }
            // usepeerdns: the Nak carries the peer's DNS address; ask for exactly that next.
            case .primaryDNS(let a) where requestingDNS.primary:
                if treatAsReject { dnsWanted.primary = false } else { dns.primary = a }
            case .secondaryDNS(let a) where requestingDNS.secondary:
                if treatAsReject { dnsWanted.secondary = false } else { dns.secondary = a }
            default:
                continue // options we did not ask for
            }
        }
        if context.state != .opened {
            ourAddress = address
            requestingAddress = requesting
            requestingDNS = dnsWanted
            dnsAddresses = dns
        }
        return true
    }

    public mutating func peerRejected(_ options: [UInt8], context: inout NegotiationContext) -> Bool {
        let scan = OptionScan(options)
        guard scan.malformedTail.isEmpty else { return false }
        var requesting = requestingAddress
        var dnsWanted = requestingDNS
        for raw in scan.options {
            // A Reject must name exactly what we sent (pppd's rejci), else it is bad.
            if requestingAddress && raw == IPCPOption.ipAddress(ourAddress).raw {
                requesting = false
            } else if requestingDNS.primary && raw == IPCPOption.primaryDNS(dnsAddresses.primary).raw {
                dnsWanted.primary = false
            } else if requestingDNS.secondary && raw == IPCPOption.secondaryDNS(dnsAddresses.secondary).raw {
                dnsWanted.secondary = false
            } else {
                return false
            }
        }
        if context.state != .opened {
            requestingAddress = requesting
            requestingDNS = dnsWanted
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
        // pppd's ipcp_up: an address the peer rejected counts as none.
        negotiatedDNS = (requestingDNS.primary ? dnsAddresses.primary : 0,
                         requestingDNS.secondary ? dnsAddresses.secondary : 0)
    }

    public mutating func layerDown(context: inout NegotiationContext) {
        negotiatedAddresses = nil
        negotiatedDNS = nil
    }
}
