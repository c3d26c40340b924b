import PPPCore

/// A backend that decides CHAP Responses away from the event loop (RADIUS): the link's
/// driver hands it each request and applies the verdict when it comes back. A verdict that
/// arrives after its link ended, or for an identifier no longer awaited, is dropped.
public protocol ExternalVerifier: Sendable {
    /// `context` says which link asks (for NAS-Port, Calling-Station-Id …). `completion` may
    /// run on any thread, exactly once.
    func verify(_ request: CHAPVerificationRequest, context: VerificationContext,
                completion: @escaping @Sendable (CHAPVerdict) -> Void)
}

/// What a backend may want to know about the link asking.
public struct VerificationContext: Sendable {
    /// The line (`/dev/ttyS0`), or the peer's address for a socket.
    public var device: String
    /// The link's index (RADIUS NAS-Port).
    public var port: Int
    /// A serial line rather than a pty or socket (RADIUS NAS-Port-Type Async vs Virtual).
    public var isSerial: Bool
    /// pppd's `ipparam`, used as Calling-Station-Id when the line has no address.
    public var ipparam: String
    /// The TCP peer's address for a socket link (`chapd serve`'s listeners).
    public var peerAddress: String?

    public init(device: String, port: Int, isSerial: Bool, ipparam: String, peerAddress: String? = nil) {
        self.peerAddress = peerAddress
        self.device = device
        self.port = port
        self.isSerial = isSerial
        self.ipparam = ipparam
    }
}
