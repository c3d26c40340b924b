#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which way a frame crossed the line, seen from the host that recorded it.
public enum CaptureDirection: String, Hashable, Sendable {
    case sent
    case received
}

/// Wall-clock time of a captured frame, as pcap stores it (seconds and microseconds since
/// the Unix epoch). Independent of PPPCore's monotonic `Instant`: captures need real dates.
public struct CaptureTimestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var seconds: Int64
    public var microseconds: Int32

    public init(seconds: Int64, microseconds: Int32) {
        // Normalise so 0 <= microseconds < 1_000_000 whatever the caller passed.
        let total = seconds &* 1_000_000 &+ Int64(microseconds)
        self.seconds = total >= 0 ? total / 1_000_000 : (total - 999_999) / 1_000_000
        self.microseconds = Int32(total - self.seconds * 1_000_000)
    }

    /// Microseconds since the epoch.
    public var totalMicroseconds: Int64 { seconds &* 1_000_000 &+ Int64(microseconds) }

    /// The current wall-clock time (CLOCK_REALTIME). Only the I/O edge calls this.
    public static func now() -> CaptureTimestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return CaptureTimestamp(seconds: Int64(ts.tv_sec), microseconds: Int32(ts.tv_nsec / 1000))
    }

    public static func < (a: CaptureTimestamp, b: CaptureTimestamp) -> Bool {
        a.totalMicroseconds < b.totalMicroseconds
    }

    public var description: String {
        let us = String(microseconds)
        return "\(seconds).\(String(repeating: "0", count: max(0, 6 - us.count)))\(us)"
    }
}

/// One PPP frame read back from a capture.
public struct CaptureRecord: Hashable, Sendable {
    /// 1-based position in the file, counting every record (as tshark numbers frames).
    public var frameNumber: Int
    public var timestamp: CaptureTimestamp
    /// nil when the link type does not record a direction (DLT_PPP, DLT_PPP_SERIAL, …).
    public var direction: CaptureDirection?
    public var protocolNumber: UInt16
    public var information: [UInt8]
    /// false when the capture's snap length cut the frame short (information is partial).
    public var isComplete: Bool

    public init(frameNumber: Int, timestamp: CaptureTimestamp, direction: CaptureDirection?,
                protocolNumber: UInt16, information: [UInt8], isComplete: Bool = true) {
        self.frameNumber = frameNumber
        self.timestamp = timestamp
        self.direction = direction
        self.protocolNumber = protocolNumber
        self.information = information
        self.isComplete = isComplete
    }
}

/// A record the reader could not turn into a PPP frame (not PPP, or too short), kept so
/// callers can say what they skipped rather than hide it.
public struct SkippedRecord: Hashable, Sendable {
    public var frameNumber: Int
    public var reason: String
    public init(frameNumber: Int, reason: String) {
        self.frameNumber = frameNumber
        self.reason = reason
    }
}
