import NIOCore

/// RFC 1662 async-HDLC encoder: header (per ACFC/PFC), escaping (per ACCM), FCS, flags.
public struct HDLCEncoder: Sendable {
    public var config: HDLCSendConfig {
        didSet { if config.accm != oldValue.accm { escapes = Self.escapes(for: config.accm) } }
    }
    /// Per octet value: 1 when it is sent escaped under `config.accm` (flag, escape, ACCM controls).
    private var escapes: [UInt8]
    /// The same under the default ACCM, for LCP codes 1–7.
    private static let defaultEscapes = escapes(for: 0xffff_ffff)

    private static func escapes(for accm: UInt32) -> [UInt8] {
        var table = [UInt8](repeating: 0, count: 256)
        table[0x7d] = 1
        table[0x7e] = 1
        for octet in 0 ..< 0x20 where accm & (1 << UInt32(octet)) != 0 { table[octet] = 1 }
        return table
    }

    /// Linux's ppp_async (what pppd uses) starts a frame with a flag only after the line has
    /// been quiet this long (its `flag_time`, one second), or for LCP codes 1–7. The runtime
    /// uses it to decide `lineIdle`; sending the flag always is also valid.
    public static let idleFlagInterval: Duration = .seconds(1)

    public init(config: HDLCSendConfig = .init()) {
        self.config = config
        self.escapes = Self.escapes(for: config.accm)
    }

    /// Appends the encoded frame, always with an opening flag.
    public func encode(_ frame: PPPFrame, into buffer: inout ByteBuffer) {
        encode(frame, into: &buffer, lineIdle: true)
    }

    /// Appends the encoded frame. The opening flag is written when `lineIdle` is true or the
    /// frame is LCP code 1–7 (as Linux/pppd do); otherwise the previous closing flag serves.
    public func encode(_ frame: PPPFrame, into buffer: inout ByteBuffer, lineIdle: Bool) {
        frame.information.withUnsafeBytes { info in
            encode(protocolNumber: frame.protocolNumber, information: info, into: &buffer, lineIdle: lineIdle)
        }
    }

    /// As `encode(_:into:lineIdle:)` for an information field the caller holds anywhere (an
    /// IP packet in the interface's buffer, say): nothing is copied on the way.
    public func encode(protocolNumber: UInt16, information: UnsafeRawBufferPointer, into buffer: inout ByteBuffer,
                       lineIdle: Bool) {
        let bound = Self.maximumEncodedSize(informationCount: information.count)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { out in
            write(protocolNumber: protocolNumber, information: information, lineIdle: lineIdle, into: out)
        }
    }

    /// The encoded frame as an array, always with an opening flag.
    public func encode(_ frame: PPPFrame) -> [UInt8] {
        encode(frame, lineIdle: true)
    }

    public func encode(_ frame: PPPFrame, lineIdle: Bool) -> [UInt8] {
        let bound = Self.maximumEncodedSize(informationCount: frame.information.count)
        return [UInt8](unsafeUninitializedCapacity: bound) { out, count in
            count = frame.information.withUnsafeBytes { info in
                write(protocolNumber: frame.protocolNumber, information: info, lineIdle: lineIdle,
                      into: UnsafeMutableRawBufferPointer(out))
            }
        }
    }

    /// Worst case: two flags, and every header/information/FCS octet escaped.
    static func maximumEncodedSize(informationCount: Int) -> Int {
        2 + 2 * (4 + informationCount + 2)
    }

    /// Writes the frame into `out` (which holds at least `maximumEncodedSize`); returns its length.
    /// The information field's FCS is computed by slicing-by-8 in one pass; its runs of octets
    /// needing no escape are found a word at a time and copied in bulk.
    private func write(protocolNumber: UInt16, information info: UnsafeRawBufferPointer, lineIdle: Bool,
                       into out: UnsafeMutableRawBufferPointer) -> Int {
        // LCP codes 1–7 go out under the default ACCM; all of LCP with a full header.
        let full = protocolNumber == PPPFrame.lcpProtocol
        let defaults = full && info.first.map { (1...7).contains($0) } == true
        let accm = defaults ? 0xffff_ffff : config.accm
        let controls = accm != 0
        var header: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        let headerCount = HDLCHeaderCodec.header(protocolNumber: protocolNumber, fullHeader: full,
                                                 config: config, into: &header)
        let slices = FCS16.slices
        let target = out.baseAddress!
        var index = 0
        @inline(__always) func putEscaped(_ byte: UInt8) {
            if byte == 0x7e || byte == 0x7d || (byte < 0x20 && accm & (1 << UInt32(byte)) != 0) {
                target.storeBytes(of: 0x7d, toByteOffset: index, as: UInt8.self)
                target.storeBytes(of: byte ^ 0x20, toByteOffset: index &+ 1, as: UInt8.self)
                index &+= 2
            } else {
                target.storeBytes(of: byte, toByteOffset: index, as: UInt8.self)
                index &+= 1
            }
        }
        if lineIdle || defaults {
            target.storeBytes(of: 0x7e, toByteOffset: index, as: UInt8.self)
            index &+= 1
        }
        var fcs = FCS16.initial
        withUnsafeBytes(of: header) { bytes in
            for i in 0 ..< headerCount {
                fcs = (fcs >> 8) ^ slices[Int(UInt8(truncatingIfNeeded: fcs) ^ bytes[i])]
                putEscaped(bytes[i])
            }
        }
        body: do {
            guard let base = info.baseAddress else { break body }
            let end = info.count
            fcs = FCS16.update(fcs, base, count: end, slices: slices)
            if !controls {
                // ACCM 0: only 7d and 7e are escaped, runs are long: find them a word at a time
                // and copy them in bulk.
                var from = 0
                while from < end {
                    let runEnd = HDLCScan.next(base, from: from, end: end, controls: false)
                    if runEnd > from {
                        (target + index).copyMemory(from: base + from, byteCount: runEnd &- from)
                        index &+= runEnd &- from
                        if runEnd == end { break }
                    }
                    putEscaped(base.load(fromByteOffset: runEnd, as: UInt8.self))
                    from = runEnd &+ 1
                }
                break body
            }
            // Control octets escaped too: escapes are frequent, so no branch on them.
            let below = HDLCScan.ones &* 0x20
            (defaults ? Self.defaultEscapes : escapes).withUnsafeBufferPointer { escapes in
                var from = 0
                while from < end {
                    // Clean words (no flag, escape or control octet) are copied whole.
                    while from &+ 8 <= end {
                        let word = (base + from).loadUnaligned(as: UInt64.self)
                        if HDLCScan.mask(UInt64(littleEndian: word), below: below) != 0 { break }
                        (target + index).storeBytes(of: word, as: UInt64.self)
                        from &+= 8
                        index &+= 8
                    }
                    // Then up to a word's worth octet by octet, without branching on the escape:
                    // 7d goes out in any case and is overwritten unless the octet needs escaping.
                    let stop = min(end, from &+ 8)
                    while from < stop {
                        let byte = base.load(fromByteOffset: from, as: UInt8.self)
                        let escape = Int(escapes[Int(byte)])
                        target.storeBytes(of: 0x7d, toByteOffset: index, as: UInt8.self)
                        target.storeBytes(of: byte ^ UInt8(truncatingIfNeeded: escape &<< 5), toByteOffset: index &+ escape, as: UInt8.self)
                        index &+= 1 &+ escape
                        from &+= 1
                    }
                }
            }
        }
        let check = ~fcs
        putEscaped(UInt8(truncatingIfNeeded: check))
        putEscaped(UInt8(truncatingIfNeeded: check >> 8))
        target.storeBytes(of: 0x7e, toByteOffset: index, as: UInt8.self)
        index &+= 1
        return index
    }
}
