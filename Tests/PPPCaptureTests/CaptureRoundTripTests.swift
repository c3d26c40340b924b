import Foundation
import Testing
import PPPCapture
import PPPFraming

@Suite struct CaptureRoundTripTests {
    @Test(arguments: Vectors.names)
    func vectorCaptureReadsBackFrameForFrame(name: String) throws {
        let (path, frames) = try Vectors.writeCapture(name)
        #expect(frames.count >= 6, "vector \(name) decoded to too few frames")
        let result = try CaptureReader(path: path).read()
        #expect(result.error == nil)
        #expect(result.skipped.isEmpty)
        #expect(result.linkType == .pppWithDirection)
        #expect(result.records.count == frames.count)
        for (i, (record, frame)) in zip(result.records, frames).enumerated() {
            #expect(record.frameNumber == i + 1)
            #expect(record.direction == frame.direction)
            #expect(record.timestamp == frame.timestamp)
            #expect(record.protocolNumber == frame.frame.protocolNumber)
            #expect(record.information == frame.frame.information)
            #expect(record.isComplete)
        }
    }

    /// Frames received with ACFC/PFC are still written as ff 03 + 2-octet protocol.
    @Test func writerAlwaysWritesTheFullHeader() throws {
        let path = Scratch.path("header.pcap")
        let writer = try CaptureWriter(path: path)
        try writer.write(direction: .received, timestamp: CaptureTimestamp(seconds: 5, microseconds: 7),
                         frame: PPPFrame(protocolNumber: 0x0021, information: [0x45, 0x00]))
        try writer.write(direction: .sent, timestamp: CaptureTimestamp(seconds: 6, microseconds: 0),
                         protocolNumber: 0xc223, information: [0x03, 0x09, 0x00, 0x04])
        #expect(writer.count == 2)
        writer.close()
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        // 24-octet file header: magic (microsecond), snaplen, link type 204.
        #expect(Array(bytes[0..<4]) == [0xd4, 0xc3, 0xb2, 0xa1])
        #expect(Array(bytes[20..<24]) == [204, 0, 0, 0])
        // First record: ts 5.000007, caplen = len = 7, then dir 0, ff 03 00 21 45 00.
        #expect(Array(bytes[24..<40]) == [5, 0, 0, 0, 7, 0, 0, 0, 7, 0, 0, 0, 7, 0, 0, 0])
        #expect(Array(bytes[40..<47]) == [0x00, 0xff, 0x03, 0x00, 0x21, 0x45, 0x00])
        #expect(Array(bytes[63..<72]) == [0x01, 0xff, 0x03, 0xc2, 0x23, 0x03, 0x09, 0x00, 0x04])
        #expect(bytes.count == 72)
    }

    /// Each frame is flushed: the file is complete before close, as if chapd were killed.
    @Test func framesAreOnDiskBeforeClose() throws {
        let path = Scratch.path("flush.pcap")
        let writer = try CaptureWriter(path: path)
        try writer.write(direction: .sent, timestamp: CaptureTimestamp(seconds: 1, microseconds: 0),
                         protocolNumber: 0xc021, information: [0x05, 0x02, 0x00, 0x04])
        let result = try CaptureReader(path: path).read()
        #expect(result.records.count == 1)
        #expect(result.error == nil)
        writer.close()
        #expect(throws: CaptureError.self) {
            try writer.write(direction: .sent, timestamp: CaptureTimestamp(seconds: 2, microseconds: 0),
                             protocolNumber: 0xc021, information: [])
        }
    }

    @Test func emptyCaptureIsValid() throws {
        let path = Scratch.path("empty.pcap")
        let writer = try CaptureWriter(path: path)
        let result = try CaptureReader(path: path).read()
        #expect(result.records.isEmpty)
        #expect(result.error == nil)
        writer.close()
    }

    @Test func unwritablePathNamesThePathAndReason() {
        let path = Scratch.directory + "/no-such-dir/x.pcap"
        do {
            _ = try CaptureWriter(path: path)
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .cannotOpen)
            #expect(error.message.contains(path))
            #expect(error.message.contains("No such file or directory"))
        }
    }

    @Test func timestampNormalisesMicroseconds() {
        #expect(CaptureTimestamp(seconds: 1, microseconds: 2_500_000) == CaptureTimestamp(seconds: 3, microseconds: 500_000))
        #expect(CaptureTimestamp(seconds: 1, microseconds: -1) == CaptureTimestamp(seconds: 0, microseconds: 999_999))
        #expect(CaptureTimestamp(seconds: 2, microseconds: 5).description == "2.000005")
    }
}
