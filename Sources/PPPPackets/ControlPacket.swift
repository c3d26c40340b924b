import NIOCore

/// The packet shape shared by LCP, IPCP, IPV6CP and CHAP (RFC 1661 §5, RFC 1994 §4):
/// Code, Identifier, Length (covering the 4-octet header), Data.
public struct ControlPacket: Hashable, Sendable {
    public var code: UInt8
    public var identifier: UInt8
    public var data: [UInt8]

    public init(code: UInt8, identifier: UInt8, data: [UInt8] = []) {
        self.code = code
        self.identifier = identifier
        self.data = data
    }

    public static let headerLength = 4

    /// Parses one packet from a PPP frame's information field. Octets after `Length`
    /// are padding (RFC 1661 §5) and are ignored; a `Length` beyond the input is an error.
    public init(parsing bytes: some Collection<UInt8>) throws(PacketError) {
        let b = Array(bytes)
        guard b.count >= Self.headerLength else {
            throw PacketError(.truncated, "packet of \(b.count) octets is shorter than its 4-octet header")
        }
        let length = Int(b[2]) << 8 | Int(b[3])
        guard length >= Self.headerLength else {
            throw PacketError(.badLength, "length field \(length) is below the 4-octet header")
        }
        guard length <= b.count else {
            throw PacketError(.truncated, "length field \(length) exceeds the \(b.count) octets received")
        }
        self.init(code: b[0], identifier: b[1], data: Array(b[Self.headerLength..<length]))
    }

    public init(parsing buffer: ByteBuffer) throws(PacketError) {
        try self.init(parsing: buffer.readableBytesView)
    }

    /// The packet's octets, header included. Data longer than 65531 octets cannot be
    /// represented; callers never build such packets (the MRU bounds them far lower).
    public var bytes: [UInt8] {
        precondition(data.count <= Int(UInt16.max) - Self.headerLength, "control packet data too long")
        let length = data.count + Self.headerLength
        return [code, identifier, UInt8(length >> 8), UInt8(length & 0xff)] + data
    }

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeBytes(bytes)
    }
}

/// A packet's on-the-wire identity: which protocol carried it, and its parsed form.
public struct ProtocolPacket: Hashable, Sendable {
    public var protocolNumber: PPPProtocol
    public var packet: ControlPacket
    public init(_ protocolNumber: PPPProtocol, _ packet: ControlPacket) {
        self.protocolNumber = protocolNumber
        self.packet = packet
    }
}
