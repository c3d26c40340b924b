import Foundation
import ProgramRunning
import SharedVectors
import PPPCapture
import PPPFraming
import PPPPackets

/// Shared helpers: the recorded pppd sessions as decoded frames, and scratch files.
enum Vectors {
    static let root = SharedVectors.root
    static let names = ["two-way", "wrong-secret", "rechallenge", "refuse-chap"]
    /// An arbitrary wall-clock origin for the millisecond offsets in frames.txt.
    static let epoch: Int64 = 1_700_000_000

    struct Frame {
        var direction: CaptureDirection
        var timestamp: CaptureTimestamp
        var frame: PPPFrame
    }

    /// Every good frame of a vector, in line order. One decoder per direction; the receive
    /// side accepts compressed headers and raw control characters from the start because
    /// the vectors switch to them once LCP opens.
    static func frames(_ name: String) throws -> [Frame] {
        let text = try String(contentsOfFile: "\(root)/\(name)/frames.txt", encoding: .utf8)
        let file = try VectorFile(parsing: text)
        let config = HDLCReceiveConfig(accm: 0, mru: 1500, acceptAddressControlCompression: true, acceptProtocolCompression: true)
        var sentDecoder = HDLCDecoder(config: config)
        var rcvdDecoder = HDLCDecoder(config: config)
        var out: [Frame] = []
        for (i, chunk) in file.chunks.enumerated() where !chunk.isEndOfFile {
            // Microsecond tie-breaker keeps timestamps strictly increasing within one millisecond.
            let ts = CaptureTimestamp(seconds: epoch, microseconds: Int32(chunk.milliseconds * 1000) + Int32(i))
            let direction: CaptureDirection = chunk.direction == .sent ? .sent : .received
            let collect: (HDLCEvent) -> Void = { event in
                if case .frame(let f) = event { out.append(Frame(direction: direction, timestamp: ts, frame: f)) }
            }
            if chunk.direction == .sent { sentDecoder.decode(chunk.bytes, collect) } else { rcvdDecoder.decode(chunk.bytes, collect) }
        }
        return out
    }

    /// Writes a vector's frames to a fresh capture with chapd's writer; returns the path.
    static func writeCapture(_ name: String) throws -> (path: String, frames: [Frame]) {
        let frames = try frames(name)
        let path = Scratch.path("\(name).pcap")
        let writer = try CaptureWriter(path: path)
        for f in frames { try writer.write(direction: f.direction, timestamp: f.timestamp, frame: f.frame) }
        writer.close()
        return (path, frames)
    }
}

enum Scratch {
    static let directory: String = {
        let dir = NSTemporaryDirectory() + "chapd-capture-tests-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }()

    static func path(_ name: String) -> String { "\(directory)/\(UUID().uuidString)-\(name)" }

    /// A classic little-endian microsecond pcap file built by hand, independent of libpcap.
    static func pcapFile(linkType: UInt32, records: [[UInt8]], snapLength: UInt32 = 65535) -> [UInt8] {
        var out: [UInt8] = []
        func le32(_ v: UInt32) { out += [UInt8(v & 0xff), UInt8((v >> 8) & 0xff), UInt8((v >> 16) & 0xff), UInt8(v >> 24)] }
        func le16(_ v: UInt16) { out += [UInt8(v & 0xff), UInt8(v >> 8)] }
        le32(0xa1b2_c3d4); le16(2); le16(4); le32(0); le32(0); le32(snapLength); le32(linkType)
        for (i, r) in records.enumerated() {
            le32(UInt32(Vectors.epoch)); le32(UInt32(i)); le32(UInt32(r.count)); le32(UInt32(r.count))
            out += r
        }
        return out
    }

    static func write(_ bytes: [UInt8], name: String) throws -> String {
        let p = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }
}

/// Runs tshark if installed; `executable` is nil when absent (callers then skip loudly).
enum TShark {
    static let executable: String? = {
        for dir in ["/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"] where FileManager.default.isExecutableFile(atPath: "\(dir)/tshark") {
            return "\(dir)/tshark"
        }
        return nil
    }()

    static func run(_ arguments: [String]) throws -> String {
        guard let exe = executable else { return "" }
        return try runProgram(exe, arguments).stdout
    }
}
