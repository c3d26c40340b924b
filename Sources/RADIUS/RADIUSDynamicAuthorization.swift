import ChapSecrets

/// A Disconnect-Request that verified: from an allowed client, with the right Request
/// Authenticator (and Message-Authenticator, if present).
public struct RADIUSDisconnectRequest: Sendable, Hashable {
    public var source: RADIUSServerAddress
    public var identifier: UInt8
    public var requestAuthenticator: [UInt8]
    public var attributes: [RADIUSAttribute]
    /// Whether the request carried a Message-Authenticator (the answer then carries one too).
    public var hadMessageAuthenticator: Bool

    public var userName: [UInt8]? { attributes.first(.userName)?.value }
    public var acctSessionId: String? { attributes.first(.acctSessionId)?.textValue }
    public var framedIPAddress: UInt32? { attributes.first(.framedIPAddress)?.integerValue }
}

/// The daemon's decision about a Disconnect-Request.
public enum RADIUSDisconnectVerdict: Sendable, Hashable {
    /// The matching link ends: Disconnect-ACK.
    case ack
    /// Disconnect-NAK with this Error-Cause (503 Session-Context-Not-Found when nothing matched).
    case nak(RADIUSErrorCause)
}

public enum RADIUSDynamicAuthorizationDropReason: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case malformed = "malformed packet"
    case unknownClient = "not from an allowed client"
    case notARequest = "not a Disconnect-Request or CoA-Request"
    case badRequestAuthenticator = "Request Authenticator does not verify"
    case badMessageAuthenticator = "Message-Authenticator does not verify"
    public var description: String { rawValue }
}

public enum RADIUSDynamicAuthorizationEvent: Sendable, Hashable {
    /// A verified Disconnect-Request: decide, then send `answer(_:_:)`'s bytes back to its source.
    case disconnect(RADIUSDisconnectRequest)
    /// A datagram to send back at once (CoA-NAK 405: chapd does not change sessions in place).
    case reply([UInt8], to: RADIUSServerAddress)
    case dropped(RADIUSDynamicAuthorizationDropReason)
}

/// The Dynamic Authorization Server side of RFC 5176 as a sans-IO machine: verification
/// of Disconnect-Requests from allowed clients, and the signed answers.
public struct RADIUSDynamicAuthorizationListener: Sendable {
    /// Allowed clients by source address (the host part only, as a literal), with their secrets.
    public var clients: [String: Secret]
    public private(set) var dropped: [RADIUSDynamicAuthorizationDropReason: Int] = [:]

    public init(clients: [String: Secret]) { self.clients = clients }

    public mutating func receive(_ bytes: [UInt8], from source: RADIUSServerAddress) -> RADIUSDynamicAuthorizationEvent {
        let packet: RADIUSPacket
        do { packet = try RADIUSPacket.decode(bytes) } catch { return drop(.malformed) }
        guard let secret = clients[source.host] else { return drop(.unknownClient) }
        guard packet.code == .disconnectRequest || packet.code == .coaRequest else { return drop(.notARequest) }
        guard RADIUSSigning.verifyHashedRequest(bytes, secret: secret) else { return drop(.badRequestAuthenticator) }
        let check = RADIUSSigning.checkMessageAuthenticator(bytes, basis: .zeros, secret: secret)
        if check == .invalid { return drop(.badMessageAuthenticator) }
        let attributes = packet.attributes.filter { $0.type != RADIUSAttributeType.messageAuthenticator.rawValue }
        if packet.code == .coaRequest {
            let nak = RADIUSPacket(code: .coaNAK, identifier: packet.identifier,
                                   attributes: [.integer(.errorCause, RADIUSErrorCause.unsupportedService.rawValue)])
            let bytes = (try? RADIUSSigning.response(nak, requestAuthenticator: packet.authenticator, secret: secret,
                                                     messageAuthenticator: check == .valid)) ?? []
            return .reply(bytes, to: source)
        }
        return .disconnect(RADIUSDisconnectRequest(source: source, identifier: packet.identifier, requestAuthenticator: packet.authenticator,
                                                   attributes: attributes, hadMessageAuthenticator: check == .valid))
    }

    /// The signed Disconnect-ACK or Disconnect-NAK (with Error-Cause) for a verified request.
    public func answer(_ request: RADIUSDisconnectRequest, _ verdict: RADIUSDisconnectVerdict) -> [UInt8] {
        guard let secret = clients[request.source.host] else { return [] }
        let packet: RADIUSPacket
        switch verdict {
        case .ack: packet = RADIUSPacket(code: .disconnectACK, identifier: request.identifier)
        case .nak(let cause):
            packet = RADIUSPacket(code: .disconnectNAK, identifier: request.identifier, attributes: [.integer(.errorCause, cause.rawValue)])
        }
        return (try? RADIUSSigning.response(packet, requestAuthenticator: request.requestAuthenticator, secret: secret,
                                            messageAuthenticator: request.hadMessageAuthenticator)) ?? []
    }

    private mutating func drop(_ reason: RADIUSDynamicAuthorizationDropReason) -> RADIUSDynamicAuthorizationEvent {
        dropped[reason, default: 0] += 1
        return .dropped(reason)
    }
}
