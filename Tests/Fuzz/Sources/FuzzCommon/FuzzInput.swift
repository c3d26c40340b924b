@_exported import CFuzzMain
import PPPPackets

/// Reads a fuzzer's input as a stream of decisions. Past the end every read yields zeros, so
/// a target never has to check lengths and short inputs still drive a full run.
public struct FuzzInput {
    public let bytes: [UInt8]
    public private(set) var offset = 0

    public init(_ start: UnsafeRawPointer, _ count: Int) {
        bytes = count == 0 ? [] : Array(UnsafeRawBufferPointer(start: start, count: count))
    }

    public var isAtEnd: Bool { offset >= bytes.count }
    public var remaining: Int { max(bytes.count - offset, 0) }

    public mutating func u8() -> UInt8 {
        guard offset < bytes.count else { return 0 }
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func u16() -> UInt16 { UInt16(u8()) << 8 | UInt16(u8()) }
    public mutating func u32() -> UInt32 { UInt32(u16()) << 16 | UInt32(u16()) }
    public mutating func u64() -> UInt64 { UInt64(u32()) << 32 | UInt64(u32()) }
    public mutating func bool() -> Bool { u8() & 1 == 1 }

    /// Up to `count` octets (fewer at the end of the input).
    public mutating func take(_ count: Int) -> [UInt8] {
        let n = min(max(count, 0), remaining)
        defer { offset += n }
        return Array(bytes[offset ..< offset + n])
    }

    /// A length-prefixed blob: one length octet, then that many octets.
    public mutating func blob() -> [UInt8] { take(Int(u8())) }

    public mutating func rest() -> [UInt8] { take(remaining) }
}

/// A failed check: libFuzzer reports the trap as a crash and saves the input.
public func fuzzCheck(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                      file: StaticString = #fileID, line: UInt = #line) {
    if !condition() { fatalError("fuzz invariant violated: \(message())", file: file, line: line) }
}

/// The protocol numbers our printers and machines know, picked by one octet (others pass through
/// as a raw 16-bit number so unknown protocols are exercised too).
public let knownProtocols: [UInt16] = [0xc021, 0x8021, 0x8057, 0xc223, 0xc023, 0xc025, 0xc227, 0x0021, 0x0057, 0x80fd, 0x002d, 0x002f]

public func pickProtocol(_ input: inout FuzzInput) -> UInt16 {
    let selector = input.u8()
    if Int(selector) < knownProtocols.count * 16 { return knownProtocols[Int(selector) % knownProtocols.count] }
    return input.u16()
}

/// Every packet a machine emits must be one our own codec reads back as the same packet.
public func checkEmitted(protocolNumber: UInt16, information: [UInt8]) {
    fuzzCheck(information.count <= 65_535, "emitted information of \(information.count) octets")
    switch protocolNumber {
    case 0xc021, 0x8021, 0x8057, 0xc223:
        let packet: ControlPacket
        do { packet = try ControlPacket(parsing: information) } catch {
            fatalError("emitted \(String(protocolNumber, radix: 16)) packet does not parse: \(error) \(information)")
        }
        fuzzCheck(packet.bytes == information, "emitted packet has padding or a wrong Length: \(information)")
        if protocolNumber == 0xc223 {
            do { _ = try CHAPPacket(packet) } catch { fatalError("emitted CHAP packet does not parse: \(error) \(information)") }
        } else if (1...3).contains(packet.code) {
            // Configure-Reject is left out: like pppd's reqci, a request whose option list
            // breaks off is answered with a Reject carrying the peer's malformed tail verbatim.
            do { _ = try RawOption.parseList(packet.data) } catch {
                fatalError("emitted Configure packet has malformed options: \(error) \(information)")
            }
        }
    default:
        break
    }
    _ = PPPDebugText.logLine(sent: true, protocolNumber: protocolNumber, information: information)
}

/// The bound on actions one event may produce.
public let maxActionsPerEvent = 64
