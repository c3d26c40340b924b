/// Word-at-a-time (SWAR) search for the octets async HDLC treats specially: flag 0x7e,
/// escape 0x7d and, when `controls` is set, any octet below 0x20 (the caller then decides by
/// its ACCM whether that one really matters). Shared by the encoder and the decoder so both
/// move runs of ordinary octets in bulk.
enum HDLCScan {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Nonzero when `word` holds a special octet; its lowest set bit is in the first such octet
    /// (borrows only run upwards from a true hit, so any false hits lie above it).
    @inline(__always)
    static func mask(_ word: UInt64, controls: Bool) -> UInt64 {
        mask(word, below: controls ? ones &* 0x20 : 0)
    }

    /// As `mask(_:controls:)` with `below` = 0x20 in every octet (controls) or 0 (none): with 0
    /// the control term is `word & ~word`, so the loop needs no branch or select on it.
    @inline(__always)
    static func mask(_ word: UInt64, below: UInt64) -> UInt64 {
        let flag = word ^ (ones &* 0x7e), escape = word ^ (ones &* 0x7d)
        return (((flag &- ones) & ~flag) | ((escape &- ones) & ~escape) | ((word &- below) & ~word)) & highs
    }

    @inline(__always)
    static func isSpecial(_ byte: UInt8, controls: Bool) -> Bool {
        byte == 0x7e || byte == 0x7d || (controls && byte < 0x20)
    }

    /// Index of the first special octet in `base[from ..< end]`, or `end`.
    @inline(__always)
    static func next(_ base: UnsafeRawPointer, from: Int, end: Int, controls: Bool) -> Int {
        var index = from
        let below = controls ? ones &* 0x20 : 0
        while index &+ 8 <= end {
            let hits = mask(UInt64(littleEndian: (base + index).loadUnaligned(as: UInt64.self)), below: below)
            if hits != 0 { return index &+ (hits.trailingZeroBitCount &>> 3) }
            index &+= 8
        }
        while index < end, !isSpecial(base.load(fromByteOffset: index, as: UInt8.self), controls: controls) {
            index &+= 1
        }
        return index
    }
}
