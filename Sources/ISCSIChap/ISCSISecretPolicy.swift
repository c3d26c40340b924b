import ChapSecrets
import PPPCore

/// The secret rules iSCSI implementations enforce, checked before a secret is used.
public struct ISCSISecretPolicy: Hashable, Sendable {
    /// RFC 7143 §12.1.3 advises at least 96 bits; chapd refuses shorter secrets unless allowed.
    public static let minimumLength = 12
    /// Microsoft's initiator takes 12 to 16 octets.
    public static let windowsMaximumLength = 16

    /// Accept secrets shorter than 12 octets (interop with old set-ups; still warned).
    public var allowShortSecrets: Bool

    public init(allowShortSecrets: Bool = false) { self.allowShortSecrets = allowShortSecrets }

    /// Refuses an unusable secret; returns warnings for a usable but risky one. `role` names it
    /// in the messages ("initiator secret", "target secret").
    public func check(_ secret: Secret, role: String) throws(ISCSIChapFailure) -> [String] {
        let n = secret.bytes.count
        guard n > 0 else { throw ISCSIChapFailure(.secretPolicy, "the \(role) is empty") }
        var warnings: [String] = []
        if n < Self.minimumLength {
            guard allowShortSecrets else {
                throw ISCSIChapFailure(.secretPolicy,
                    "the \(role) is \(n) octets; iSCSI CHAP secrets must be at least \(Self.minimumLength) (RFC 7143 §12.1.3)")
            }
            warnings.append("the \(role) is \(n) octets, shorter than the \(Self.minimumLength) RFC 7143 advises (allowed by request)")
        }
        if n > Self.windowsMaximumLength {
            warnings.append("the \(role) is \(n) octets; Windows' iSCSI initiator accepts only \(Self.minimumLength)–\(Self.windowsMaximumLength)")
        }
        return warnings
    }

    /// In mutual CHAP the two secrets must differ (RFC 7143 §12.1.3), compared in constant time.
    public func checkMutual(initiatorSecret: Secret, targetSecret: Secret) throws(ISCSIChapFailure) {
        if constantTimeEqual(initiatorSecret.bytes, targetSecret.bytes) {
            throw ISCSIChapFailure(.secretPolicy, "mutual CHAP needs two different secrets; the initiator and target secrets are the same")
        }
    }
}
