/// What the link asks the I/O edge to do. The edge performs them in order.
public enum LinkAction: Hashable, Sendable {
    /// Frame and write a packet (the edge logs it as `sent [...]` when debugging).
    case send(protocolNumber: UInt16, information: [UInt8])
    /// (Re)arm the link's single timer; nil cancels it. The edge calls `timeout(now:)` then.
    case setTimer(Instant?)
    /// LCP opened (or went down): framing for what we send and what we accept from now on.
    case setFraming(LinkFraming)
    case log(LogLevel, String)
    case phase(LinkPhase)
    /// Authentication finished in every direction that was required (pppd's auth-up).
    case authUp(peerName: String)
    case authDown(peerName: String)
    /// IPCP opened: both addresses in host order (pppd's ip-up).
    case ipUp(local: UInt32, remote: UInt32)
    case ipDown(local: UInt32, remote: UInt32)
    /// IPV6CP opened: the interface identifiers of both link-local addresses (ipv6-up).
    case ipv6Up(local: UInt64, remote: UInt64)
    case ipv6Down(local: UInt64, remote: UInt64)
    /// The authenticator needs a verdict the edge provides (`verifyExternally`): answer with
    /// `LinkSession.verdict(_:identifier:now:)`.
    case verify(CHAPVerificationRequest)
    /// The link is over: the edge closes the line and the process exits with this status
    /// (pppd's exit codes).
    case finished(exitStatus: Int32)
}

/// The async-HDLC parameters LCP agreed, per direction.
public struct LinkFraming: Hashable, Sendable {
    public var sendACCM: UInt32 = 0xffff_ffff
    public var sendACFC = false
    public var sendPFC = false
    public var receiveACCM: UInt32 = 0xffff_ffff
    public var receiveACFC = false
    public var receivePFC = false
    public var receiveMRU = 1500
    public init() {}
}

/// pppd's link phases (pppd.h).
public enum LinkPhase: String, Hashable, Sendable {
    case dead, establish, authenticate, network, terminate
}

/// pppd's exit statuses (pppd(8), EXIT STATUS).
public enum ExitStatus {
    public static let ok: Int32 = 0
    public static let fatalError: Int32 = 1
    public static let optionError: Int32 = 2
    public static let userRequest: Int32 = 5
    public static let lockFailed: Int32 = 6
    public static let openFailed: Int32 = 7
    /// The connect script failed (pppd's EXIT_CONNECT_FAILED).
    public static let connectFailed: Int32 = 8
    public static let negotiationFailed: Int32 = 10
    public static let peerAuthFailed: Int32 = 11
    public static let idleTimeout: Int32 = 12
    public static let connectTime: Int32 = 13
    public static let peerDead: Int32 = 15
    public static let hangup: Int32 = 16
    public static let loopback: Int32 = 17
    public static let initFailed: Int32 = 18
    public static let authTopeerFailed: Int32 = 19
}
