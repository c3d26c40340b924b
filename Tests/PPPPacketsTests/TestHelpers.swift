import PPPPackets

/// "01 02 0a" or "01020a" → bytes; test data only, so a bad literal is a test bug.
func bytes(_ hex: String) -> [UInt8] {
    let digits = hex.filter { !$0.isWhitespace }
    var out: [UInt8] = []
    var i = digits.startIndex
    while i < digits.endIndex {
        let j = digits.index(after: i)
        out.append(UInt8(digits[i...j], radix: 16)!)
        i = digits.index(after: j)
    }
    return out
}

func ascii(_ s: String) -> [UInt8] { Array(s.utf8) }

/// A control packet's octets with a correct Length field.
func packet(_ code: UInt8, _ id: UInt8, _ data: [UInt8]) -> [UInt8] {
    let n = data.count + 4
    return [code, id, UInt8(n >> 8), UInt8(n & 0xff)] + data
}

func fmt(_ proto: UInt16, _ info: [UInt8]) -> String {
    PPPDebugText.format(protocolNumber: proto, information: info)
}

/// SplitMix64: a tiny seeded generator so fuzz runs are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
