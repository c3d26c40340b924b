/// CHAP packets (RFC 1994 §4). Names and messages are octet strings on the wire; pppd
/// compares them byte for byte, so they stay `[UInt8]` here.
public enum CHAPPacket: Hashable, Sendable {
    case challenge(identifier: UInt8, value: [UInt8], name: [UInt8])
    case response(identifier: UInt8, value: [UInt8], name: [UInt8])
    case success(identifier: UInt8, message: [UInt8])
    case failure(identifier: UInt8, message: [UInt8])

    public enum Code: UInt8, Sendable {
        case challenge = 1, response = 2, success = 3, failure = 4
    }

    public var identifier: UInt8 {
        switch self {
        case .challenge(let id, _, _), .response(let id, _, _), .success(let id, _), .failure(let id, _):
            return id
        }
    }

    public init(_ packet: ControlPacket) throws(PacketError) {
        guard let code = Code(rawValue: packet.code) else {
            throw PacketError(.unknownCode, "CHAP code \(packet.code) is not defined")
        }
        let d = packet.data
        switch code {
        case .challenge, .response:
            guard let valueSize = d.first.map(Int.init) else {
                throw PacketError(.truncated, "CHAP \(code) has no Value-Size octet")
            }
            guard 1 + valueSize <= d.count else {
                throw PacketError(.badLength, "CHAP \(code) Value-Size \(valueSize) exceeds its \(d.count - 1) data octets")
            }
            let value = Array(d[1..<(1 + valueSize)])
            let name = Array(d[(1 + valueSize)...])
            self = code == .challenge
                ? .challenge(identifier: packet.identifier, value: value, name: name)
                : .response(identifier: packet.identifier, value: value, name: name)
        case .success:
            self = .success(identifier: packet.identifier, message: d)
        case .failure:
            self = .failure(identifier: packet.identifier, message: d)
        }
    }

    public init(parsing bytes: some Collection<UInt8>) throws(PacketError) {
        try self.init(try ControlPacket(parsing: bytes))
    }

    public var controlPacket: ControlPacket {
        switch self {
        case .challenge(let id, let v, let n):
            precondition(v.count <= 255, "CHAP value longer than 255 octets")
            return ControlPacket(code: Code.challenge.rawValue, identifier: id, data: [UInt8(v.count)] + v + n)
        case .response(let id, let v, let n):
            precondition(v.count <= 255, "CHAP value longer than 255 octets")
            return ControlPacket(code: Code.response.rawValue, identifier: id, data: [UInt8(v.count)] + v + n)
        case .success(let id, let m):
            return ControlPacket(code: Code.success.rawValue, identifier: id, data: m)
        case .failure(let id, let m):
            return ControlPacket(code: Code.failure.rawValue, identifier: id, data: m)
        }
    }

    public var bytes: [UInt8] { controlPacket.bytes }
}
