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

    /// Slicing tables, 16 × 256 entries: slice k at `k * 256 + b` is the register after octet
    /// `b` followed by k zero octets (from 0), so 16 octets fold in with 16 lookups of which
    /// only two depend on the register. Slice 0 is `table`. Built once, never freed (8 KiB).
    nonisolated(unsafe) static let slices: UnsafePointer<UInt16> = {
        let slices = UnsafeMutablePointer<UInt16>.allocate(capacity: 16 * 256)
        for byte in 0 ..< 256 {
            var value = table[byte]
            slices[byte] = value
            for k in 1 ..< 16 {
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

    /// Slicing-by-16 (then by 8, then octet by octet) over `count` octets at `base`; `slices`
    /// is `FCS16.slices` (passed in so hot loops load the global once).
    @inline(__always)
    static func update(_ fcs: UInt16, _ base: UnsafeRawPointer, count: Int, slices t: UnsafePointer<UInt16>) -> UInt16 {
        @inline(__always) func at(_ slice: Int, _ byte: UInt64) -> UInt32 {
            UInt32(t[slice &* 256 &+ Int(truncatingIfNeeded: byte & 0xff)])
        }
        var value = UInt32(fcs)
        var p = base
        let end = base + count
        while end - p >= 16 {
            let a = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
            let b = UInt64(littleEndian: (p + 8).loadUnaligned(as: UInt64.self))
            // Everything but the first two octets is independent of the register.
            let rest = at(13, a >> 16) ^ at(12, a >> 24) ^ at(11, a >> 32) ^ at(10, a >> 40)
                ^ at(9, a >> 48) ^ at(8, a >> 56) ^ at(7, b) ^ at(6, b >> 8) ^ at(5, b >> 16)
                ^ at(4, b >> 24) ^ at(3, b >> 32) ^ at(2, b >> 40) ^ at(1, b >> 48) ^ at(0, b >> 56)
            let head = a ^ UInt64(value)
            value = rest ^ at(15, head) ^ at(14, head >> 8)
            p += 16
        }
        if end - p >= 8 {
            let a = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
            let rest = at(5, a >> 16) ^ at(4, a >> 24) ^ at(3, a >> 32) ^ at(2, a >> 40) ^ at(1, a >> 48) ^ at(0, a >> 56)
            let head = a ^ UInt64(value)
            value = rest ^ at(7, head) ^ at(6, head >> 8)
            p += 8
        }
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
