import NIOCore
import PPPFraming

/// Encode and decode throughput of 1500-octet frames (random payload) under the default ACCM
/// (every control character escaped) and ACCM 0. Release builds only give meaningful figures.
func framingBenchmark() {
    print("framing: 1500-byte information fields, random payload")
    for accm: UInt32 in [0xffff_ffff, 0] {
        runFraming(accm: accm)
    }
}

private struct BenchRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

private func runFraming(accm: UInt32) {
    var rng = BenchRandom(state: 0x5eed)
    let frames = (0 ..< 64).map { _ in
        PPPFrame(protocolNumber: 0x0021, information: (0 ..< 1500).map { _ in UInt8.random(in: 0 ... 255, using: &rng) })
    }
    let encoder = HDLCEncoder(config: .init(accm: accm))
    let rounds = 200
    let frameCount = rounds * frames.count
    let payloadBytes = Double(frameCount * 1500)
    let clock = ContinuousClock()

    // Encode into one reused buffer (cleared each round, so no regrowth after the first).
    var buffer = ByteBuffer()
    buffer.reserveCapacity(frames.count * 3100)
    var wireBytes = 0
    let encodeTime = clock.measure {
        for _ in 0 ..< rounds {
            buffer.clear()
            for frame in frames { encoder.encode(frame, into: &buffer, lineIdle: false) }
            wireBytes += buffer.readableBytes
        }
    }

    // Decode the last round's stream repeatedly in 4 KiB reads, as from a tty.
    let stream = buffer
    var decoder = HDLCDecoder(config: .init(accm: accm))
    var decoded = 0
    let decodeTime = clock.measure {
        for _ in 0 ..< rounds {
            var view = stream
            while let slice = view.readSlice(length: min(4096, view.readableBytes)), slice.readableBytes > 0 {
                decoder.decode(slice) { event in
                    if case .frame = event { decoded += 1 }
                }
            }
        }
    }
    precondition(decoded == frameCount && decoder.counters.dropped == 0, "framing benchmark decoded wrong frames")

    let hexDigits = String(accm, radix: 16)
    let label = "accm 0x" + String(repeating: "0", count: 8 - hexDigits.count) + hexDigits
    report("\(label) encode", encodeTime, frames: frameCount, payload: payloadBytes, wire: Double(wireBytes))
    report("\(label) decode", decodeTime, frames: frameCount, payload: payloadBytes, wire: Double(wireBytes))
}

private func report(_ name: String, _ time: Duration, frames: Int, payload: Double, wire: Double) {
    let seconds = Double(time.components.seconds) + Double(time.components.attoseconds) / 1e18
    let mbps = payload / seconds / 1e6
    let wireMbps = wire / seconds / 1e6
    let fps = Double(frames) / seconds
    print("  \(pad(name, 24)) \(pad(fixed(mbps), 9, left: true)) MB/s payload  "
        + "\(pad(fixed(wireMbps), 9, left: true)) MB/s wire  \(pad(fixed(fps, digits: 0), 10, left: true)) frames/s")
}

/// `value` with `digits` decimals (avoids Foundation's String(format:)).
private func fixed(_ value: Double, digits: Int = 1) -> String {
    guard value.isFinite else { return "inf" }
    var scale = 1.0
    for _ in 0 ..< digits { scale *= 10 }
    let scaled = Int((value * scale).rounded())
    guard digits > 0 else { return String(scaled) }
    let whole = scaled / Int(scale), fraction = String(scaled % Int(scale))
    return "\(whole)." + String(repeating: "0", count: digits - fraction.count) + fraction
}

private func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - text.count))
    return left ? fill + text : text + fill
}
