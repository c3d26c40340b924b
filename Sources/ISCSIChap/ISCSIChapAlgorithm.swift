import ChapSecrets
import Crypto
import PPPCore

/// CHAP algorithms as iSCSI numbers them in CHAP_A. 5 is RFC 1994's MD5; 6, 7 and 8 are the
/// numbers Linux's target (LIO) and open-iscsi use for SHA-1, SHA-256 and SHA3-256.
/// (tgt numbers its SHA-1 7, which clashes with SHA-256 here: see the README.)
public enum ISCSIChapAlgorithm: UInt8, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case md5 = 5
    case sha1 = 6
    case sha256 = 7
    case sha3_256 = 8

    public var name: String {
        switch self {
        case .md5: return "MD5"
        case .sha1: return "SHA-1"
        case .sha256: return "SHA-256"
        case .sha3_256: return "SHA3-256"
        }
    }

    public var description: String { "\(name) (\(rawValue))" }

    /// Parses an operator's word: `md5`, `sha1`, `sha256`, `sha3-256` (any case, `-` optional), or the number.
    public init?(word: String) {
        let w = String(word.lowercased().filter { $0 != "-" && $0 != "_" })
        switch w {
        case "md5", "5": self = .md5
        case "sha1", "6": self = .sha1
        case "sha256", "7": self = .sha256
        case "sha3256", "sha3", "8": self = .sha3_256
        default: return nil
        }
    }

    /// Why chapd cannot use this algorithm, or nil when it can.
    public var unavailableReason: String? {
        switch self {
        case .sha3_256:
            return "SHA3-256 (CHAP_A 8) is refused: swift-crypto 3.12 has no SHA3 digest in its Crypto API, and chapd does not hand-write hashes"
        default:
            return nil
        }
    }
}

/// CHAP with SHA-1, as Linux's target and open-iscsi compute it: SHA1(identifier ‖ secret ‖ challenge).
public struct CHAPSHA1Digest: CHAPDigest {
    public init() {}
    public var algorithm: UInt8 { ISCSIChapAlgorithm.sha1.rawValue }
    public var name: String { "SHA-1" }
    public var responseLength: Int { Insecure.SHA1.byteCount }
    public var defaultChallengeLengths: ClosedRange<Int> { 20...20 }
    public func makeResponse(identifier: UInt8, secret: Secret, challenge: [UInt8]) -> [UInt8] {
        var h = Insecure.SHA1()
        h.update(data: [identifier])
        h.update(data: secret.bytes)
        h.update(data: challenge)
        return Array(h.finalize())
    }
}

/// CHAP with SHA-256: SHA256(identifier ‖ secret ‖ challenge).
public struct CHAPSHA256Digest: CHAPDigest {
    public init() {}
    public var algorithm: UInt8 { ISCSIChapAlgorithm.sha256.rawValue }
    public var name: String { "SHA-256" }
    public var responseLength: Int { SHA256.byteCount }
    public var defaultChallengeLengths: ClosedRange<Int> { 32...32 }
    public func makeResponse(identifier: UInt8, secret: Secret, challenge: [UInt8]) -> [UInt8] {
        var h = SHA256()
        h.update(data: [identifier])
        h.update(data: secret.bytes)
        h.update(data: challenge)
        return Array(h.finalize())
    }
}

extension CHAPDigestRegistry {
    /// The digests iSCSI CHAP can use here, strongest first: SHA-256, SHA-1, MD5. SHA3-256 is
    /// absent (see `ISCSIChapAlgorithm.unavailableReason`).
    public static let iscsi = CHAPDigestRegistry([CHAPSHA256Digest(), CHAPSHA1Digest(), CHAPMD5Digest()])
}

/// Challenge length for an algorithm: the digest length, at least 16 octets (MD5 16, SHA-1 20,
/// SHA-256 32).
public func iscsiChallengeLength(_ digest: any CHAPDigest) -> Int { max(16, digest.responseLength) }

/// RFC 7143 §12.1.3: CHAP_C may be at most 1024 octets.
public let iscsiMaximumChallengeLength = 1024
