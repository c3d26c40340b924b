/// Why an iSCSI CHAP exchange or login went wrong, in an operator's words. Messages name
/// keys, lengths and rules; they never contain a secret, and never a CHAP_R value.
public struct ISCSIChapFailure: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        /// Text keys that do not parse (no '=', bad key name, duplicate key, not UTF-8).
        case malformedText
        /// A CHAP_C/CHAP_R/CHAP_I/CHAP_A value that does not decode or is out of range.
        case malformedValue
        /// A key the step needs is missing.
        case missingKey
        /// No algorithm both sides support, or the other side chose one we did not offer.
        case algorithm
        /// A secret or a pair of secrets breaks a rule (too short, mutual secrets equal).
        case secretPolicy
        /// The initiator sent back a challenge the target had sent (reflection).
        case reflection
        /// The peer's CHAP_R is not what its secret gives: the peer failed authentication.
        case authenticationFailed
        /// The name in CHAP_N is not the one expected.
        case unexpectedName
        /// A step out of order (e.g. a response before a challenge).
        case protocolViolation
    }

    public let kind: Kind
    public let reason: String

    public init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    public var description: String { reason }
}
