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

    /// Feeds one octet into the register.
    @inlinable
    public static func update(_ fcs: UInt16, _ byte: UInt8) -> UInt16 {
        (fcs >> 8) ^ table[Int(UInt8(truncatingIfNeeded: fcs) ^ byte)]
    }

    /// Runs `bytes` through the register starting from `fcs`.
    public static func update(_ fcs: UInt16, _ bytes: some Sequence<UInt8>) -> UInt16 {
        var value = fcs
        for byte in bytes { value = update(value, byte) }
        return value
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
