/// pppd's server-side CHAP options, plus Cisco's max-bad-auth.
public struct CHAPAuthenticatorConfiguration: Hashable, Sendable {
    /// Our `name`: sent in every Challenge and used as the server in secret lookups.
    public var name: [UInt8]
    /// `remotename`: when set, secrets are looked up for it instead of the Response's name.
    public var remoteName: [UInt8]?
    /// The algorithm octet agreed in LCP (5 = MD5).
    public var algorithm: UInt8 = 5
    /// Challenge value lengths to draw from; nil = the digest's default (MD5: 16...23, as pppd).
    public var challengeLengths: ClosedRange<Int>?
    /// `chap-restart`: time between retransmissions of the same Challenge.
    public var restartInterval: Duration = .seconds(3)
    /// `chap-max-challenge`: sends of one Challenge before the peer has failed.
    public var maxChallenges: Int = 10
    /// `chap-interval`: re-challenge this long after each success; nil = never.
    public var rechallengeInterval: Duration?
    /// `max-bad-auth` (Cisco): further challenges allowed after a Failure before the peer
    /// has failed; 0 = the first bad Response fails. Applies until the first success only:
    /// a failed re-challenge always ends the link.
    public var maxBadAuth: Int = 0
    public var successMessage: [UInt8] = Array("Access granted".utf8)
    public var failureMessage: [UInt8] = Array("Access denied".utf8)

    public init(name: [UInt8], remoteName: [UInt8]? = nil) {
        self.name = name
        self.remoteName = remoteName
    }

    public init(name: String, remoteName: String? = nil) {
        self.init(name: Array(name.utf8), remoteName: remoteName.map { Array($0.utf8) })
    }
}
