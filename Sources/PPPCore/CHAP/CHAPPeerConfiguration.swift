import ChapSecrets

/// pppd's client-side CHAP options, plus chap-wait, chap-timeout and chap-ignoreus.
public struct CHAPPeerConfiguration: Hashable, Sendable {
    /// Our `name` (the one our own authenticator puts in its Challenges).
    public var name: [UInt8]
    /// `user`: the name we answer with and look our secret up as. Defaults to `name`.
    public var user: [UInt8]
    /// `remotename`: when set, our secret is looked up for it instead of the Challenge's name.
    public var remoteName: [UInt8]?
    /// `password`: when set, used instead of any chap-secrets lookup.
    public var password: Secret?
    /// The algorithm octet agreed in LCP (5 = MD5).
    public var algorithm: UInt8 = 5
    /// `chap-timeout`: give up waiting for a Challenge, or for Success/Failure after our
    /// Response, after this long; nil = wait for ever (pppd 2.4.9 has no such limit).
    public var timeout: Duration? = .seconds(60)
    /// `chap-response-interval` (newer pppd): resend our Response this often while no
    /// Success/Failure arrives, so a lost verdict is repeated (RFC 1994 §4.1); nil = never,
    /// as pppd 2.4.9.
    public var responseRestartInterval: Duration? = .seconds(3)
    /// `chap-response-failure` (newer pppd): Response sends without a verdict before we
    /// give up.
    public var maxResponses: Int = 10
    /// `chap-wait` (Cisco `ppp chap wait`): hold our Response until the peer has
    /// authenticated to us (`peerAuthenticatedToUs(now:secrets:)`).
    public var waitForPeerAuthentication = false
    /// `chap-ignoreus` (default) / `nochap-ignoreus`: do not answer a Challenge carrying one
    /// of our own names, which is our own Challenge reflected back.
    public var ignoreOwnName = true

    public init(name: [UInt8], user: [UInt8]? = nil, remoteName: [UInt8]? = nil, password: Secret? = nil) {
        self.name = name
        self.user = user ?? name
        self.remoteName = remoteName
        self.password = password
    }

    public init(name: String, user: String? = nil, remoteName: String? = nil, password: Secret? = nil) {
        self.init(name: Array(name.utf8), user: user.map { Array($0.utf8) },
                  remoteName: remoteName.map { Array($0.utf8) }, password: password)
    }
}
