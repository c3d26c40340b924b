import ChapSecrets
import PPPCore

/// The initiator's side of iSCSI CHAP (RFC 7143 §12.1.3) as a value: it offers algorithms,
/// answers the target's challenge, optionally challenges the target back and checks its answer.
///
///     I->T  CHAP_A=<A1,A2,...>
///     T->I  CHAP_A=<A>  CHAP_I=<I>  CHAP_C=<C>
///     I->T  CHAP_N=<N>  CHAP_R=<R>  [CHAP_I=<I'>  CHAP_C=<C'>]   (mutual)
///     T->I  [CHAP_N=<N'>  CHAP_R=<R'>]                               (mutual)
public struct ISCSIChapInitiator: Sendable {
    public struct Mutual: Sendable {
        /// The name the target must give in CHAP_N; nil accepts any name.
        public var expectedTargetName: String?
        public var targetSecret: Secret
        public init(expectedTargetName: String?, targetSecret: Secret) {
            self.expectedTargetName = expectedTargetName
            self.targetSecret = targetSecret
        }
    }

    public struct Configuration: Sendable {
        public var name: String
        public var secret: Secret
        /// In preference order; sent as CHAP_A.
        public var algorithms: [ISCSIChapAlgorithm]
        public var mutual: Mutual?
        public var policy: ISCSISecretPolicy
        public init(name: String, secret: Secret, algorithms: [ISCSIChapAlgorithm] = [.md5],
                    mutual: Mutual? = nil, policy: ISCSISecretPolicy = ISCSISecretPolicy()) {
            self.name = name
            self.secret = secret
            self.algorithms = algorithms
            self.mutual = mutual
            self.policy = policy
        }
    }

    public enum State: Hashable, Sendable {
        case idle
        case offered
        case answered(algorithm: ISCSIChapAlgorithm)
        case done(algorithm: ISCSIChapAlgorithm, targetVerified: Bool)
        case failed(ISCSIChapFailure)
    }

    public let configuration: Configuration
    public private(set) var state: State = .idle
    /// Warnings about the secrets (e.g. longer than Windows accepts).
    public let warnings: [String]
    private let registry: CHAPDigestRegistry
    private var mutualChallenge: (identifier: UInt8, challenge: [UInt8])?

    /// Checks the configuration's secrets and algorithms before anything is sent.
    public init(_ configuration: Configuration, registry: CHAPDigestRegistry = .iscsi) throws(ISCSIChapFailure) {
        guard !configuration.algorithms.isEmpty else {
            throw ISCSIChapFailure(.algorithm, "no CHAP algorithm to offer")
        }
        for a in configuration.algorithms {
            if let why = a.unavailableReason { throw ISCSIChapFailure(.algorithm, why) }
            guard registry.digest(algorithm: a.rawValue) != nil else {
                throw ISCSIChapFailure(.algorithm, "\(a) is not in the digest registry")
            }
        }
        var warnings = try configuration.policy.check(configuration.secret, role: "initiator secret")
        if let mutual = configuration.mutual {
            warnings += try configuration.policy.check(mutual.targetSecret, role: "target secret")
            try configuration.policy.checkMutual(initiatorSecret: configuration.secret, targetSecret: mutual.targetSecret)
        }
        self.configuration = configuration
        self.registry = registry
        self.warnings = warnings
    }

    /// The first step: CHAP_A with the algorithms in preference order.
    public mutating func start() -> [ISCSITextPair] {
        state = .offered
        return [ISCSITextPair("CHAP_A", configuration.algorithms.map { String($0.rawValue) }.joined(separator: ","))]
    }

    /// Takes the target's CHAP_A/CHAP_I/CHAP_C and returns CHAP_N/CHAP_R (and, for mutual CHAP,
    /// our CHAP_I/CHAP_C drawn from `random`).
    public mutating func receiveChallenge(_ keys: [ISCSITextPair],
                                          random: inout some RandomNumberGenerator) -> Result<[ISCSITextPair], ISCSIChapFailure> {
        do throws(ISCSIChapFailure) {
            guard state == .offered else {
                throw ISCSIChapFailure(.protocolViolation, "a CHAP challenge arrived before CHAP_A was offered or after it was answered")
            }
            guard let a = keys[key: "CHAP_A"] else { throw ISCSIChapFailure(.missingKey, "the target's reply has no CHAP_A") }
            guard let number = UInt8(a), let algorithm = ISCSIChapAlgorithm(rawValue: number),
                  configuration.algorithms.contains(algorithm) else {
                let offered = configuration.algorithms.map(\.description).joined(separator: ", ")
                if a == "Reject" || a == "NotUnderstood" || a == "Irrelevant" {
                    throw ISCSIChapFailure(.algorithm, "the target supports none of the algorithms offered (\(offered)): it answered CHAP_A=\(a)")
                }
                throw ISCSIChapFailure(.algorithm, "the target chose CHAP_A=\(a), which was not offered (\(offered))")
            }
            let digest = registry.digest(algorithm: algorithm.rawValue)!
            let identifier = try Self.identifier(keys)
            guard let c = keys[key: "CHAP_C"] else { throw ISCSIChapFailure(.missingKey, "the target's challenge has no CHAP_C") }
            let challenge = try ISCSIBinaryValue.decode(c, key: "CHAP_C")
            guard challenge.count <= iscsiMaximumChallengeLength else {
                throw ISCSIChapFailure(.malformedValue, "the target's CHAP_C is \(challenge.count) octets (at most \(iscsiMaximumChallengeLength))")
            }
            let response = digest.makeResponse(identifier: identifier, secret: configuration.secret, challenge: challenge)
            var out = [ISCSITextPair("CHAP_N", configuration.name), ISCSITextPair("CHAP_R", ISCSIBinaryValue.encodeHex(response))]
            if configuration.mutual != nil {
                var ours: [UInt8]
                repeat {
                    ours = (0..<iscsiChallengeLength(digest)).map { _ in UInt8.random(in: 0...255, using: &random) }
                } while ours == challenge  // never send the target its own challenge
                let ourIdentifier = UInt8.random(in: 0...255, using: &random)
                mutualChallenge = (ourIdentifier, ours)
                out.append(ISCSITextPair("CHAP_I", String(ourIdentifier)))
                out.append(ISCSITextPair("CHAP_C", ISCSIBinaryValue.encodeHex(ours)))
            }
            state = .answered(algorithm: algorithm)
            return .success(out)
        } catch {
            state = .failed(error)
            return .failure(error)
        }
    }

    /// Takes the target's last keys. One-way CHAP finishes here whatever they are; mutual CHAP
    /// checks the target's CHAP_N/CHAP_R against the target secret (constant time).
    public mutating func receiveTargetResponse(_ keys: [ISCSITextPair]) -> Result<Void, ISCSIChapFailure> {
        do throws(ISCSIChapFailure) {
            guard case .answered(let algorithm) = state else {
                throw ISCSIChapFailure(.protocolViolation, "the target's CHAP answer arrived before we answered its challenge")
            }
            guard let mutual = configuration.mutual, let asked = mutualChallenge else {
                state = .done(algorithm: algorithm, targetVerified: false)
                return .success(())
            }
            let (identifier, challenge) = asked
            guard let name = keys[key: "CHAP_N"] else {
                throw ISCSIChapFailure(.missingKey, "the target did not answer our challenge (no CHAP_N/CHAP_R): it is not set up for mutual CHAP")
            }
            guard let r = keys[key: "CHAP_R"] else { throw ISCSIChapFailure(.missingKey, "the target's answer has CHAP_N but no CHAP_R") }
            if let expected = mutual.expectedTargetName, expected != name {
                throw ISCSIChapFailure(.unexpectedName, "the target answered as \"\(name)\", not \"\(expected)\"")
            }
            let digest = registry.digest(algorithm: algorithm.rawValue)!
            let response = try ISCSIBinaryValue.decode(r, key: "CHAP_R")
            guard response.count == digest.responseLength else {
                throw ISCSIChapFailure(.malformedValue, "the target's CHAP_R is \(response.count) octets; \(algorithm.name) gives \(digest.responseLength)")
            }
            guard digest.verify(response: response, identifier: identifier, secret: mutual.targetSecret, challenge: challenge) else {
                throw ISCSIChapFailure(.authenticationFailed, "the target's CHAP_R does not match the target secret: we refuse the target")
            }
            state = .done(algorithm: algorithm, targetVerified: true)
            return .success(())
        } catch {
            state = .failed(error)
            return .failure(error)
        }
    }

    static func identifier(_ keys: [ISCSITextPair]) throws(ISCSIChapFailure) -> UInt8 {
        guard let i = keys[key: "CHAP_I"] else { throw ISCSIChapFailure(.missingKey, "no CHAP_I") }
        return try parseIdentifier(i)
    }

    /// CHAP_I is a decimal (or 0x hex) number 0–255.
    public static func parseIdentifier(_ text: String) throws(ISCSIChapFailure) -> UInt8 {
        let value: Int?
        if text.hasPrefix("0x") || text.hasPrefix("0X") {
            let digits = text.utf8.dropFirst(2)
            value = !digits.isEmpty && digits.count <= 8 && digits.allSatisfy { ISCSIBinaryValue.hexDigit($0) != nil }
                ? Int(text.dropFirst(2), radix: 16) : nil
        } else {
            let digits = text.utf8
            value = !digits.isEmpty && digits.count <= 9 && digits.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
                ? Int(text, radix: 10) : nil
        }
        guard let value else { throw ISCSIChapFailure(.malformedValue, "CHAP_I \"\(text)\" is not a number") }
        guard (0...255).contains(value) else { throw ISCSIChapFailure(.malformedValue, "CHAP_I \(value) is out of range (0–255)") }
        return UInt8(value)
    }
}
