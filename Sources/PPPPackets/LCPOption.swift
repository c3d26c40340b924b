/// LCP Configuration Options (RFC 1661 §6, RFC 1994 §3 for CHAP's algorithm octet).
/// An option of a known type with an impossible length decodes as `.unknown`, so the
/// policy rejects it rather than misreading it.
public enum LCPOption: Hashable, Sendable {
    case mru(UInt16)                                  // type 1
    case asyncMap(UInt32)                             // type 2
    case authProtocol(protocol: UInt16, data: [UInt8]) // type 3; CHAP: data = [algorithm]
    case qualityProtocol(protocol: UInt16, data: [UInt8]) // type 4
    case magicNumber(UInt32)                          // type 5
    case protocolFieldCompression                     // type 7
    case addressControlFieldCompression               // type 8
    case unknown(RawOption)

    public static let chapProtocol: UInt16 = 0xc223
    public static let papProtocol: UInt16 = 0xc023
    public static let eapProtocol: UInt16 = 0xc227
    /// CHAP algorithm octets (RFC 1994, RFC 2433, RFC 2759).
    public static let chapMD5: UInt8 = 5
    public static let chapMSv1: UInt8 = 0x80
    public static let chapMSv2: UInt8 = 0x81

    /// `<auth chap MD5>`
    public static let chapMD5Auth = LCPOption.authProtocol(protocol: chapProtocol, data: [chapMD5])

    public init(_ raw: RawOption) {
        let d = raw.data
        switch (raw.type, d.count) {
        case (1, 2): self = .mru(be16(d))
        case (2, 4): self = .asyncMap(be32(d))
        case (3, 2...): self = .authProtocol(protocol: be16(d), data: Array(d[2...]))
        case (4, 2...): self = .qualityProtocol(protocol: be16(d), data: Array(d[2...]))
        case (5, 4): self = .magicNumber(be32(d))
        case (7, 0): self = .protocolFieldCompression
        case (8, 0): self = .addressControlFieldCompression
        default: self = .unknown(raw)
        }
    }

    public var type: UInt8 { raw.type }

    public var raw: RawOption {
        switch self {
        case .mru(let v): return RawOption(type: 1, data: bytes16(v))
        case .asyncMap(let v): return RawOption(type: 2, data: bytes32(v))
        case .authProtocol(let p, let d): return RawOption(type: 3, data: bytes16(p) + d)
        case .qualityProtocol(let p, let d): return RawOption(type: 4, data: bytes16(p) + d)
        case .magicNumber(let v): return RawOption(type: 5, data: bytes32(v))
        case .protocolFieldCompression: return RawOption(type: 7)
        case .addressControlFieldCompression: return RawOption(type: 8)
        case .unknown(let r): return r
        }
    }

    public static func parseList(_ bytes: some Collection<UInt8>) throws(PacketError) -> [LCPOption] {
        try RawOption.parseList(bytes).map(LCPOption.init)
    }

    public static func serializeList(_ options: [LCPOption]) -> [UInt8] {
        options.flatMap(\.raw.bytes)
    }
}

/// IPCP Configuration Options (RFC 1332, RFC 1877). Addresses are host-order UInt32.
public enum IPCPOption: Hashable, Sendable {
    case ipAddresses(local: UInt32, remote: UInt32)            // type 1 (deprecated)
    case compressionProtocol(protocol: UInt16, data: [UInt8])  // type 2; VJ = 0x002d + [maxSlotId, compSlotId]
    case ipAddress(UInt32)                                     // type 3
    case primaryDNS(UInt32)                                    // type 129
    case primaryNBNS(UInt32)                                   // type 130
    case secondaryDNS(UInt32)                                  // type 131
    case secondaryNBNS(UInt32)                                 // type 132
    case unknown(RawOption)

    public init(_ raw: RawOption) {
        let d = raw.data
        switch (raw.type, d.count) {
        case (1, 8): self = .ipAddresses(local: be32(d), remote: be32(d, 4))
        case (2, 2...): self = .compressionProtocol(protocol: be16(d), data: Array(d[2...]))
        case (3, 4): self = .ipAddress(be32(d))
        case (129, 4): self = .primaryDNS(be32(d))
        case (130, 4): self = .primaryNBNS(be32(d))
        case (131, 4): self = .secondaryDNS(be32(d))
        case (132, 4): self = .secondaryNBNS(be32(d))
        default: self = .unknown(raw)
        }
    }

    public var type: UInt8 { raw.type }

    public var raw: RawOption {
        switch self {
        case .ipAddresses(let l, let r): return RawOption(type: 1, data: bytes32(l) + bytes32(r))
        case .compressionProtocol(let p, let d): return RawOption(type: 2, data: bytes16(p) + d)
        case .ipAddress(let a): return RawOption(type: 3, data: bytes32(a))
        case .primaryDNS(let a): return RawOption(type: 129, data: bytes32(a))
        case .primaryNBNS(let a): return RawOption(type: 130, data: bytes32(a))
        case .secondaryDNS(let a): return RawOption(type: 131, data: bytes32(a))
        case .secondaryNBNS(let a): return RawOption(type: 132, data: bytes32(a))
        case .unknown(let r): return r
        }
    }

    public static func parseList(_ bytes: some Collection<UInt8>) throws(PacketError) -> [IPCPOption] {
        try RawOption.parseList(bytes).map(IPCPOption.init)
    }

    public static func serializeList(_ options: [IPCPOption]) -> [UInt8] {
        options.flatMap(\.raw.bytes)
    }
}

/// IPV6CP Configuration Options (RFC 5072), decoded for display: pppd peers send them
/// even when chapd rejects the protocol.
public enum IPV6CPOption: Hashable, Sendable {
    case interfaceIdentifier(UInt64)                           // type 1
    case compressionProtocol(protocol: UInt16, data: [UInt8])  // type 2
    case unknown(RawOption)

    public init(_ raw: RawOption) {
        let d = raw.data
        switch (raw.type, d.count) {
        case (1, 8): self = .interfaceIdentifier(UInt64(be32(d)) << 32 | UInt64(be32(d, 4)))
        case (2, 2...): self = .compressionProtocol(protocol: be16(d), data: Array(d[2...]))
        default: self = .unknown(raw)
        }
    }

    public var raw: RawOption {
        switch self {
        case .interfaceIdentifier(let v):
            return RawOption(type: 1, data: bytes32(UInt32(v >> 32)) + bytes32(UInt32(v & 0xffff_ffff)))
        case .compressionProtocol(let p, let d): return RawOption(type: 2, data: bytes16(p) + d)
        case .unknown(let r): return r
        }
    }

    public static func parseList(_ bytes: some Collection<UInt8>) throws(PacketError) -> [IPV6CPOption] {
        try RawOption.parseList(bytes).map(IPV6CPOption.init)
    }
}
