import PPPCapture

/// An IP address as captured (4 or 16 octets), printed the usual way.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    public var bytes: [UInt8]
    public var description: String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        var groups: [String] = []
        for i in stride(from: 0, to: bytes.count, by: 2) {
            groups.append(String(UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]), radix: 16))
        }
        return groups.joined(separator: ":")
    }
}

/// One end of a TCP connection.
public struct TCPEndpoint: Hashable, Sendable, CustomStringConvertible {
    public var address: IPAddress
    public var port: UInt16
    public var description: String {
        address.bytes.count == 16 ? "[\(address)]:\(port)" : "\(address):\(port)"
    }
}

/// A TCP segment found in a capture record.
public struct TCPSegment: Hashable, Sendable {
    public var frameNumber: Int
    public var timestamp: CaptureTimestamp
    public var source: TCPEndpoint
    public var destination: TCPEndpoint
    public var sequenceNumber: UInt32
    public var syn: Bool
    public var fin: Bool
    public var rst: Bool
    public var payload: [UInt8]
}

/// Finds the TCP segment in a record of a given pcap link type. Returns a reason when the
/// record holds no usable TCP segment (not IP, a fragment, cut short, …).
public enum TCPSegmentParser {
    /// Link types that carry IP: Ethernet, Linux cooked v1/v2, BSD loopback (NULL/LOOP) and raw IP.
    public static let linkTypes: Set<Int32> = [1, 113, 276, 0, 108, 101, 12, 14, 228, 229]

    public static func parse(_ record: RawCaptureRecord, linkType: Int32) -> Result<TCPSegment, SkipReason> {
        let b = record.bytes
        let ip: ArraySlice<UInt8>
        switch linkType {
        case 1:  // Ethernet, with at most one VLAN tag
            guard b.count >= 14 else { return .failure("Ethernet header cut short") }
            var offset = 12
            var type = UInt16(b[12]) << 8 | UInt16(b[13])
            if type == 0x8100 || type == 0x88a8 {
                guard b.count >= 18 else { return .failure("VLAN tag cut short") }
                offset = 16
                type = UInt16(b[16]) << 8 | UInt16(b[17])
            }
            guard type == 0x0800 || type == 0x86dd else { return .failure("not IP") }
            ip = b[(offset + 2)...]
        case 113:
            guard b.count >= 16 else { return .failure("Linux cooked header cut short") }
            let type = UInt16(b[14]) << 8 | UInt16(b[15])
            guard type == 0x0800 || type == 0x86dd else { return .failure("not IP") }
            ip = b[16...]
        case 276:
            guard b.count >= 20 else { return .failure("Linux cooked v2 header cut short") }
            let type = UInt16(b[0]) << 8 | UInt16(b[1])
            guard type == 0x0800 || type == 0x86dd else { return .failure("not IP") }
            ip = b[20...]
        case 0, 108:  // 4-octet address family (host order for NULL, network order for LOOP)
            guard b.count >= 4 else { return .failure("loopback header cut short") }
            ip = b[4...]
        case 101, 12, 14, 228, 229:
            ip = b[...]
        default:
            return .failure(SkipReason("link type \(linkType) carries no IP this reader understands"))
        }
        return parseIP(ip, record)
    }

    public struct SkipReason: Error, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
        public var description: String
        public init(stringLiteral value: String) { description = value }
        public init(_ value: String) { description = value }
    }

    static func parseIP(_ p: ArraySlice<UInt8>, _ record: RawCaptureRecord) -> Result<TCPSegment, SkipReason> {
        guard let first = p.first else { return .failure("no IP header") }
        let s = p.startIndex
        let source: IPAddress, destination: IPAddress
        let tcp: ArraySlice<UInt8>
        switch first >> 4 {
        case 4:
            guard p.count >= 20 else { return .failure("IPv4 header cut short") }
            let ihl = Int(first & 0x0f) * 4
            let total = Int(p[s + 2]) << 8 | Int(p[s + 3])
            guard ihl >= 20, total >= ihl, p.count >= ihl else { return .failure("malformed IPv4 header") }
            let fragment = (UInt16(p[s + 6]) << 8 | UInt16(p[s + 7]))
            guard fragment & 0x3fff == 0 else { return .failure("IPv4 fragment (not reassembled)") }
            guard p[s + 9] == 6 else { return .failure("not TCP") }
            source = IPAddress(bytes: Array(p[(s + 12)..<(s + 16)]))
            destination = IPAddress(bytes: Array(p[(s + 16)..<(s + 20)]))
            tcp = p[(s + ihl)..<min(p.endIndex, s + total)]
        case 6:
            guard p.count >= 40 else { return .failure("IPv6 header cut short") }
            guard p[s + 6] == 6 else { return .failure("not TCP (or IPv6 extension headers, not followed)") }
            let payloadLength = Int(p[s + 4]) << 8 | Int(p[s + 5])
            source = IPAddress(bytes: Array(p[(s + 8)..<(s + 24)]))
            destination = IPAddress(bytes: Array(p[(s + 24)..<(s + 40)]))
            tcp = p[(s + 40)..<min(p.endIndex, s + 40 + payloadLength)]
        default:
            return .failure("not IP")
        }
        guard tcp.count >= 20 else { return .failure("TCP header cut short") }
        let t = tcp.startIndex
        let dataOffset = Int(tcp[t + 12] >> 4) * 4
        guard dataOffset >= 20, tcp.count >= dataOffset else { return .failure("malformed TCP header") }
        let flags = tcp[t + 13]
        let seq = UInt32(tcp[t + 4]) << 24 | UInt32(tcp[t + 5]) << 16 | UInt32(tcp[t + 6]) << 8 | UInt32(tcp[t + 7])
        return .success(TCPSegment(
            frameNumber: record.frameNumber, timestamp: record.timestamp,
            source: TCPEndpoint(address: source, port: UInt16(tcp[t]) << 8 | UInt16(tcp[t + 1])),
            destination: TCPEndpoint(address: destination, port: UInt16(tcp[t + 2]) << 8 | UInt16(tcp[t + 3])),
            sequenceNumber: seq, syn: flags & 0x02 != 0, fin: flags & 0x01 != 0, rst: flags & 0x04 != 0,
            payload: Array(tcp[(t + dataOffset)...])))
    }
}

/// Puts one direction of a TCP connection back in order: retransmitted octets are dropped,
/// segments that arrive early wait for the gap to fill. The stream starts after the SYN; in a
/// capture begun mid-connection, at the first segment seen. Memory is bounded: beyond 256
/// waiting segments the gap is given up (counted in `gaps`) and the stream resumes after it.
public struct TCPReassembler: Sendable {
    private var next: UInt32?
    private var pending: [UInt32: (frame: Int, bytes: [UInt8])] = [:]
    /// Octets delivered so far.
    public private(set) var delivered = 0
    public private(set) var gaps = 0

    public init() {}

    /// Takes a segment; returns the in-order octets it makes available, each with the frame
    /// that completed them (the segment's own, or a later one filling a gap).
    public mutating func add(_ segment: TCPSegment) -> [UInt8] {
        var seq = segment.sequenceNumber
        if segment.syn {
            next = seq &+ 1
            seq = seq &+ 1
        }
        guard !segment.payload.isEmpty else { return [] }
        if next == nil { next = seq }
        pending[seq] = (segment.frameNumber, segment.payload)
        var out: [UInt8] = []
        var progressed = true
        while progressed {
            progressed = false
            for (start, entry) in pending {
                let offset = Int32(bitPattern: next! &- start)  // octets of this segment already delivered
                if offset >= 0 {
                    pending[start] = nil
                    if Int(offset) < entry.bytes.count {
                        out += entry.bytes[Int(offset)...]
                        next = next! &+ UInt32(entry.bytes.count - Int(offset))
                    }
                    progressed = true
                    break
                }
            }
        }
        delivered += out.count
        if pending.count > 256 {  // a gap that will never fill: skip to the earliest pending data
            gaps += 1
            if let earliest = pending.keys.min(by: { Int32(bitPattern: $0 &- next!) < Int32(bitPattern: $1 &- next!) }) {
                next = earliest
            }
        }
        return out
    }
}
