/// RADIUS packets (RFC 2865 §3, RFC 2866, RFC 5176): the wire codec. Decoding is strict and
/// bounds-checked; every malformed input becomes a typed `RADIUSDecodeError`, never a trap.

/// Packet codes chapd sends or accepts.
public enum RADIUSCode: UInt8, Sendable, Hashable, CustomStringConvertible {
    case accessRequest = 1
    case accessAccept = 2
    case accessReject = 3
    case accountingRequest = 4
    case accountingResponse = 5
    case accessChallenge = 11
    case disconnectRequest = 40
    case disconnectACK = 41
    case disconnectNAK = 42
    case coaRequest = 43
    case coaACK = 44
    case coaNAK = 45

    public var description: String {
        switch self {
        case .accessRequest: "Access-Request"
        case .accessAccept: "Access-Accept"
        case .accessReject: "Access-Reject"
        case .accountingRequest: "Accounting-Request"
        case .accountingResponse: "Accounting-Response"
        case .accessChallenge: "Access-Challenge"
        case .disconnectRequest: "Disconnect-Request"
        case .disconnectACK: "Disconnect-ACK"
        case .disconnectNAK: "Disconnect-NAK"
        case .coaRequest: "CoA-Request"
        case .coaACK: "CoA-ACK"
        case .coaNAK: "CoA-NAK"
        }
    }
}

/// One attribute as it travels: a type octet and 0...253 value octets. Vendor-Specific (26)
/// is kept opaque (its value holds the vendor id and the vendor's own TLVs).
public struct RADIUSAttribute: Hashable, Sendable {
    public var type: UInt8
    public var value: [UInt8]
    public init(type: UInt8, value: [UInt8]) {
        self.type = type
        self.value = value
    }
    public init(_ type: RADIUSAttributeType, _ value: [UInt8]) {
        self.init(type: type.rawValue, value: value)
    }
    /// The longest value one attribute can carry (its length octet counts the 2 header octets).
    public static let maximumValueLength = 253
}

/// Why a datagram is not a RADIUS packet. Each case names what was wrong, for logs and counters.
public enum RADIUSDecodeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Fewer than the 20 header octets.
    case shorterThanHeader(received: Int)
    /// The Length field is below 20 or above 4096 (RFC 2865 §3).
    case lengthFieldOutOfRange(Int)
    /// The Length field claims more octets than arrived.
    case truncated(lengthField: Int, received: Int)
    /// An attribute header runs past the packet's end (one octet left for a two-octet header).
    case attributeHeaderTruncated(offset: Int)
    /// An attribute's length octet is below 2.
    case attributeLengthTooSmall(offset: Int, length: Int)
    /// An attribute's length runs past the packet's Length.
    case attributeOverrunsPacket(offset: Int, length: Int)
    /// A code chapd does not know.
    case unknownCode(UInt8)

    public var description: String {
        switch self {
        case .shorterThanHeader(let n): "datagram of \(n) octets is shorter than the 20-octet RADIUS header"
        case .lengthFieldOutOfRange(let n): "Length field \(n) is outside 20...4096"
        case .truncated(let l, let r): "Length field \(l) exceeds the \(r) octets received"
        case .attributeHeaderTruncated(let o): "attribute header at offset \(o) is truncated"
        case .attributeLengthTooSmall(let o, let l): "attribute at offset \(o) has length \(l) (minimum 2)"
        case .attributeOverrunsPacket(let o, let l): "attribute at offset \(o) with length \(l) overruns the packet"
        case .unknownCode(let c): "unknown RADIUS code \(c)"
        }
    }
}

/// Why a packet cannot be encoded.
public enum RADIUSEncodeError: Error, Hashable, Sendable, CustomStringConvertible {
    case attributeTooLong(type: UInt8, length: Int)
    case packetTooLong(Int)
    public var description: String {
        switch self {
        case .attributeTooLong(let t, let l): "attribute \(t) value of \(l) octets exceeds 253"
        case .packetTooLong(let l): "packet of \(l) octets exceeds 4096"
        }
    }
}

public struct RADIUSPacket: Hashable, Sendable {
    public static let headerLength = 20
    public static let maximumLength = 4096

    public var code: RADIUSCode
    public var identifier: UInt8
    /// The Request or Response Authenticator: 16 octets.
    public var authenticator: [UInt8]
    public var attributes: [RADIUSAttribute]

    public init(code: RADIUSCode, identifier: UInt8, authenticator: [UInt8] = [UInt8](repeating: 0, count: 16), attributes: [RADIUSAttribute] = []) {
        self.code = code
        self.identifier = identifier
        self.authenticator = authenticator
        self.attributes = attributes
    }

    /// Encodes the packet as it stands (authenticator field as set). Throws for an attribute
    /// value over 253 octets or a packet over 4096.
    public func encode() throws(RADIUSEncodeError) -> [UInt8] {
        var length = Self.headerLength
        for a in attributes {
            guard a.value.count <= RADIUSAttribute.maximumValueLength else {
                throw .attributeTooLong(type: a.type, length: a.value.count)
            }
            length += 2 + a.value.count
        }
        guard length <= Self.maximumLength else { throw .packetTooLong(length) }
        var out: [UInt8] = []
        out.reserveCapacity(length)
        out.append(code.rawValue)
        out.append(identifier)
        out.append(UInt8(length >> 8))
        out.append(UInt8(length & 0xFF))
        out += authenticator.count == 16 ? authenticator : Array((authenticator + [UInt8](repeating: 0, count: 16)).prefix(16))
        for a in attributes {
            out.append(a.type)
            out.append(UInt8(2 + a.value.count))
            out += a.value
        }
        return out
    }

    /// Decodes one datagram. Octets after the Length field are padding and ignored (RFC 2865
    /// §3); anything else malformed is an error.
    public static func decode(_ bytes: [UInt8]) throws(RADIUSDecodeError) -> RADIUSPacket {
        guard bytes.count >= headerLength else { throw .shorterThanHeader(received: bytes.count) }
        let length = Int(bytes[2]) << 8 | Int(bytes[3])
        guard length >= headerLength && length <= maximumLength else { throw .lengthFieldOutOfRange(length) }
        guard length <= bytes.count else { throw .truncated(lengthField: length, received: bytes.count) }
        guard let code = RADIUSCode(rawValue: bytes[0]) else { throw .unknownCode(bytes[0]) }
        var attributes: [RADIUSAttribute] = []
        var offset = headerLength
        while offset < length {
            guard offset + 2 <= length else { throw .attributeHeaderTruncated(offset: offset) }
            let attrLength = Int(bytes[offset + 1])
            guard attrLength >= 2 else { throw .attributeLengthTooSmall(offset: offset, length: attrLength) }
            guard offset + attrLength <= length else { throw .attributeOverrunsPacket(offset: offset, length: attrLength) }
            attributes.append(RADIUSAttribute(type: bytes[offset], value: Array(bytes[(offset + 2)..<(offset + attrLength)])))
            offset += attrLength
        }
        return RADIUSPacket(code: code, identifier: bytes[1], authenticator: Array(bytes[4..<20]), attributes: attributes)
    }

    /// The first attribute of a type, if any.
    public func first(_ type: RADIUSAttributeType) -> RADIUSAttribute? {
        attributes.first { $0.type == type.rawValue }
    }

    public func all(_ type: RADIUSAttributeType) -> [RADIUSAttribute] {
        attributes.filter { $0.type == type.rawValue }
    }
}
