import NIOCore

/// RFC 1662 async-HDLC encoder: header (per ACFC/PFC), escaping (per ACCM), FCS, flags.
public struct HDLCEncoder: Sendable {
    public var config: HDLCSendConfig

    /// Linux's ppp_async (what pppd uses) starts a frame with a flag only after the line has
    /// been quiet this long (its `flag_time`, one second), or for LCP codes 1–7. The runtime
    /// uses it to decide `lineIdle`; sending the flag always is also valid.
    public static let idleFlagInterval: Duration = .seconds(1)

    public init(config: HDLCSendConfig = .init()) {
        self.config = config
    }

    /// Appends the encoded frame, always with an opening flag.
    public func encode(_ frame: PPPFrame, into buffer: inout ByteBuffer) {
        encode(frame, into: &buffer, lineIdle: true)
    }

    /// Appends the encoded frame. The opening flag is written when `lineIdle` is true or the
    /// frame is LCP code 1–7 (as Linux/pppd do); otherwise the previous closing flag serves.
    public func encode(_ frame: PPPFrame, into buffer: inout ByteBuffer, lineIdle: Bool) {
        let bound = Self.maximumEncodedSize(informationCount: frame.information.count)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { out in
            write(frame, lineIdle: lineIdle, into: out)
        }
    }

    /// The encoded frame as an array, always with an opening flag.
    public func encode(_ frame: PPPFrame) -> [UInt8] {
        encode(frame, lineIdle: true)
    }

    public func encode(_ frame: PPPFrame, lineIdle: Bool) -> [UInt8] {
        let bound = Self.maximumEncodedSize(informationCount: frame.information.count)
        return [UInt8](unsafeUninitializedCapacity: bound) { out, count in
            count = write(frame, lineIdle: lineIdle, into: UnsafeMutableRawBufferPointer(out))
        }
    }

    /// Worst case: two flags, and every header/information/FCS octet escaped.
    static func maximumEncodedSize(informationCount: Int) -> Int {
        2 + 2 * (4 + informationCount + 2)
    }

    /// Writes the frame into `out` (which holds at least `maximumEncodedSize`); returns its length.
    private func write(_ frame: PPPFrame, lineIdle: Bool, into out: UnsafeMutableRawBufferPointer) -> Int {
        let defaults = frame.isLCPLinkConfiguration
        let full = Self.usesDefaultLinkSettings(frame)
        let accm = defaults ? 0xffff_ffff : config.accm
        var header: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        let headerCount = HDLCHeaderCodec.header(protocolNumber: frame.protocolNumber, fullHeader: full,
                                                 config: config, into: &header)
        var index = 0
        var fcs = FCS16.initial
        FCS16.table.withUnsafeBufferPointer { table in
            @inline(__always) func put(_ byte: UInt8) {
                fcs = (fcs >> 8) ^ table[Int(UInt8(truncatingIfNeeded: fcs) ^ byte)]
                putEscaped(byte)
            }
            @inline(__always) func putEscaped(_ byte: UInt8) {
                if byte == 0x7e || byte == 0x7d || (byte < 0x20 && accm & (1 << UInt32(byte)) != 0) {
                    out[index] = 0x7d
                    out[index + 1] = byte ^ 0x20
                    index += 2
                } else {
                    out[index] = byte
                    index += 1
                }
            }
            if lineIdle || defaults {
                out[index] = 0x7e
                index += 1
            }
            withUnsafeBytes(of: header) { bytes in
                for i in 0 ..< headerCount { put(bytes[i]) }
            }
            frame.information.withUnsafeBufferPointer { info in
                for byte in info { put(byte) }
            }
            let check = ~fcs
            putEscaped(UInt8(truncatingIfNeeded: check))
            putEscaped(UInt8(truncatingIfNeeded: check >> 8))
            out[index] = 0x7e
            index += 1
        }
        return index
    }
}
