/// The attribute lists chapd sends, built from what a link knows. NAS-Identifier and
/// NAS-IP-Address come from the configuration (radcli's `nas-identifier`, `nas-ip`).

/// An Access-Request for a CHAP-MD5 Response (RFC 2865 §5.3, §5.40).
public struct RADIUSCHAPAccess: Sendable, Hashable {
    /// The Response's Name field.
    public var userName: [UInt8]
    public var chapIdentifier: UInt8
    public var challenge: [UInt8]
    /// The Response's Value (16 octets for MD5).
    public var response: [UInt8]
    /// The link's index.
    public var nasPort: UInt32?
    public var nasPortType: RADIUSNASPortType?
    /// The TCP peer's address, or pppd's `ipparam`.
    public var callingStationId: String?
    public var calledStationId: String?

    public init(userName: [UInt8], chapIdentifier: UInt8, challenge: [UInt8], response: [UInt8], nasPort: UInt32? = nil,
                nasPortType: RADIUSNASPortType? = nil, callingStationId: String? = nil, calledStationId: String? = nil) {
        self.userName = userName
        self.chapIdentifier = chapIdentifier
        self.challenge = challenge
        self.response = response
        self.nasPort = nasPort
        self.nasPortType = nasPortType
        self.callingStationId = callingStationId
        self.calledStationId = calledStationId
    }

    /// User-Name, CHAP-Password (id ‖ response), CHAP-Challenge, Service-Type=Framed,
    /// Framed-Protocol=PPP, NAS-Identifier / NAS-IP-Address, NAS-Port, NAS-Port-Type,
    /// Calling-/Called-Station-Id. (The Message-Authenticator is the client's to add.)
    public func attributes(_ configuration: RADIUSClientConfiguration) -> [RADIUSAttribute] {
        var a: [RADIUSAttribute] = [
            RADIUSAttribute(.userName, Array(userName.prefix(RADIUSAttribute.maximumValueLength))),
            RADIUSAttribute(.chapPassword, [chapIdentifier] + response),
            RADIUSAttribute(.chapChallenge, Array(challenge.prefix(RADIUSAttribute.maximumValueLength))),
            .integer(.serviceType, RADIUSServiceType.framed.rawValue),
            .integer(.framedProtocol, RADIUSFramedProtocol.ppp.rawValue),
        ]
        a += configuration.nasAttributes
        if let nasPort { a.append(.integer(.nasPort, nasPort)) }
        if let nasPortType { a.append(.integer(.nasPortType, nasPortType.rawValue)) }
        if let callingStationId { a.append(.text(.callingStationId, callingStationId)) }
        if let calledStationId { a.append(.text(.calledStationId, calledStationId)) }
        return a
    }
}

/// An Accounting-Request (RFC 2866, RFC 2869 §5.1-5.3 for Gigawords and Interim).
public struct RADIUSAccountingRecord: Sendable, Hashable {
    public var statusType: RADIUSAcctStatusType
    public var sessionId: String
    public var userName: [UInt8]?
    public var nasPort: UInt32?
    public var nasPortType: RADIUSNASPortType?
    public var framedIPAddress: UInt32?
    public var callingStationId: String?
    public var calledStationId: String?
    /// Seconds (Interim-Update and Stop).
    public var sessionTime: UInt32?
    /// Full 64-bit counters: the low 32 bits go in Acct-*-Octets, the high in -Gigawords.
    public var inputOctets: UInt64?
    public var outputOctets: UInt64?
    public var inputPackets: UInt32?
    public var outputPackets: UInt32?
    public var terminateCause: RADIUSTerminateCause?
    /// Class values from the Access-Accept, echoed unchanged (RFC 2865 §5.25).
    public var classes: [[UInt8]]
    /// Seconds since 1970 (Event-Timestamp, RFC 2869 §5.3).
    public var eventTimestamp: UInt32?

    public init(statusType: RADIUSAcctStatusType, sessionId: String, userName: [UInt8]? = nil, nasPort: UInt32? = nil,
                nasPortType: RADIUSNASPortType? = nil, framedIPAddress: UInt32? = nil, callingStationId: String? = nil,
                calledStationId: String? = nil, sessionTime: UInt32? = nil, inputOctets: UInt64? = nil, outputOctets: UInt64? = nil,
                inputPackets: UInt32? = nil, outputPackets: UInt32? = nil, terminateCause: RADIUSTerminateCause? = nil,
                classes: [[UInt8]] = [], eventTimestamp: UInt32? = nil) {
        self.statusType = statusType
        self.sessionId = sessionId
        self.userName = userName
        self.nasPort = nasPort
        self.nasPortType = nasPortType
        self.framedIPAddress = framedIPAddress
        self.callingStationId = callingStationId
        self.calledStationId = calledStationId
        self.sessionTime = sessionTime
        self.inputOctets = inputOctets
        self.outputOctets = outputOctets
        self.inputPackets = inputPackets
        self.outputPackets = outputPackets
        self.terminateCause = terminateCause
        self.classes = classes
        self.eventTimestamp = eventTimestamp
    }

    public func attributes(_ configuration: RADIUSClientConfiguration) -> [RADIUSAttribute] {
        var a: [RADIUSAttribute] = [
            .integer(.acctStatusType, statusType.rawValue),
            .text(.acctSessionId, sessionId),
            .integer(.acctAuthentic, RADIUSAcctAuthentic.radius.rawValue),
        ]
        if let userName { a.append(RADIUSAttribute(.userName, Array(userName.prefix(RADIUSAttribute.maximumValueLength)))) }
        a += configuration.nasAttributes
        if let nasPort { a.append(.integer(.nasPort, nasPort)) }
        if let nasPortType { a.append(.integer(.nasPortType, nasPortType.rawValue)) }
        a.append(.integer(.serviceType, RADIUSServiceType.framed.rawValue))
        a.append(.integer(.framedProtocol, RADIUSFramedProtocol.ppp.rawValue))
        if let framedIPAddress { a.append(.address(.framedIPAddress, framedIPAddress)) }
        if let callingStationId { a.append(.text(.callingStationId, callingStationId)) }
        if let calledStationId { a.append(.text(.calledStationId, calledStationId)) }
        if let sessionTime { a.append(.integer(.acctSessionTime, sessionTime)) }
        if let inputOctets {
            a.append(.integer(.acctInputOctets, UInt32(truncatingIfNeeded: inputOctets)))
            a.append(.integer(.acctInputGigawords, UInt32(truncatingIfNeeded: inputOctets >> 32)))
        }
        if let outputOctets {
            a.append(.integer(.acctOutputOctets, UInt32(truncatingIfNeeded: outputOctets)))
            a.append(.integer(.acctOutputGigawords, UInt32(truncatingIfNeeded: outputOctets >> 32)))
        }
        if let inputPackets { a.append(.integer(.acctInputPackets, inputPackets)) }
        if let outputPackets { a.append(.integer(.acctOutputPackets, outputPackets)) }
        if let terminateCause { a.append(.integer(.acctTerminateCause, terminateCause.rawValue)) }
        for c in classes { a.append(RADIUSAttribute(.class, Array(c.prefix(RADIUSAttribute.maximumValueLength)))) }
        if let eventTimestamp { a.append(.integer(.eventTimestamp, eventTimestamp)) }
        return a
    }
}

extension RADIUSClientConfiguration {
    /// NAS-Identifier and NAS-IP-Address as configured.
    public var nasAttributes: [RADIUSAttribute] {
        var a: [RADIUSAttribute] = []
        if let nasIdentifier { a.append(.text(.nasIdentifier, nasIdentifier)) }
        if let nasIPAddress { a.append(.address(.nasIPAddress, nasIPAddress)) }
        return a
    }
}

/// What an Access-Accept grants, read from its attributes.
public struct RADIUSAuthorization: Sendable, Hashable {
    public enum FramedAddress: Sendable, Hashable {
        /// 0xFFFFFFFE: take one from the NAS's pool.
        case fromPool
        /// 0xFFFFFFFF: let the peer choose.
        case peerChooses
        case address(UInt32)
    }
    public var framedIPAddress: FramedAddress?
    public var sessionTimeout: UInt32?
    public var idleTimeout: UInt32?
    public var acctInterimInterval: UInt32?
    public var framedMTU: UInt32?
    public var classes: [[UInt8]]
    public var replyMessage: String?

    public init(_ reply: RADIUSReply) {
        let attrs = reply.attributes
        switch attrs.first(.framedIPAddress)?.integerValue {
        case .none: framedIPAddress = nil
        case .some(0xFFFF_FFFE): framedIPAddress = .fromPool
        case .some(0xFFFF_FFFF): framedIPAddress = .peerChooses
        case .some(let a): framedIPAddress = .address(a)
        }
        sessionTimeout = attrs.first(.sessionTimeout)?.integerValue
        idleTimeout = attrs.first(.idleTimeout)?.integerValue
        acctInterimInterval = attrs.first(.acctInterimInterval)?.integerValue
        framedMTU = attrs.first(.framedMTU)?.integerValue
        classes = attrs.filter { $0.type == RADIUSAttributeType.class.rawValue }.map(\.value)
        replyMessage = reply.replyMessage
    }
}
