import Testing
import PPPFraming
@testable import PPPPackets

/// Seeded random input through every parser and the formatter: nothing may trap, and the
/// formatter's output must keep pppd's shape.
@Suite struct FuzzTests {
    static let protocols: [UInt16] = [0xc021, 0x8021, 0x8057, 0xc223, 0xc023, 0x0021, 0x0057, 0x00fd, 0x0053, 0x80fd, 0x1234]

    static func randomBytes(_ rng: inout SplitMix64, max: Int) -> [UInt8] {
        let n = Int.random(in: 0...max, using: &rng)
        return (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    /// Mostly well-formed headers with random bodies reach the deep printer paths.
    static func plausiblePacket(_ rng: inout SplitMix64) -> [UInt8] {
        var body = randomBytes(&rng, max: 48)
        if Bool.random(using: &rng) {
            // A run of plausible options: small type, length near the truth.
            body = []
            for _ in 0..<Int.random(in: 0...5, using: &rng) {
                let t = [1, 2, 3, 4, 5, 7, 8, 13, 17, 18, 19, 129, 130, 131, 132].randomElement(using: &rng)!
                let len = Int.random(in: 0...12, using: &rng)
                body += [UInt8(t), UInt8(len)] + (0..<max(0, len - 2)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            }
        }
        let code = UInt8.random(in: 0...14, using: &rng)
        let delta = Int.random(in: -3...3, using: &rng)
        let length = max(0, min(0xffff, body.count + 4 + (Bool.random(using: &rng) ? 0 : delta)))
        return [code, UInt8.random(in: 0...255, using: &rng), UInt8(length >> 8), UInt8(length & 0xff)] + body
    }

    @Test func formatterAndParsersNeverTrap() {
        var rng = SplitMix64(seed: 0x5eed_c0de)
        for i in 0..<20_000 {
            let info = i % 2 == 0 ? Self.randomBytes(&rng, max: 80) : Self.plausiblePacket(&rng)
            let proto = Self.protocols.randomElement(using: &rng)!
            let text = PPPDebugText.format(protocolNumber: proto, information: info)
            #expect(text.hasPrefix("[") && text.contains("]"))
            let line = PPPDebugText.logLine(sent: i & 4 == 0, protocolNumber: proto, information: info)
            #expect(line.utf8.count <= PPPDebugText.maxLogLine)
            _ = try? ControlPacket(parsing: info)
            _ = try? CHAPPacket(parsing: info)
            _ = try? LCPOption.parseList(info)
            _ = try? IPCPOption.parseList(info)
            _ = try? IPV6CPOption.parseList(info)
            var tracker = LCPAgreementTracker()
            tracker.observe(from: .local, protocolNumber: 0xc021, information: info)
        }
    }

    @Test func vectorFileAndDecodeLoopNeverTrap() {
        var rng = SplitMix64(seed: 42)
        let alphabet = Array("sentrcvdeof- 0123456789abcdefXYZ\n\r#")
        for _ in 0..<2_000 {
            let text = String((0..<Int.random(in: 0...120, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            if let file = try? VectorFile(parsing: text) {
                _ = RecordedVectors.decode(file)
            }
        }
        for _ in 0..<300 {
            let chunks = (0..<Int.random(in: 1...8, using: &rng)).map { i in
                VectorFile.Chunk(direction: i % 2 == 0 ? .sent : .rcvd, milliseconds: UInt64(i),
                                 bytes: Self.randomBytes(&rng, max: 200) + [0x7e])
            }
            for entry in RecordedVectors.decode(VectorFile(chunks: chunks)) where !entry.dropped {
                #expect(entry.line.hasPrefix("sent [") || entry.line.hasPrefix("rcvd ["))
            }
        }
    }
}
