import PPPPackets

/// Splits option octets the way pppd's `reqci` walks them: well-formed options one by
/// one, and where an option's length is impossible, the rest of the packet as one tail
/// (pppd rejects "till end of packet" rather than guessing where the next option starts).
struct OptionScan {
    var options: [RawOption] = []
    var malformedTail: [UInt8] = []

    init(_ bytes: [UInt8]) {
        var i = 0
        while i < bytes.count {
            guard i + 2 <= bytes.count else { break }
            let length = Int(bytes[i + 1])
            guard length >= 2, i + length <= bytes.count else { break }
            options.append(RawOption(type: bytes[i], data: Array(bytes[(i + 2)..<(i + length)])))
            i += length
        }
        if i < bytes.count { malformedTail = Array(bytes[i...]) }
    }
}

/// Builds a Nak/Reject answer the way pppd's `reqci` does: any rejected option makes the
/// answer a Reject (Naks are then dropped); otherwise Naks win over Acks.
struct VerdictBuilder {
    private var naks: [UInt8] = []
    private var rejects: [UInt8] = []

    mutating func nak(_ option: RawOption) { naks += option.bytes }
    mutating func reject(_ option: RawOption) { rejects += option.bytes }
    mutating func reject(bytes: [UInt8]) { rejects += bytes }

    var hasReject: Bool { !rejects.isEmpty }

    var verdict: ConfigureVerdict {
        if !rejects.isEmpty { return .reject(rejects) }
        if !naks.isEmpty { return .nak(naks) }
        return .ack
    }
}

/// pppd prints options as hex in its error lines; this keeps ours alike.
func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { b in
        let s = String(b, radix: 16)
        return s.count == 1 ? "0" + s : s
    }.joined()
}
