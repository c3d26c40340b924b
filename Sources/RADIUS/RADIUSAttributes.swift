/// Attribute types chapd sends or reads (RFC 2865 §5, RFC 2866 §5, RFC 2869, RFC 3579, RFC 5176).
public enum RADIUSAttributeType: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case userName = 1
    case userPassword = 2
    case chapPassword = 3
    case nasIPAddress = 4
    case nasPort = 5
    case serviceType = 6
    case framedProtocol = 7
    case framedIPAddress = 8
    case framedIPNetmask = 9
    case framedMTU = 12
    case replyMessage = 18
    case state = 24
    case `class` = 25
    case vendorSpecific = 26
    case sessionTimeout = 27
    case idleTimeout = 28
    case terminationAction = 29
    case calledStationId = 30
    case callingStationId = 31
    case nasIdentifier = 32
    case proxyState = 33
    case acctStatusType = 40
    case acctDelayTime = 41
    case acctInputOctets = 42
    case acctOutputOctets = 43
    case acctSessionId = 44
    case acctAuthentic = 45
    case acctSessionTime = 46
    case acctInputPackets = 47
    case acctOutputPackets = 48
    case acctTerminateCause = 49
    case acctMultiSessionId = 50
    case acctLinkCount = 51
    case acctInputGigawords = 52
    case acctOutputGigawords = 53
    case eventTimestamp = 55
    case chapChallenge = 60
    case nasPortType = 61
    case portLimit = 62
    case acctInterimInterval = 85
    case nasPortId = 87
    case framedPool = 88
    case messageAuthenticator = 80
    case errorCause = 101

    /// FreeRADIUS dictionary names, for printing replies.
    public var description: String {
        switch self {
        case .userName: "User-Name"
        case .userPassword: "User-Password"
        case .chapPassword: "CHAP-Password"
        case .nasIPAddress: "NAS-IP-Address"
        case .nasPort: "NAS-Port"
        case .serviceType: "Service-Type"
        case .framedProtocol: "Framed-Protocol"
        case .framedIPAddress: "Framed-IP-Address"
        case .framedIPNetmask: "Framed-IP-Netmask"
        case .framedMTU: "Framed-MTU"
        case .replyMessage: "Reply-Message"
        case .state: "State"
        case .class: "Class"
        case .vendorSpecific: "Vendor-Specific"
        case .sessionTimeout: "Session-Timeout"
        case .idleTimeout: "Idle-Timeout"
        case .terminationAction: "Termination-Action"
        case .calledStationId: "Called-Station-Id"
        case .callingStationId: "Calling-Station-Id"
        case .nasIdentifier: "NAS-Identifier"
        case .proxyState: "Proxy-State"
        case .acctStatusType: "Acct-Status-Type"
        case .acctDelayTime: "Acct-Delay-Time"
        case .acctInputOctets: "Acct-Input-Octets"
        case .acctOutputOctets: "Acct-Output-Octets"
        case .acctSessionId: "Acct-Session-Id"
        case .acctAuthentic: "Acct-Authentic"
        case .acctSessionTime: "Acct-Session-Time"
        case .acctInputPackets: "Acct-Input-Packets"
        case .acctOutputPackets: "Acct-Output-Packets"
        case .acctTerminateCause: "Acct-Terminate-Cause"
        case .acctMultiSessionId: "Acct-Multi-Session-Id"
        case .acctLinkCount: "Acct-Link-Count"
        case .acctInputGigawords: "Acct-Input-Gigawords"
        case .acctOutputGigawords: "Acct-Output-Gigawords"
        case .eventTimestamp: "Event-Timestamp"
        case .chapChallenge: "CHAP-Challenge"
        case .nasPortType: "NAS-Port-Type"
        case .portLimit: "Port-Limit"
        case .acctInterimInterval: "Acct-Interim-Interval"
        case .nasPortId: "NAS-Port-Id"
        case .framedPool: "Framed-Pool"
        case .messageAuthenticator: "Message-Authenticator"
        case .errorCause: "Error-Cause"
        }
    }

    enum Kind { case text, octets, integer, address, time }
    var kind: Kind {
        switch self {
        case .userName, .replyMessage, .calledStationId, .callingStationId, .nasIdentifier,
             .acctSessionId, .acctMultiSessionId, .nasPortId, .framedPool: .text
        case .nasIPAddress, .framedIPAddress, .framedIPNetmask: .address
        case .nasPort, .serviceType, .framedProtocol, .framedMTU, .sessionTimeout, .idleTimeout,
             .terminationAction, .acctStatusType, .acctDelayTime, .acctInputOctets, .acctOutputOctets,
             .acctAuthentic, .acctSessionTime, .acctInputPackets, .acctOutputPackets, .acctTerminateCause,
             .acctLinkCount, .acctInputGigawords, .acctOutputGigawords, .nasPortType, .portLimit,
             .acctInterimInterval, .errorCause: .integer
        case .eventTimestamp: .time
        default: .octets
        }
    }
}

/// RFC 2865 §5.6 Service-Type values chapd uses.
public enum RADIUSServiceType: UInt32, Sendable { case login = 1, framed = 2 }
/// RFC 2865 §5.7 Framed-Protocol.
public enum RADIUSFramedProtocol: UInt32, Sendable { case ppp = 1 }
/// RFC 2865 §5.41 NAS-Port-Type values chapd uses.
public enum RADIUSNASPortType: UInt32, Sendable { case async = 0, sync = 1, virtual = 5 }
/// RFC 2866 §5.1 Acct-Status-Type.
public enum RADIUSAcctStatusType: UInt32, Sendable { case start = 1, stop = 2, interimUpdate = 3, accountingOn = 7, accountingOff = 8 }
/// RFC 2866 §5.6 Acct-Authentic.
public enum RADIUSAcctAuthentic: UInt32, Sendable { case radius = 1, local = 2 }

/// RFC 2866 §5.10 Acct-Terminate-Cause.
public enum RADIUSTerminateCause: UInt32, Sendable, Hashable {
    case userRequest = 1, lostCarrier = 2, lostService = 3, idleTimeout = 4, sessionTimeout = 5
    case adminReset = 6, adminReboot = 7, portError = 8, nasError = 9, nasRequest = 10
    case nasReboot = 11, portUnneeded = 12, portPreempted = 13, portSuspended = 14
    case serviceUnavailable = 15, callback = 16, userError = 17, hostRequest = 18
}

/// RFC 5176 §3.5 Error-Cause values chapd sends.
public enum RADIUSErrorCause: UInt32, Sendable, Hashable {
    case residualSessionContextRemoved = 201
    case unsupportedAttribute = 401
    case missingAttribute = 402
    case nasIdentificationMismatch = 403
    case invalidRequest = 404
    case unsupportedService = 405
    case unsupportedExtension = 406
    case administrativelyProhibited = 501
    case requestNotRoutable = 502
    case sessionContextNotFound = 503
    case sessionContextNotRemovable = 504
    case otherProxyProcessingError = 505
    case resourcesUnavailable = 506
    case requestInitiated = 507
}

extension RADIUSAttribute {
    public static func text(_ type: RADIUSAttributeType, _ s: String) -> RADIUSAttribute {
        RADIUSAttribute(type, Array(s.utf8.prefix(maximumValueLength)))
    }
    public static func integer(_ type: RADIUSAttributeType, _ v: UInt32) -> RADIUSAttribute {
        RADIUSAttribute(type, [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)])
    }
    /// An IPv4 address, host order (a.b.c.d is a<<24 | b<<16 | c<<8 | d).
    public static func address(_ type: RADIUSAttributeType, _ v: UInt32) -> RADIUSAttribute { integer(type, v) }

    /// The value as a 32-bit integer, when it is exactly 4 octets.
    public var integerValue: UInt32? {
        guard value.count == 4 else { return nil }
        return UInt32(value[0]) << 24 | UInt32(value[1]) << 16 | UInt32(value[2]) << 8 | UInt32(value[3])
    }
    /// The value as text (lossy for invalid UTF-8).
    public var textValue: String { String(decoding: value, as: UTF8.self) }

    /// `Name = value` in radclient's style; secrets never travel in attributes chapd prints
    /// (User-Password and CHAP-Password print as their length only).
    public var displayText: String {
        guard let known = RADIUSAttributeType(rawValue: type) else {
            return "Attr-\(type) = 0x\(Self.hex(value))"
        }
        let rendered: String
        switch known {
        case .userPassword, .chapPassword, .messageAuthenticator:
            rendered = "<\(value.count) octets>"
        default:
            switch known.kind {
            case .text: rendered = "\"\(textValue)\""
            case .address: rendered = integerValue.map { "\($0 >> 24).\(($0 >> 16) & 0xFF).\(($0 >> 8) & 0xFF).\($0 & 0xFF)" } ?? "0x\(Self.hex(value))"
            case .integer, .time: rendered = integerValue.map { String($0) } ?? "0x\(Self.hex(value))"
            case .octets: rendered = "0x\(Self.hex(value))"
            }
        }
        return "\(known) = \(rendered)"
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0xF)]) }
        return String(decoding: out, as: UTF8.self)
    }
}

extension Array where Element == RADIUSAttribute {
    public func first(_ type: RADIUSAttributeType) -> RADIUSAttribute? { first { $0.type == type.rawValue } }
}
