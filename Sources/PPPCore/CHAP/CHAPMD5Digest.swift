import ChapSecrets
import Crypto

/// CHAP with MD5 (RFC 1994 §2.2): Response = MD5(Identifier || secret || Challenge).
public struct CHAPMD5Digest: CHAPDigest {
    public init() {}
    public var algorithm: UInt8 { 5 }
    public var name: String { "MD5" }
    public var responseLength: Int { Insecure.MD5.byteCount }
    /// pppd's chap-md5.c draws 16 + floor(drand48() * 8), so 16 through 23 octets.
    public var defaultChallengeLengths: ClosedRange<Int> { 16...23 }

    public func makeResponse(identifier: UInt8, secret: Secret, challenge: [UInt8]) -> [UInt8] {
        var hasher = Insecure.MD5()
        hasher.update(data: [identifier])
        hasher.update(data: secret.bytes)
        hasher.update(data: challenge)
        return Array(hasher.finalize())
    }
}
