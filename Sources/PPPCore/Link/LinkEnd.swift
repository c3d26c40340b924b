/// Why a link ended, as a value: the single-link `chapd` maps it to pppd's exit statuses
/// (`exitStatus(networkWasUp:)`), RADIUS accounting to Acct-Terminate-Cause, logs and
/// metrics to words. Set where the reason arises; the last reason before the end wins.
public enum LinkEnd: Hashable, Sendable {
    /// Nothing else ended it: negotiation failed or the peer terminated it. pppd's status is
    /// 0 once a network protocol was up (np_up), 10 before.
    case negotiationEnded
    /// SIGTERM/SIGINT: TermReq "User request".
    case userRequest
    /// An operator ended it (control socket, RADIUS Disconnect-Request).
    case administrativeReset
    case hangup
    /// The peer failed (reason) or refused (nil) to authenticate.
    case peerAuthenticationFailed(CHAPAuthenticator.FailureReason?)
    case authenticationToPeerFailed
    case echoTimeout
    case loopback
    /// RADIUS Session-Timeout (pppd's maxconnect).
    case sessionTimeout
    /// RADIUS Idle-Timeout (pppd's idle): no IP packet either way for that long.
    case idleTimeout
    case fatalError

    /// pppd's exit status for this end.
    public func exitStatus(networkWasUp: Bool) -> Int32 {
        switch self {
        case .negotiationEnded: return networkWasUp ? ExitStatus.ok : ExitStatus.negotiationFailed
        case .userRequest, .administrativeReset: return ExitStatus.userRequest
        case .hangup: return ExitStatus.hangup
        case .peerAuthenticationFailed: return ExitStatus.peerAuthFailed
        case .authenticationToPeerFailed: return ExitStatus.authTopeerFailed
        case .echoTimeout: return ExitStatus.peerDead
        case .loopback: return ExitStatus.loopback
        case .sessionTimeout: return ExitStatus.connectTime
        case .idleTimeout: return ExitStatus.idleTimeout
        case .fatalError: return ExitStatus.fatalError
        }
    }

    /// The end that an exit status given by the edge stands for (`close(reason:exitStatus:now:)`).
    init(exitStatus: Int32) {
        switch exitStatus {
        case ExitStatus.userRequest: self = .userRequest
        case ExitStatus.hangup: self = .hangup
        case ExitStatus.peerAuthFailed: self = .peerAuthenticationFailed(nil)
        case ExitStatus.authTopeerFailed: self = .authenticationToPeerFailed
        case ExitStatus.peerDead: self = .echoTimeout
        case ExitStatus.loopback: self = .loopback
        case ExitStatus.connectTime: self = .sessionTimeout
        case ExitStatus.idleTimeout: self = .idleTimeout
        case ExitStatus.fatalError: self = .fatalError
        default: self = .negotiationEnded
        }
    }
}
