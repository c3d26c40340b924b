#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import PPPFraming

/// Encode and decode throughput of 1500-octet frames (random payload), side by side with the
/// plain C table-driven codec in `../shared/perf/hdlc_ref.c` (or `$CHAPD_PERF_DIR/hdlc_ref.c`),
/// which this compiles with `cc -O2` and runs in the same invocation with the same frame count
/// and size. Each round runs C, then chapd at ACCM 0, then chapd at ACCM ffffffff; the figures
/// printed are medians over the rounds (the build machines are shared and noisy, so only
/// figures measured side by side mean anything). Release builds only.
func framingBenchmark() {
    // CHAPD_BENCH_ROUNDS / CHAPD_BENCH_FRAMES shrink the run, e.g. under valgrind --tool=callgrind.
    func setting(_ name: String, _ fallback: Int) -> Int {
        getenv(name).flatMap { Int(String(cString: $0)) }.map { max(1, $0) } ?? fallback
    }
    let rounds = setting("CHAPD_BENCH_ROUNDS", 7)
    let windowFrames = 64
    // 25 600 frames by default, 38.4 MB of payload per measurement.
    let frameCount = windowFrames * max(1, setting("CHAPD_BENCH_FRAMES", 25_600) / windowFrames)
    let size = 1500
    print("framing: \(size)-byte information fields, random payload, \(frameCount) frames per figure,"
        + " median of \(rounds) rounds run side by side with the C reference")

    let reference = CReference.build()
    if case .failure(let reason) = reference {
        print("  C reference unavailable: \(reason)")
    }
    var c = (encode: [Double](), decode: [Double]())
    var chapd: [UInt32: [String: [Double]]] = [:]
    let accms: [UInt32] = [0, 0xffff_ffff]
    let workloads = accms.map { FramingWorkload(accm: $0, windowFrames: windowFrames, size: size) }
    for _ in 0 ..< rounds {
        if case .success(let binary) = reference {
            switch CReference.run(binary, frames: frameCount, size: size) {
            case .success(let figures):
                c.encode.append(figures.encode)
                c.decode.append(figures.decode)
            case .failure(let reason):
                print("  C reference run failed: \(reason)")
            }
        }
        for workload in workloads {
            for (name, value) in workload.measure(frames: frameCount) {
                chapd[workload.accm, default: [:]][name, default: []].append(value)
            }
        }
    }
    if case .success(let binary) = reference { CReference.remove(binary) }

    let cEncode = median(c.encode), cDecode = median(c.decode)
    if let e = cEncode, let d = cDecode {
        print("  \(pad("C hdlc_ref -O2, accm 0x00000000", 40)) encode \(pad(fixed(e), 7, left: true)) MB/s"
            + "           [best \(fixed(c.encode.max()!, digits: 0))]  decode \(pad(fixed(d), 7, left: true)) MB/s"
            + "           [best \(fixed(c.decode.max()!, digits: 0))]")
    }
    for accm in accms {
        let figures = chapd[accm] ?? [:]
        func column(_ name: String, _ cFigure: Double?) -> String {
            guard let value = median(figures[name] ?? []) else { return "" }
            let ratio = cFigure.map { "(" + fixed($0 > 0 ? value / $0 : 0, digits: 2) + "x C)" } ?? ""
            let best = (figures[name] ?? []).max() ?? value
            return "\(pad(fixed(value), 7, left: true)) MB/s \(pad(ratio, 9)) [best \(fixed(best, digits: 0))]"
        }
        print("  \(pad("chapd, accm " + hex32(accm), 40)) encode \(column("encode", cEncode))"
            + "  decode \(column("decode", cDecode))"
            + "  decode in 4 KiB reads \(column("decode4k", cDecode))"
            + "  decode, frames borrowed (decodeBorrowing, no copy) \(column("borrowed", cDecode))")
    }
    if cEncode != nil {
        print("  (medians; ratios are to the C codec's median at ACCM 0, the only ACCM it measures;"
            + " MB/s of payload; [best] is the fastest round)")
    }
}

/// One ACCM's frames and their encoded stream, built once and reused every round.
private struct FramingWorkload {
    let accm: UInt32
    let frames: [PPPFrame]
    let encoder: HDLCEncoder
    let stream: ByteBuffer
    let size: Int

    init(accm: UInt32, windowFrames: Int, size: Int) {
        var rng = BenchRandom(state: 0x5eed)
        self.accm = accm
        self.size = size
        frames = (0 ..< windowFrames).map { _ in
            PPPFrame(protocolNumber: 0x0021, information: (0 ..< size).map { _ in UInt8.random(in: 0 ... 255, using: &rng) })
        }
        encoder = HDLCEncoder(config: .init(accm: accm))
        var buffer = ByteBuffer()
        for frame in frames { encoder.encode(frame, into: &buffer, lineIdle: true) }
        stream = buffer
    }

    /// MB/s of payload for "encode", "decode" (whole window per call, as the C codec does),
    /// "decode4k" (4 KiB reads, as from a tty) and "borrowed" (whole window, information fields
    /// lent by `decodeBorrowing` rather than copied into arrays, as the C codec leaves them).
    func measure(frames frameCount: Int) -> [(String, Double)] {
        let windows = frameCount / frames.count
        let payload = Double(windows * frames.count * size)
        let clock = ContinuousClock()

        // Encode into one reused buffer (cleared per window, so no regrowth after the first).
        var buffer = ByteBuffer()
        buffer.reserveCapacity(stream.readableBytes * 2)
        var wireBytes = 0
        let encodeTime = clock.measure {
            for _ in 0 ..< windows {
                buffer.clear()
                for frame in frames { encoder.encode(frame, into: &buffer, lineIdle: true) }
                wireBytes &+= buffer.readableBytes
            }
        }
        precondition(buffer == stream, "framing benchmark: encoder output changed between runs")

        var decoder = HDLCDecoder(config: .init(accm: accm))
        var decoded = 0
        let decodeTime = clock.measure {
            for _ in 0 ..< windows {
                decoder.decode(stream) { event in
                    if case .frame = event { decoded += 1 }
                }
            }
        }
        var chunked = HDLCDecoder(config: .init(accm: accm))
        let chunkedTime = clock.measure {
            for _ in 0 ..< windows {
                var view = stream
                while let slice = view.readSlice(length: min(4096, view.readableBytes)), slice.readableBytes > 0 {
                    chunked.decode(slice) { event in
                        if case .frame = event { decoded += 1 }
                    }
                }
            }
        }
        var borrowing = HDLCDecoder(config: .init(accm: accm))
        var borrowedOctets = 0
        let borrowedTime = clock.measure {
            for _ in 0 ..< windows {
                borrowing.decodeBorrowing(stream) { event in
                    if case .frame(let view) = event { decoded += 1; borrowedOctets &+= view.information.count }
                }
            }
        }
        precondition(borrowedOctets == windows * frames.count * size, "framing benchmark: borrowed frames wrong")
        precondition(decoded == 3 * windows * frames.count && decoder.counters.dropped == 0
            && chunked.counters.dropped == 0, "framing benchmark decoded wrong frames")
        return [("encode", payload / seconds(encodeTime) / 1e6), ("decode", payload / seconds(decodeTime) / 1e6),
                ("decode4k", payload / seconds(chunkedTime) / 1e6), ("borrowed", payload / seconds(borrowedTime) / 1e6)]
    }
}

/// Builds and runs /work/shared/perf/hdlc_ref.c (the C baseline); the binary lives in a fresh
/// temporary directory and is removed afterwards, never next to the sources.
private enum CReference {
    enum Failure: Error, CustomStringConvertible {
        case message(String)
        var description: String { if case .message(let text) = self { return text } else { return "" } }
    }

    static func sourcePath() -> String? {
        var candidates: [String] = []
        if let dir = getenv("CHAPD_PERF_DIR") { candidates.append(String(cString: dir) + "/hdlc_ref.c") }
        candidates.append("../shared/perf/hdlc_ref.c")
        // The package root, from this file's location (Benchmarks/chapd-bench/…).
        var root = #filePath
        for _ in 0 ..< 3 { root = String(root[..<(root.lastIndex(of: "/") ?? root.startIndex)]) }
        candidates.append(root + "/../shared/perf/hdlc_ref.c")
        return candidates.first { access($0, R_OK) == 0 }
    }

    static func build() -> Result<String, Failure> {
        guard let source = sourcePath() else {
            return .failure(.message("hdlc_ref.c not found (../shared/perf beside the package, or set CHAPD_PERF_DIR)"))
        }
        var template = Array("/tmp/chapd-bench-XXXXXX".utf8CString)
        guard let dir = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }).map({ String(cString: $0) }) else {
            return .failure(.message("mkdtemp failed"))
        }
        let binary = dir + "/hdlc_ref"
        let (status, output) = shell("cc -O2 -o \(quote(binary)) \(quote(source)) 2>&1")
        guard status == 0 else {
            remove(binary)
            return .failure(.message("cc -O2 \(source) failed: \(output)"))
        }
        return .success(binary)
    }

    static func remove(_ binary: String) {
        unlink(binary)
        rmdir(String(binary[..<(binary.lastIndex(of: "/") ?? binary.endIndex)]))
    }

    /// Parses "encode N MB/s, decode M MB/s (…)".
    static func run(_ binary: String, frames: Int, size: Int) -> Result<(encode: Double, decode: Double), Failure> {
        let (status, output) = shell("\(quote(binary)) \(frames) \(size) 2>&1")
        guard status == 0 else { return .failure(.message("exit \(status): \(output)")) }
        let words = output.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" })
        func figure(after key: String) -> Double? {
            guard let index = words.firstIndex(where: { $0 == key }), index + 1 < words.count else { return nil }
            return Double(words[index + 1])
        }
        guard let encode = figure(after: "encode"), let decode = figure(after: "decode") else {
            return .failure(.message("unexpected output: \(output)"))
        }
        return .success((encode, decode))
    }

    static func quote(_ text: String) -> String {
        "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }

    /// Runs `command` with /bin/sh; returns its exit status and output.
    static func shell(_ command: String) -> (Int32, String) {
        guard let pipe = popen(command, "r") else { return (-1, "popen failed") }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, pipe) }
            if count == 0 { break }
            output += chunk[0 ..< count]
        }
        let status = pclose(pipe)
        let exitStatus: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
        return (exitStatus, String(decoding: output, as: UTF8.self).trimmingSuffixNewlines())
    }
}

private extension String {
    func trimmingSuffixNewlines() -> String {
        var text = self
        while text.last == "\n" { text.removeLast() }
        return text
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

private func median(_ values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

private func seconds(_ time: Duration) -> Double {
    Double(time.components.seconds) + Double(time.components.attoseconds) / 1e18
}

private func hex32(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
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
