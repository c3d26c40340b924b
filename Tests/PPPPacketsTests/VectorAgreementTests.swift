import Testing
import PPPFraming
@testable import PPPPackets

/// Decodes every recorded session and checks each frame's text against what the two real
/// pppd processes logged. The log interleaves both processes without saying which wrote a
/// line, so the check is on multisets: every frame that crossed the line was logged once
/// as `rcvd` (by its receiver) and once as `sent` (by its sender). The only `sent` lines
/// allowed to have no frame are TermReqs written after the recorder stopped (both pppds
/// got SIGTERM at once; their closing frames never reached the capture).
@Suite struct VectorAgreementTests {
    static func bracketed(_ log: String, _ verb: String) -> [String] {
        log.split(separator: "\n").filter { $0.hasPrefix(verb + " [") }.map { String($0.dropFirst(5)) }
    }

    static func counts(_ items: [String]) -> [String: Int] {
        items.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }

    @Test func vectorsArePresent() {
        #expect(RecordedVectors.folders.count >= 4)
    }

    @Test(arguments: RecordedVectors.folders)
    func decodedFramesMatchPppdLog(folder: String) throws {
        let decoded = RecordedVectors.decode(try VectorFile(parsing: RecordedVectors.frames(folder)))
        #expect(!decoded.isEmpty)
        #expect(decoded.allSatisfy { !$0.dropped }, "\(folder): a frame was dropped")
        let log = try RecordedVectors.log(folder)
        let loggedRcvd = Self.counts(Self.bracketed(log, "rcvd"))
        let loggedSent = Self.counts(Self.bracketed(log, "sent"))
        let frames = Self.counts(decoded.map { String($0.line.dropFirst(5)) })

        // Each frame is text pppd logged, exactly.
        for (text, n) in frames {
            #expect(loggedRcvd[text] == n, "\(folder): \(text) decoded \(n)x, logged rcvd \(loggedRcvd[text] ?? 0)x")
            #expect((loggedSent[text] ?? 0) >= n, "\(folder): \(text) decoded \(n)x, logged sent \(loggedSent[text] ?? 0)x")
        }
        // Every received line corresponds to a decoded frame.
        for (text, n) in loggedRcvd {
            #expect(frames[text] == n, "\(folder): pppd received \(text) \(n)x, decoded \(frames[text] ?? 0)x")
        }
        // Sent lines with no frame: only final TermReqs after the last received line.
        let lines = log.split(separator: "\n").map(String.init)
        let lastRcvd = lines.lastIndex { $0.hasPrefix("rcvd [") } ?? 0
        for (text, n) in loggedSent where n > (frames[text] ?? 0) {
            #expect(text.hasPrefix("[LCP TermReq"), "\(folder): pppd sent \(text) but no such frame was recorded")
            let positions = lines.indices.filter { lines[$0] == "sent " + text }
            #expect(positions.suffix(n - (frames[text] ?? 0)).allSatisfy { $0 > lastRcvd }, "\(folder): \(text)")
        }
    }

    @Test(arguments: RecordedVectors.folders)
    func directionsAgreeWithTheClientsOwnLines(folder: String) throws {
        // The client's own frames carry its magic number; its ConfReqs must be decoded as
        // sent, the authenticator's as rcvd (a swapped direction would fail here).
        let decoded = RecordedVectors.decode(try VectorFile(parsing: RecordedVectors.frames(folder)))
        let sentReqs = decoded.filter { $0.sent && $0.line.contains("LCP ConfReq") }
        let rcvdReqs = decoded.filter { !$0.sent && $0.line.contains("LCP ConfReq") }
        #expect(!sentReqs.isEmpty && !rcvdReqs.isEmpty)
        // The authenticator (require-chap) asks for CHAP; the client in these sessions only
        // does so in two-way.
        #expect(rcvdReqs.allSatisfy { $0.line.contains("<auth chap MD5>") || $0.line.contains("id=0x2") })
        if folder != "two-way" { #expect(sentReqs.allSatisfy { !$0.line.contains("<auth") }) }
    }

    @Test func compressedFramesNeedTheAgreement() throws {
        // Without following LCP, the post-negotiation frames (no ff 03, raw control octets)
        // do not decode: proves the tracker is what makes the vectors decode.
        let file = try VectorFile(parsing: RecordedVectors.frames("two-way"))
        var decoder = HDLCDecoder()
        var frames = 0, dropped = 0
        for chunk in file.chunks where chunk.direction == .rcvd {
            decoder.decode(chunk.bytes) { event in
                if case .frame = event { frames += 1 } else { dropped += 1 }
            }
        }
        #expect(frames == 2)
        #expect(dropped > 0)
    }
}
