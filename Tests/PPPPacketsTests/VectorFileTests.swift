import Testing
@testable import PPPPackets

@Suite struct VectorFileTests {
    @Test func parsesChunksAndEndMarkers() throws {
        let file = try VectorFile(parsing: "rcvd 900 7eff7d23\nsent 1000 C0217E\n\n# note\neof-sent 1100 \n")
        #expect(file.chunks.count == 3)
        #expect(file.chunks[0] == .init(direction: .rcvd, milliseconds: 900, bytes: [0x7e, 0xff, 0x7d, 0x23]))
        #expect(file.chunks[1].bytes == [0xc0, 0x21, 0x7e])
        #expect(file.chunks[2].isEndOfFile && file.chunks[2].direction == .sent && file.chunks[2].bytes.isEmpty)
    }

    /// A capture saved with CRLF line ends reads as the same chunks (Swift's "\r\n" is one
    /// Character, so splitting a String at "\n" would not split it at all).
    @Test func crlfLineEndsParseAlike() throws {
        let lf = "rcvd 900 7eff7d23\nsent 1000 C0217E\n\n# note\neof-sent 1100\n"
        let crlf = lf.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(try VectorFile(parsing: crlf) == VectorFile(parsing: lf))
        #expect(throws: VectorFile.ParseError(line: 2, reason: "time `x` is not a whole number of milliseconds")) {
            try VectorFile(parsing: "sent 1 7e\r\nsent x 7e\r\n")
        }
    }

    @Test(arguments: [
        ("sent 1 7e\nbogus 2 00", 2, "direction"),
        ("sent x 7e", 1, "milliseconds"),
        ("sent 1 7e0", 1, "hex"),
        ("sent 1 zz", 1, "hex"),
        ("sent 1", 1, "no bytes"),
        ("sent 1 7e 7e", 1, "fields"),
        ("\n\neof-rcvd 5 7e", 3, "eof"),
        ("sent -1 7e", 1, "milliseconds"),
    ])
    func reportsTheBadLine(text: String, line: Int, mentions: String) {
        do {
            _ = try VectorFile(parsing: text)
            Issue.record("expected a parse error for \(text.debugDescription)")
        } catch {
            #expect(error.line == line)
            #expect(error.description.contains(mentions))
            #expect(error.description.hasPrefix("line \(line): "))
        }
    }

    @Test func everyRecordedVectorParses() throws {
        for folder in RecordedVectors.folders {
            let file = try VectorFile(parsing: RecordedVectors.frames(folder))
            #expect(file.chunks.count > 5, "\(folder)")
            #expect(file.chunks.contains { $0.direction == .sent } && file.chunks.contains { $0.direction == .rcvd })
        }
    }
}
