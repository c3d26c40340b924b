import ChapSecrets

/// What the authenticator asks its owner to decide: does this Response prove the secret?
/// The chap-secrets backend answers at once (`CHAPVerification.verdict(for:secrets:registry:)`);
/// RADIUS answers when its server does. No secret ever travels in a request.
public struct CHAPVerificationRequest: Hashable, Sendable {
    /// The Challenge's identifier: the verdict must name it.
    public var identifier: UInt8
    /// The name to authenticate (the Response's, or `remotename` when set).
    public var name: [UInt8]
    /// The name the peer put in its Response.
    public var responseName: [UInt8]
    /// Our name (the `server` of a chap-secrets lookup).
    public var server: [UInt8]
    public var algorithm: UInt8
    public var challenge: [UInt8]
    public var response: [UInt8]
    /// A re-challenge of a peer that had already authenticated.
    public var isReauthentication: Bool
}

/// What authentication grants beyond "yes": the peer's address rules and, from RADIUS,
/// the address to give it, the Success text, limits and the Class to echo.
public struct CHAPAuthorization: Hashable, Sendable {
    /// Address rules for the peer (chap-secrets' address words; RADIUS' Framed-IP-Address).
    public var addresses: [AddressRule]
    /// The remote address to give the peer (RADIUS Framed-IP-Address); nil: IPCP's own.
    public var remoteAddress: UInt32?
    /// Replaces `success-message` in the CHAP Success (RADIUS Reply-Message).
    public var successMessage: [UInt8]?
    /// The link ends after this long (RADIUS Session-Timeout).
    public var sessionTimeout: Duration?
    /// RADIUS Idle-Timeout, Acct-Interim-Interval and Class, carried to accounting.
    public var idleTimeout: Duration?
    public var interimInterval: Duration?
    public var radiusClass: [[UInt8]]
    /// RADIUS Framed-IP-Address 0xFFFFFFFF: the peer proposes its own address; no pool lease.
    public var peerChoosesAddress = false
    /// RADIUS Framed-MTU: the interface's MTU is at most this (pppd's radius plugin).
    public var framedMTU: Int?

    public init(addresses: [AddressRule], remoteAddress: UInt32? = nil, successMessage: [UInt8]? = nil,
                sessionTimeout: Duration? = nil, idleTimeout: Duration? = nil, interimInterval: Duration? = nil,
                radiusClass: [[UInt8]] = []) {
        self.addresses = addresses
        self.remoteAddress = remoteAddress
        self.successMessage = successMessage
        self.sessionTimeout = sessionTimeout
        self.idleTimeout = idleTimeout
        self.interimInterval = interimInterval
        self.radiusClass = radiusClass
    }
}

/// The owner's answer to a `CHAPVerificationRequest`.
public enum CHAPVerdict: Hashable, Sendable {
    case accept(CHAPAuthorization)
    /// `message` replaces `failure-message` in the CHAP Failure (RADIUS Reply-Message).
    case reject(CHAPAuthenticator.FailureReason, message: [UInt8]?)
}

public enum CHAPVerification {
    /// The chap-secrets backend: pppd's lookup for (name, server), then a constant-time
    /// comparison of the Response with what the secret gives.
    public static func verdict(for request: CHAPVerificationRequest, secrets: some SecretLookup,
                               registry: CHAPDigestRegistry = .standard) -> CHAPVerdict {
        guard let match = secrets.lookup(client: request.name, server: request.server) else {
            return .reject(.noSecret, message: nil)
        }
        guard let digest = registry.digest(algorithm: request.algorithm),
              digest.verify(response: request.response, identifier: request.identifier, secret: match.secret,
                            challenge: request.challenge) else {
            return .reject(.wrongResponse, message: nil)
        }
        return .accept(CHAPAuthorization(addresses: match.addresses))
    }
}
