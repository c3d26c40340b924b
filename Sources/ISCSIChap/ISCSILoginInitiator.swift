import ChapSecrets

/// The initiator's Login phase (RFC 7143 §6.3) with CHAP, as a value: PDUs come in, PDUs to
/// send and a verdict come out. SecurityNegotiation (AuthMethod=CHAP, then the CHAP exchange),
/// LoginOperationalNegotiation, FullFeaturePhase, and a Logout to close the session cleanly.
public struct ISCSILoginInitiator: Sendable {
    public struct Configuration: Sendable {
        public var initiatorName: String
        public var targetName: String
        public var chap: ISCSIChapInitiator.Configuration
        /// 6 octets; the first is the ISID type (0x80: random).
        public var isid: [UInt8]
        public var initiatorTaskTag: UInt32
        public var commandSequenceNumber: UInt32
        public var operationalKeys: [ISCSITextPair]

        public init(initiatorName: String, targetName: String, chap: ISCSIChapInitiator.Configuration,
                    isid: [UInt8] = [0x80, 0x00, 0x00, 0x00, 0x00, 0x01], initiatorTaskTag: UInt32 = 1,
                    commandSequenceNumber: UInt32 = 1, operationalKeys: [ISCSITextPair] = Self.defaultOperationalKeys) {
            self.initiatorName = initiatorName
            self.targetName = targetName
            self.chap = chap
            self.isid = isid
            self.initiatorTaskTag = initiatorTaskTag
            self.commandSequenceNumber = commandSequenceNumber
            self.operationalKeys = operationalKeys
        }

        /// RFC 7143's defaults, declared, with no digests.
        public static let defaultOperationalKeys: [ISCSITextPair] = [
            ISCSITextPair("HeaderDigest", "None"), ISCSITextPair("DataDigest", "None"),
            ISCSITextPair("ErrorRecoveryLevel", "0"), ISCSITextPair("InitialR2T", "Yes"),
            ISCSITextPair("ImmediateData", "Yes"), ISCSITextPair("MaxBurstLength", "262144"),
            ISCSITextPair("FirstBurstLength", "65536"), ISCSITextPair("MaxConnections", "1"),
            ISCSITextPair("DataPDUInOrder", "Yes"), ISCSITextPair("DataSequenceInOrder", "Yes"),
            ISCSITextPair("DefaultTime2Wait", "2"), ISCSITextPair("DefaultTime2Retain", "0"),
            ISCSITextPair("MaxOutstandingR2T", "1"), ISCSITextPair("MaxRecvDataSegmentLength", "262144"),
        ]
    }

    /// Where the login stands; each phase carries only what it needs.
    public enum Phase: Hashable, Sendable {
        case idle
        case authMethodSent
        case algorithmsSent
        case responseSent
        case operationalSent(rounds: Int)
        case fullFeature
        case logoutSent
        case loggedOut
        case failed
    }

    /// What happened, in an operator's terms. Filled in as the login goes.
    public struct Report: Hashable, Sendable {
        public var algorithm: ISCSIChapAlgorithm?
        /// nil: not known yet; true: the target accepted our CHAP_R.
        public var targetAcceptedUs: Bool?
        /// nil: not mutual (or not reached); true: the target's CHAP_R matched the target secret.
        public var weVerifiedTarget: Bool?
        public var mutualRequested: Bool
        public var targetCHAPName: String?
        public var reachedFullFeaturePhase = false
        public var tsih: UInt16?
        public var targetPortalGroupTag: String?
        public var operationalKeys: [ISCSITextPair] = []
        public var loggedOut = false
        public var failure: Failure?
        public var warnings: [String] = []
    }

    public struct Failure: Hashable, Sendable, CustomStringConvertible {
        public var stage: ISCSILoginStage
        /// Set when a Login Response carried a non-zero status.
        public var statusClass: UInt8?
        public var statusDetail: UInt8?
        public var chap: ISCSIChapFailure?
        public var message: String
        public var description: String { message }
        public init(stage: ISCSILoginStage, statusClass: UInt8? = nil, statusDetail: UInt8? = nil,
                    chap: ISCSIChapFailure? = nil, message: String) {
            self.stage = stage
            self.statusClass = statusClass
            self.statusDetail = statusDetail
            self.chap = chap
            self.message = message
        }
    }

    /// What the owner does next.
    public enum Step: Hashable, Sendable {
        case send(ISCSIPDU)
        /// Nothing to send; wait for the next PDU.
        case waiting
        /// FullFeaturePhase reached; call `logout()` to end the session.
        case loggedIn
        case loggedOut
        case failed(Failure)
    }

    public let configuration: Configuration
    public private(set) var phase: Phase = .idle
    public private(set) var report: Report
    private var chap: ISCSIChapInitiator
    private var expectedStatSN: UInt32 = 0
    private var commandSN: UInt32
    private var tsih: UInt16 = 0

    public init(_ configuration: Configuration) throws(ISCSIChapFailure) {
        self.configuration = configuration
        self.chap = try ISCSIChapInitiator(configuration.chap)
        self.commandSN = configuration.commandSequenceNumber
        self.report = Report(mutualRequested: configuration.chap.mutual != nil, warnings: chap.warnings)
    }

    /// The first Login Request.
    public mutating func start() -> ISCSIPDU {
        phase = .authMethodSent
        return request(stage: .securityNegotiation, transitTo: nil, keys: [
            ISCSITextPair("InitiatorName", configuration.initiatorName),
            ISCSITextPair("SessionType", "Normal"),
            ISCSITextPair("TargetName", configuration.targetName),
            ISCSITextPair("AuthMethod", "CHAP"),
        ])
    }

    /// One PDU from the target.
    public mutating func receive(_ pdu: ISCSIPDU, random: inout some RandomNumberGenerator) -> Step {
        if phase == .logoutSent { return receiveLogoutResponse(pdu) }
        let stage = currentStage
        let response: ISCSILoginPDU
        do {
            response = try ISCSILoginPDU(pdu)
        } catch {
            return fail(stage, "the target sent a malformed Login Response: \(error.reason)")
        }
        guard response.isResponse else { return fail(stage, "the target sent a Login Request") }
        expectedStatSN = response.sequenceNumber &+ 1
        if response.maxCommandSequenceNumber != 0 || response.expectedSequenceNumber != 0 {
            commandSN = response.expectedSequenceNumber
        }
        if let tag = response.keys[key: "TargetPortalGroupTag"] { report.targetPortalGroupTag = tag }
        guard response.statusClass == 0 else { return failStatus(stage, response) }

        switch phase {
        case .authMethodSent:
            guard let method = response.keys[key: "AuthMethod"] else {
                return fail(stage, "the target did not answer AuthMethod")
            }
            guard method == "CHAP" else {
                return fail(stage, "the target answered AuthMethod=\(method): it is not set up for CHAP (add an incoming account to the target)")
            }
            phase = .algorithmsSent
            return .send(request(stage: .securityNegotiation, transitTo: nil, keys: chap.start()))

        case .algorithmsSent:
            switch chap.receiveChallenge(response.keys, random: &random) {
            case .failure(let f):
                return fail(stage, f.reason, chap: f)
            case .success(let keys):
                if case .answered(let a) = chap.state { report.algorithm = a }
                phase = .responseSent
                return .send(request(stage: .securityNegotiation, transitTo: .loginOperationalNegotiation, keys: keys))
            }

        case .responseSent:
            report.targetAcceptedUs = true
            if case .failure(let f) = chap.receiveTargetResponse(response.keys) {
                if report.mutualRequested { report.weVerifiedTarget = false }
                return fail(stage, f.reason, chap: f)
            }
            if report.mutualRequested {
                report.weVerifiedTarget = true
                report.targetCHAPName = response.keys[key: "CHAP_N"]
            }
            guard response.transit, response.nextStage == ISCSILoginStage.loginOperationalNegotiation.rawValue else {
                return fail(stage, "the target accepted CHAP but did not move on to LoginOperationalNegotiation (T=\(response.transit ? 1 : 0), NSG=\(response.nextStage))")
            }
            phase = .operationalSent(rounds: 1)
            return .send(request(stage: .loginOperationalNegotiation, transitTo: .fullFeaturePhase, keys: configuration.operationalKeys))

        case .operationalSent(let rounds):
            report.operationalKeys += response.keys
            if response.transit, response.nextStage == ISCSILoginStage.fullFeaturePhase.rawValue {
                tsih = response.tsih
                report.tsih = response.tsih
                report.reachedFullFeaturePhase = true
                phase = .fullFeature
                return .loggedIn
            }
            guard rounds < 8 else { return fail(stage, "the target did not finish operational negotiation after 8 rounds") }
            phase = .operationalSent(rounds: rounds + 1)
            return .send(request(stage: .loginOperationalNegotiation, transitTo: .fullFeaturePhase, keys: []))

        case .idle, .fullFeature, .loggedOut, .failed, .logoutSent:
            return fail(stage, "a Login Response arrived when none was expected")
        }
    }

    /// The Logout Request (close the session) once in FullFeaturePhase.
    public mutating func logout() -> ISCSIPDU {
        var p = ISCSIPDU(header: [UInt8](repeating: 0, count: 48))
        p.header[0] = 0x40 | ISCSIPDU.Opcode.logoutRequest.rawValue
        p.header[1] = 0x80  // reason 0: close the session
        p.setU32(16, configuration.initiatorTaskTag &+ 1)
        p.setU32(24, commandSN)
        p.setU32(28, expectedStatSN)
        phase = .logoutSent
        return p
    }

    /// The connection closed (EOF) before the login finished.
    public mutating func connectionClosed() -> Step {
        switch phase {
        case .loggedOut, .failed: return .loggedOut
        case .logoutSent:
            return fail(.fullFeaturePhase, "the target closed the connection without a Logout Response")
        default:
            return fail(currentStage, "the target closed the connection")
        }
    }

    /// The login stage the machine is in (for naming where a failure happened).
    public var currentStage: ISCSILoginStage {
        switch phase {
        case .idle, .authMethodSent, .algorithmsSent, .responseSent: return .securityNegotiation
        case .operationalSent: return .loginOperationalNegotiation
        default: return .fullFeaturePhase
        }
    }

    private mutating func receiveLogoutResponse(_ pdu: ISCSIPDU) -> Step {
        guard pdu.opcode == .logoutResponse else {
            // A NOP-In or an async message may come first; wait for the Logout Response.
            return .waiting
        }
        guard pdu.header[2] == 0 else {
            return fail(.fullFeaturePhase, "the target answered our Logout with response \(pdu.header[2])")
        }
        report.loggedOut = true
        phase = .loggedOut
        return .loggedOut
    }

    private func request(stage: ISCSILoginStage, transitTo next: ISCSILoginStage?, keys: [ISCSITextPair]) -> ISCSIPDU {
        ISCSILoginPDU(isResponse: false, transit: next != nil, currentStage: stage.rawValue, nextStage: next?.rawValue ?? 0,
                      isid: configuration.isid, tsih: tsih, initiatorTaskTag: configuration.initiatorTaskTag,
                      sequenceNumber: commandSN, expectedSequenceNumber: expectedStatSN, keys: keys).pdu
    }

    private mutating func fail(_ stage: ISCSILoginStage, _ message: String, chap: ISCSIChapFailure? = nil) -> Step {
        let f = Failure(stage: stage, chap: chap, message: message)
        report.failure = f
        phase = .failed
        return .failed(f)
    }

    private mutating func failStatus(_ stage: ISCSILoginStage, _ r: ISCSILoginPDU) -> Step {
        let status = ISCSILoginStatus.describe(statusClass: r.statusClass, statusDetail: r.statusDetail)
        var message: String
        switch phase {
        case .responseSent:
            report.targetAcceptedUs = false
            message = "the target refused our CHAP response: \(status)"
            if report.algorithm == .sha256, r.statusClass == 2, r.statusDetail != 1 {
                // tgt answers CHAP_A=7 and then computes SHA-1 (its own number for it).
                message += "; a target that numbers SHA-1 as 7 (tgt does) takes our SHA-256 response for a malformed SHA-1 one: offer md5 or sha1 to such a target"
            }
        case .algorithmsSent:
            message = "the target refused the CHAP algorithms offered (\(configuration.chap.algorithms.map(\.description).joined(separator: ", "))): \(status)"
        default:
            message = "the target refused the login in \(stage): \(status)"
        }
        let f = Failure(stage: stage, statusClass: r.statusClass, statusDetail: r.statusDetail, message: message)
        report.failure = f
        phase = .failed
        return .failed(f)
    }
}
