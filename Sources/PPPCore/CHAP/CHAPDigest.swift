import ChapSecrets

/// One CHAP algorithm (the LCP Authentication-Protocol algorithm octet), as pppd's
/// `chap_digest_type`. The machines reach digests only through `CHAPDigestRegistry`,
/// so another algorithm can be added without touching them.
public protocol CHAPDigest: Sendable {
    /// The algorithm octet carried in LCP's auth-protocol option (5 for MD5).
    var algorithm: UInt8 { get }
    /// pppd's display name ("MD5"), as in `<auth chap MD5>`.
    var name: String { get }
    /// Octets in a well-formed Response value.
    var responseLength: Int { get }
    /// Challenge lengths this digest draws from when no length is configured.
    var defaultChallengeLengths: ClosedRange<Int> { get }
    func makeResponse(identifier: UInt8, secret: Secret, challenge: [UInt8]) -> [UInt8]
    /// True when `response` is what `secret` gives for this challenge; constant time in content.
    func verify(response: [UInt8], identifier: UInt8, secret: Secret, challenge: [UInt8]) -> Bool
}

extension CHAPDigest {
    public func verify(response: [UInt8], identifier: UInt8, secret: Secret, challenge: [UInt8]) -> Bool {
        constantTimeEqual(makeResponse(identifier: identifier, secret: secret, challenge: challenge), response)
    }
}

/// Compares without an early exit on content, so timing tells an attacker nothing about
/// how many leading octets were right. A length mismatch fails but still walks `expected`.
public func constantTimeEqual(_ expected: [UInt8], _ candidate: [UInt8]) -> Bool {
    var difference: UInt8 = expected.count == candidate.count ? 0 : 1
    for index in expected.indices {
        let other = index < candidate.count ? candidate[index] : 0
        difference |= expected[index] ^ other
    }
    return difference == 0
}

/// The digests a machine may use, by algorithm octet, in preference order.
public struct CHAPDigestRegistry: Sendable {
    private var digests: [any CHAPDigest]

    /// What chapd offers out of the box: MD5 only (pppd without MS-CHAP).
    public static let standard = CHAPDigestRegistry([CHAPMD5Digest()])

    public init(_ digests: [any CHAPDigest]) {
        self.digests = []
        for digest in digests { register(digest) }
    }

    /// Adds a digest; one already registered for the same algorithm is replaced.
    public mutating func register(_ digest: any CHAPDigest) {
        if let index = digests.firstIndex(where: { $0.algorithm == digest.algorithm }) {
            digests[index] = digest
        } else {
            digests.append(digest)
        }
    }

    public func digest(algorithm: UInt8) -> (any CHAPDigest)? {
        digests.first { $0.algorithm == algorithm }
    }

    /// Algorithm octets in preference order (what LCP may propose).
    public var algorithms: [UInt8] { digests.map(\.algorithm) }
}
