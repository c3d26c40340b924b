import ChapSecrets
import PPPCore

/// The target's side of iSCSI CHAP as a value: it chooses the algorithm from the initiator's
/// list, challenges, asks its owner for a verdict on the initiator's answer, and answers a
/// mutual challenge. The machine never looks a secret up: it emits a `VerifyRequest` and
/// waits in `.verifying` for `verdict(_:)` (chap-secrets answers at once, RADIUS later).
public struct ISCSIChapTarget: Sendable {
    public struct Configuration: Sendable {
        /// Algorithms we accept; the initiator's order decides among them (RFC 7143 §6.2.1:
        /// the responder selects the first value of a list it supports).
        public var algorithms: [ISCSIChapAlgorithm]
        /// Our name and secret for answering a mutual challenge; nil refuses mutual CHAP.
        public var outgoing: (name: String, secret: Secret)?
        public var policy: ISCSISecretPolicy
        public init(algorithms: [ISCSIChapAlgorithm] = [.sha256, .sha1, .md5],
                    outgoing: (name: String, secret: Secret)? = nil, policy: ISCSISecretPolicy = ISCSISecretPolicy()) {
            self.algorithms = algorithms
            self.outgoing = outgoing
            self.policy = policy
        }
    }

    /// What the owner must check: does `response` come from the secret of `name`?
    public struct VerifyRequest: Hashable, Sendable {
        public var name: String
        public var algorithm: ISCSIChapAlgorithm
        public var identifier: UInt8
        public var challenge: [UInt8]
        public var response: [UInt8]
        /// True when the initiator also challenged us (mutual CHAP).
        public var mutual: Bool

        /// The check against one secret, in constant time.
        public func isAnswered(by secret: Secret, registry: CHAPDigestRegistry = .iscsi) -> Bool {
            guard let digest = registry.digest(algorithm: algorithm.rawValue) else { return false }
            return digest.verify(response: response, identifier: identifier, secret: secret, challenge: challenge)
        }
    }

    public enum Verdict: Hashable, Sendable {
        case accept
        case reject(String)
    }

    public enum State: Hashable, Sendable {
        case idle
        case challenged(algorithm: ISCSIChapAlgorithm)
        case verifying(VerifyRequest)
        case done(algorithm: ISCSIChapAlgorithm, initiator: String, mutual: Bool)
        case failed(ISCSIChapFailure)
    }

    public let configuration: Configuration
    public private(set) var state: State = .idle
    public let warnings: [String]
    private let registry: CHAPDigestRegistry
    private var sent: (identifier: UInt8, challenge: [UInt8])?
    private var mutualChallenge: (identifier: UInt8, challenge: [UInt8])?

    public init(_ configuration: Configuration, registry: CHAPDigestRegistry = .iscsi) throws(ISCSIChapFailure) {
        let usable = configuration.algorithms.filter { $0.unavailableReason == nil && registry.digest(algorithm: $0.rawValue) != nil }
        guard !usable.isEmpty else { throw ISCSIChapFailure(.algorithm, "no usable CHAP algorithm configured") }
        var warnings: [String] = []
        if let outgoing = configuration.outgoing {
            warnings = try configuration.policy.check(outgoing.secret, role: "target secret")
        }
        var c = configuration
        c.algorithms = usable
        self.configuration = c
        self.registry = registry
        self.warnings = warnings
    }

    /// Takes the initiator's CHAP_A list; returns CHAP_A/CHAP_I/CHAP_C. With no common
    /// algorithm the answer is `CHAP_A=Reject` and the machine fails (the login must end).
    public mutating func receiveAlgorithms(_ keys: [ISCSITextPair],
                                           random: inout some RandomNumberGenerator) -> Result<[ISCSITextPair], ISCSIChapFailure> {
        do throws(ISCSIChapFailure) {
            guard state == .idle else { throw ISCSIChapFailure(.protocolViolation, "CHAP_A arrived twice") }
            guard let list = keys[key: "CHAP_A"] else { throw ISCSIChapFailure(.missingKey, "the initiator sent no CHAP_A") }
            let offered = list.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let chosen = offered.lazy.compactMap { UInt8($0).flatMap(ISCSIChapAlgorithm.init(rawValue:)) }
                .first { self.configuration.algorithms.contains($0) }
            guard let algorithm = chosen else {
                let ours = configuration.algorithms.map(\.description).joined(separator: ", ")
                throw ISCSIChapFailure(.algorithm, "the initiator offered CHAP_A=\(list); this target accepts \(ours)")
            }
            let digest = registry.digest(algorithm: algorithm.rawValue)!
            let identifier = UInt8.random(in: 0...255, using: &random)
            let challenge = (0..<iscsiChallengeLength(digest)).map { _ in UInt8.random(in: 0...255, using: &random) }
            sent = (identifier, challenge)
            state = .challenged(algorithm: algorithm)
            return .success([
                ISCSITextPair("CHAP_A", String(algorithm.rawValue)),
                ISCSITextPair("CHAP_I", String(identifier)),
                ISCSITextPair("CHAP_C", ISCSIBinaryValue.encodeHex(challenge)),
            ])
        } catch {
            state = .failed(error)
            return .failure(error)
        }
    }

    /// Takes CHAP_N/CHAP_R (and CHAP_I/CHAP_C for mutual); enforces the length, range and
    /// reflection rules, then returns what the owner must verify.
    public mutating func receiveResponse(_ keys: [ISCSITextPair]) -> Result<VerifyRequest, ISCSIChapFailure> {
        do throws(ISCSIChapFailure) {
            guard case .challenged(let algorithm) = state, let sent else {
                throw ISCSIChapFailure(.protocolViolation, "CHAP_R arrived before a challenge was sent")
            }
            let (identifier, challenge) = sent
            let digest = registry.digest(algorithm: algorithm.rawValue)!
            guard let name = keys[key: "CHAP_N"] else { throw ISCSIChapFailure(.missingKey, "the initiator's answer has no CHAP_N") }
            guard let r = keys[key: "CHAP_R"] else { throw ISCSIChapFailure(.missingKey, "the initiator's answer has no CHAP_R") }
            let response = try ISCSIBinaryValue.decode(r, key: "CHAP_R")
            guard response.count == digest.responseLength else {
                throw ISCSIChapFailure(.malformedValue, "the initiator's CHAP_R is \(response.count) octets; \(algorithm.name) gives \(digest.responseLength)")
            }
            var mutual = false
            switch (keys[key: "CHAP_I"], keys[key: "CHAP_C"]) {
            case (nil, nil):
                break
            case (.some(let i), .some(let c)):
                let theirIdentifier = try ISCSIChapInitiator.parseIdentifier(i)
                let theirChallenge = try ISCSIBinaryValue.decode(c, key: "CHAP_C")
                guard theirChallenge.count <= iscsiMaximumChallengeLength else {
                    throw ISCSIChapFailure(.malformedValue, "the initiator's CHAP_C is \(theirChallenge.count) octets (at most \(iscsiMaximumChallengeLength))")
                }
                guard theirChallenge != challenge else {
                    throw ISCSIChapFailure(.reflection, "the initiator's CHAP_C is the challenge this target sent (reflection): refused")
                }
                guard configuration.outgoing != nil else {
                    throw ISCSIChapFailure(.authenticationFailed, "the initiator asked for mutual CHAP and this target has no outgoing account")
                }
                mutualChallenge = (theirIdentifier, theirChallenge)
                mutual = true
            default:
                throw ISCSIChapFailure(.missingKey, "mutual CHAP needs both CHAP_I and CHAP_C; only one was sent")
            }
            let request = VerifyRequest(name: name, algorithm: algorithm, identifier: identifier,
                                        challenge: challenge, response: response, mutual: mutual)
            state = .verifying(request)
            return .success(request)
        } catch {
            state = .failed(error)
            return .failure(error)
        }
    }

    /// The owner's verdict. Accepted: returns our CHAP_N/CHAP_R for a mutual challenge (empty
    /// for one-way). `initiatorSecret`, when the owner knows it, lets the machine refuse a
    /// mutual exchange whose two secrets are the same.
    public mutating func verdict(_ verdict: Verdict, initiatorSecret: Secret? = nil) -> Result<[ISCSITextPair], ISCSIChapFailure> {
        do throws(ISCSIChapFailure) {
            guard case .verifying(let request) = state else {
                throw ISCSIChapFailure(.protocolViolation, "a verdict arrived while no response was being verified")
            }
            if case .reject(let why) = verdict {
                throw ISCSIChapFailure(.authenticationFailed, "initiator \"\(request.name)\" failed CHAP: \(why)")
            }
            guard request.mutual, let outgoing = configuration.outgoing, let asked = mutualChallenge else {
                state = .done(algorithm: request.algorithm, initiator: request.name, mutual: false)
                return .success([])
            }
            if let initiatorSecret {
                try configuration.policy.checkMutual(initiatorSecret: initiatorSecret, targetSecret: outgoing.secret)
            }
            let digest = registry.digest(algorithm: request.algorithm.rawValue)!
            let response = digest.makeResponse(identifier: asked.identifier, secret: outgoing.secret, challenge: asked.challenge)
            state = .done(algorithm: request.algorithm, initiator: request.name, mutual: true)
            return .success([ISCSITextPair("CHAP_N", outgoing.name), ISCSITextPair("CHAP_R", ISCSIBinaryValue.encodeHex(response))])
        } catch {
            state = .failed(error)
            return .failure(error)
        }
    }

    /// Convenience for a local secret: verify against it and give the verdict in one step.
    public mutating func verify(with secret: Secret?) -> Result<[ISCSITextPair], ISCSIChapFailure> {
        guard case .verifying(let request) = state else {
            return verdict(.reject("no response to verify"))
        }
        guard let secret else { return verdict(.reject("no secret for \"\(request.name)\"")) }
        guard request.isAnswered(by: secret, registry: registry) else { return verdict(.reject("wrong secret")) }
        return verdict(.accept, initiatorSecret: secret)
    }
}
