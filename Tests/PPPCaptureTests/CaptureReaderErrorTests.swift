import Foundation
import Testing
import PPPCapture

@Suite struct CaptureReaderErrorTests {
    /// Byte offset where record `n` (1-based) starts in a chapd capture of `frames`.
    func recordOffset(_ n: Int, _ frames: [Vectors.Frame]) -> Int {
        24 + frames.prefix(n - 1).reduce(0) { $0 + 16 + 5 + $1.frame.information.count }
    }

    @Test(arguments: [(5, 19), (5, 3), (2, 16), (9, 0)])
    func truncatedCaptureReportsTheFrameAndKeepsEarlierOnes(frame: Int, into: Int) throws {
        let (path, frames) = try Vectors.writeCapture("two-way")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let cut = recordOffset(frame, frames) + into
        let cutPath = try Scratch.write(Array(bytes[0..<cut]), name: "cut.pcap")
        let result = try CaptureReader(path: cutPath).read()
        #expect(result.records.count == frame - 1)
        #expect(result.records.map(\.information) == frames.prefix(frame - 1).map(\.frame.information))
        if into == 0 {
            #expect(result.error == nil)  // cut on a record boundary is a clean end
        } else {
            let error = try #require(result.error)
            #expect(error.kind == .corrupt)
            #expect(error.frameNumber == frame)
            #expect(error.message.contains("frame \(frame)"))
        }
    }

    @Test func missingFileThrows() {
        #expect(throws: CaptureError.self) { try CaptureReader(path: Scratch.directory + "/missing.pcap").read() }
    }

    @Test func notACaptureThrows() throws {
        let path = try Scratch.write(Array("this is not a capture file at all".utf8), name: "text.pcap")
        do {
            _ = try CaptureReader(path: path).read()
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .cannotOpen)
            #expect(error.message.contains(path))
        }
    }

    @Test func linkTypeWithoutPPPThrows() throws {
        let path = try Scratch.write(Scratch.pcapFile(linkType: 101, records: [[0x45, 0, 0, 20]]), name: "raw.pcap")
        do {
            _ = try CaptureReader(path: path).read()
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .unsupportedLinkType)
            #expect(error.message.contains("RAW"))
        }
    }
}
