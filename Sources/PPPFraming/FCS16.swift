/// The 16-bit frame check sequence of RFC 1662 (CRC-CCITT, reflected polynomial 0x8408),
/// table-driven. Not a cryptographic checksum: only detects line errors.
public enum FCS16 {
    /// Initial register value.
    public static let initial: UInt16 = 0xffff
    /// Register value after running a frame *including* its transmitted FCS, when intact.
    public static let good: UInt16 = 0xf0b8

    /// 256-entry lookup table, generated from the polynomial rather than transcribed.
    public static let table: [UInt16] = (0..<256).map { index in
        var value = UInt16(index)
        for _ in 0..<8 {
            value = (value & 1) != 0 ? (value >> 1) ^ 0x8408 : value >> 1
        }
        return value
    }

    /// Slicing-by-8 tables, 8 × 256 entries: slice k at `k * 256 + b` is the register after
    /// octet `b` followed by k zero octets (from 0), so 8 octets fold in with 8 independent
    /// lookups instead of a chain of 8 dependent ones. Slice 0 is `table`. Built once, never freed.
    nonisolated(unsafe) static let slices: UnsafePointer<UInt16> = {
        let slices = UnsafeMutablePointer<UInt16>.allocate(capacity: 8 * 256)
        for byte in 0 ..< 256 {
            var value = table[byte]
            slices[byte] = value
            for k in 1 ..< 8 {
                value = (value >> 8) ^ table[Int(value & 0xff)]
                slices[k * 256 + byte] = value
            }
        }
        return UnsafePointer(slices)
    }()

    /// Feeds one octet into the register.
    @inlinable
    public static func update(_ fcs: UInt16, _ byte: UInt8) -> UInt16 {
        (fcs >> 8) ^ table[Int(UInt8(truncatingIfNeeded: fcs) ^ byte)]
    }

    /// Runs `bytes` through the register starting from `fcs`.
    public static func update(_ fcs: UInt16, _ bytes: some Sequence<UInt8>) -> UInt16 {
        if let value = bytes.withContiguousStorageIfAvailable({ update(fcs, UnsafeRawBufferPointer($0)) }) {
            return value
        }
        var value = fcs
        for byte in bytes { value = update(value, byte) }
        return value
    }

    /// Runs `bytes` through the register starting from `fcs` (slicing-by-8).
    public static func update(_ fcs: UInt16, _ bytes: UnsafeRawBufferPointer) -> UInt16 {
        guard let base = bytes.baseAddress else { return fcs }
        return update(fcs, base, count: bytes.count, slices: slices)
    }

    /// Slicing-by-8 over `count` octets at `base`; `slices` is `FCS16.slices` (passed in so hot
    /// loops load the global once).
    @inline(__always)
    static func update(_ fcs: UInt16, _ base: UnsafeRawPointer, count: Int, slices t: UnsafePointer<UInt16>) -> UInt16 {
        var value = UInt32(fcs)
        var p = base
        let wordsEnd = base + (count & ~7)
        while p < wordsEnd {
            let x = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)) ^ UInt64(value)
            let lo = UInt32(truncatingIfNeeded: x), hi = UInt32(truncatingIfNeeded: x >> 32)
            value = UInt32(t[7 * 256 + Int(lo & 0xff)]) ^ UInt32(t[6 * 256 + Int((lo >> 8) & 0xff)])
                ^ UInt32(t[5 * 256 + Int((lo >> 16) & 0xff)]) ^ UInt32(t[4 * 256 + Int(lo >> 24)])
                ^ UInt32(t[3 * 256 + Int(hi & 0xff)]) ^ UInt32(t[2 * 256 + Int((hi >> 8) & 0xff)])
                ^ UInt32(t[256 + Int((hi >> 16) & 0xff)]) ^ UInt32(t[Int(hi >> 24)])
            p += 8
        }
        let end = base + count
        while p < end {
            value = (value >> 8) ^ UInt32(t[Int((value ^ UInt32(p.load(as: UInt8.self))) & 0xff)])
            p += 1
        }
        return UInt16(truncatingIfNeeded: value)
    }

    /// The FCS to transmit after `bytes` (ones' complement of the register), sent low byte first.
    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt16 {
        ~update(initial, bytes)
    }

    /// True when `bytes` ends with a correct FCS for the octets before it.
    public static func isValid(_ bytes: some Sequence<UInt8>) -> Bool {
        update(initial, bytes) == good
    }
}
