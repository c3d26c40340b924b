import ChapSecrets
import Crypto

/// Request/Response Authenticators (RFC 2865 §3, RFC 2866 §3, RFC 5176 §2.3) and
/// Message-Authenticator (RFC 3579 §3.2, HMAC-MD5). All hashing is swift-crypto's.
public enum RADIUSSigning {
    /// Which value stands in the authenticator field while the Message-Authenticator is computed.
    public enum MessageAuthenticatorBasis: Sendable {
        /// Access-Request: the packet's own random Request Authenticator.
        case packetAsIs
        /// Accounting-Request, Disconnect-Request, CoA-Request: sixteen zero octets.
        case zeros
        /// A reply: the Request Authenticator of the request it answers.
        case requestAuthenticator([UInt8])
    }

    static let zeros16 = [UInt8](repeating: 0, count: 16)

    /// Encodes an Access-Request with `requestAuthenticator` (16 random octets) and, when
    /// `messageAuthenticator`, a Message-Authenticator placed first.
    public static func accessRequest(_ packet: RADIUSPacket, requestAuthenticator: [UInt8], secret: Secret, messageAuthenticator: Bool = true) throws(RADIUSEncodeError) -> [UInt8] {
        var p = packet
        p.authenticator = requestAuthenticator
        if messageAuthenticator { p.attributes = withPlaceholder(p.attributes) }
        var bytes = try p.encode()
        if messageAuthenticator { fillMessageAuthenticator(&bytes, basis: .packetAsIs, secret: secret) }
        return bytes
    }

    /// Encodes a request whose Request Authenticator is MD5(Code‖Id‖Length‖16 zeros‖Attributes‖Secret):
    /// Accounting-Request (RFC 2866 §3), Disconnect-/CoA-Request (RFC 5176 §2.3).
    public static func hashedRequest(_ packet: RADIUSPacket, secret: Secret, messageAuthenticator: Bool = false) throws(RADIUSEncodeError) -> [UInt8] {
        var p = packet
        p.authenticator = zeros16
        if messageAuthenticator { p.attributes = withPlaceholder(p.attributes) }
        var bytes = try p.encode()
        if messageAuthenticator { fillMessageAuthenticator(&bytes, basis: .zeros, secret: secret) }
        let digest = md5(bytes, secret: secret)
        bytes.replaceSubrange(4..<20, with: digest)
        return bytes
    }

    /// Encodes a reply: Response Authenticator MD5(Code‖Id‖Length‖RequestAuth‖Attributes‖Secret),
    /// computed after the Message-Authenticator (which uses the request's authenticator).
    public static func response(_ packet: RADIUSPacket, requestAuthenticator: [UInt8], secret: Secret, messageAuthenticator: Bool = true) throws(RADIUSEncodeError) -> [UInt8] {
        var p = packet
        p.authenticator = requestAuthenticator
        if messageAuthenticator { p.attributes = withPlaceholder(p.attributes) }
        var bytes = try p.encode()
        if messageAuthenticator { fillMessageAuthenticator(&bytes, basis: .requestAuthenticator(requestAuthenticator), secret: secret) }
        let digest = md5(bytes, secret: secret)
        bytes.replaceSubrange(4..<20, with: digest)
        return bytes
    }

    /// Whether a received reply's Response Authenticator is right for the request it answers.
    /// `bytes` is the datagram as received (already decoded once, so its header is sound).
    public static func verifyResponseAuthenticator(_ bytes: [UInt8], requestAuthenticator: [UInt8], secret: Secret) -> Bool {
        guard let length = packetLength(bytes) else { return false }
        var copy = Array(bytes[0..<length])
        let received = Array(copy[4..<20])
        copy.replaceSubrange(4..<20, with: requestAuthenticator)
        return constantTimeEqual(md5(copy, secret: secret), received)
    }

    /// Whether a received Accounting-/Disconnect-/CoA-Request's Request Authenticator is right.
    public static func verifyHashedRequest(_ bytes: [UInt8], secret: Secret) -> Bool {
        verifyResponseAuthenticator(bytes, requestAuthenticator: zeros16, secret: secret)
    }

    public enum MessageAuthenticatorCheck: Sendable, Hashable {
        case absent, valid, invalid
    }

    /// Checks the Message-Authenticator of a received packet. More than one, or one whose
    /// value is not 16 octets, is invalid (RFC 3579 §3.2).
    public static func checkMessageAuthenticator(_ bytes: [UInt8], basis: MessageAuthenticatorBasis, secret: Secret) -> MessageAuthenticatorCheck {
        guard let length = packetLength(bytes) else { return .invalid }
        let packet = Array(bytes[0..<length])
        let found = attributeRanges(packet, type: RADIUSAttributeType.messageAuthenticator.rawValue)
        if found.isEmpty { return .absent }
        guard found.count == 1, found[0].count == 16 else { return .invalid }
        let received = Array(packet[found[0]])
        var copy = packet
        copy.replaceSubrange(found[0], with: zeros16)
        switch basis {
        case .packetAsIs: break
        case .zeros: copy.replaceSubrange(4..<20, with: zeros16)
        case .requestAuthenticator(let a): copy.replaceSubrange(4..<20, with: a)
        }
        return constantTimeEqual(hmac(copy, secret: secret), received) ? .valid : .invalid
    }

    // MARK: helpers

    static func withPlaceholder(_ attributes: [RADIUSAttribute]) -> [RADIUSAttribute] {
        // First, as FreeRADIUS 3.2.5+ and the BlastRADIUS advice put it.
        [RADIUSAttribute(.messageAuthenticator, zeros16)]
            + attributes.filter { $0.type != RADIUSAttributeType.messageAuthenticator.rawValue }
    }

    static func fillMessageAuthenticator(_ bytes: inout [UInt8], basis: MessageAuthenticatorBasis, secret: Secret) {
        guard let range = attributeRanges(bytes, type: RADIUSAttributeType.messageAuthenticator.rawValue).first else { return }
        var copy = bytes
        switch basis {
        case .packetAsIs: break
        case .zeros: copy.replaceSubrange(4..<20, with: zeros16)
        case .requestAuthenticator(let a): copy.replaceSubrange(4..<20, with: a)
        }
        bytes.replaceSubrange(range, with: hmac(copy, secret: secret))
    }

    static func md5(_ bytes: [UInt8], secret: Secret) -> [UInt8] {
        var h = Insecure.MD5()
        h.update(data: bytes)
        h.update(data: secret.bytes)
        return Array(h.finalize())
    }

    static func hmac(_ bytes: [UInt8], secret: Secret) -> [UInt8] {
        Array(HMAC<Insecure.MD5>.authenticationCode(for: bytes, using: SymmetricKey(data: secret.bytes)))
    }

    static func packetLength(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 20 else { return nil }
        let length = Int(bytes[2]) << 8 | Int(bytes[3])
        guard length >= 20, length <= bytes.count else { return nil }
        return length
    }

    /// Value ranges of every attribute of `type` in an encoded packet (stops at a malformed one).
    static func attributeRanges(_ bytes: [UInt8], type: UInt8) -> [Range<Int>] {
        guard let length = packetLength(bytes) else { return [] }
        var ranges: [Range<Int>] = []
        var offset = 20
        while offset + 2 <= length {
            let l = Int(bytes[offset + 1])
            guard l >= 2, offset + l <= length else { break }
            if bytes[offset] == type { ranges.append((offset + 2)..<(offset + l)) }
            offset += l
        }
        return ranges
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<a.count { diff |= a[i] ^ b[i] }
        return diff == 0
    }
}
