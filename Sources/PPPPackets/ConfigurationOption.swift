/// One Configuration Option as it crosses the wire (RFC 1661 §6): Type, Length, Data.
public struct RawOption: Hashable, Sendable {
    public var type: UInt8
    public var data: [UInt8]

    public init(type: UInt8, data: [UInt8] = []) {
        self.type = type
        self.data = data
    }

    public var bytes: [UInt8] { [type, UInt8(data.count + 2)] + data }

    /// Splits the Data of a Configure-Request/Ack/Nak/Reject into options. An option whose
    /// length is below 2 or runs past the end makes the whole list malformed.
    public static func parseList(_ bytes: some Collection<UInt8>) throws(PacketError) -> [RawOption] {
        let b = Array(bytes)
        var options: [RawOption] = []
        var i = 0
        while i < b.count {
            guard i + 2 <= b.count else {
                throw PacketError(.truncated, "option header at offset \(i) is cut short")
            }
            let length = Int(b[i + 1])
            guard length >= 2 else {
                throw PacketError(.badOption, "option type \(b[i]) has length \(length), below 2")
            }
            guard i + length <= b.count else {
                throw PacketError(.truncated, "option type \(b[i]) of length \(length) runs past the packet")
            }
            options.append(RawOption(type: b[i], data: Array(b[(i + 2)..<(i + length)])))
            i += length
        }
        return options
    }

    public static func serializeList(_ options: [RawOption]) -> [UInt8] {
        options.flatMap(\.bytes)
    }
}

/// Option codes shared by the RFC 1661 automaton's protocols (LCP, IPCP, IPV6CP).
public enum ControlCode: UInt8, Sendable, CaseIterable {
    case configureRequest = 1
    case configureAck = 2
    case configureNak = 3
    case configureReject = 4
    case terminateRequest = 5
    case terminateAck = 6
    case codeReject = 7
    // LCP only:
    case protocolReject = 8
    case echoRequest = 9
    case echoReply = 10
    case discardRequest = 11

    /// pppd's abbreviation in debug lines.
    public var pppdName: String {
        switch self {
        case .configureRequest: return "ConfReq"
        case .configureAck: return "ConfAck"
        case .configureNak: return "ConfNak"
        case .configureReject: return "ConfRej"
        case .terminateRequest: return "TermReq"
        case .terminateAck: return "TermAck"
        case .codeReject: return "CodeRej"
        case .protocolReject: return "ProtRej"
        case .echoRequest: return "EchoReq"
        case .echoReply: return "EchoRep"
        case .discardRequest: return "DiscReq"
        }
    }
}

@inline(__always) func be16(_ d: [UInt8], _ i: Int = 0) -> UInt16 { UInt16(d[i]) << 8 | UInt16(d[i + 1]) }
@inline(__always) func be32(_ d: [UInt8], _ i: Int = 0) -> UInt32 {
    UInt32(d[i]) << 24 | UInt32(d[i + 1]) << 16 | UInt32(d[i + 2]) << 8 | UInt32(d[i + 3])
}
@inline(__always) func bytes16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xff)] }
@inline(__always) func bytes32(_ v: UInt32) -> [UInt8] {
    [UInt8(v >> 24), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)]
}
