import CPcap
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation  // NSLock
import PPPFraming

/// Writes a pcap file of link type DLT_PPP_WITH_DIR (204), chapd's `record FILE`.
///
/// Each record is one direction octet (0 received, 1 sent) and the PPP frame as it was on the
/// wire after HDLC decoding, but always in the uncompressed form `ff 03` + 2-octet protocol +
/// information, whatever ACFC/PFC the link agreed: dissectors then never have to guess.
/// Every frame is flushed at once, so the file is readable while the link is up and
/// complete if chapd is killed. Thread-safe: a lock serialises writers.
public final class CaptureWriter: @unchecked Sendable {
    public static let linkType = CaptureLinkType.pppWithDirection
    /// Large enough for any PPP frame we can receive (MRU is at most 65535).
    static let snapLength: Int32 = 65535 + 5

    public let path: String
    private let lock = NSLock()
    private var pcap: OpaquePointer?
    private var dumper: OpaquePointer?
    private var framesWritten = 0

    /// Creates (truncating) the capture file and writes its header.
    public init(path: String) throws(CaptureError) {
        self.path = path
        guard let p = pcap_open_dead(Int32(Self.linkType.rawValue), Self.snapLength) else {
            throw CaptureError(.cannotOpen, "cannot record to \(path): libpcap could not set up a writer")
        }
        // fopen ourselves so the error carries a trustworthy errno.
        guard let file = fopen(path, "wb") else {
            let reason = String(cString: strerror(errno))
            pcap_close(p)
            throw CaptureError(.cannotOpen, "cannot record to \(path): \(reason)")
        }
        guard let d = pcap_dump_fopen(p, file) else {
            let reason = String(cString: pcap_geterr(p))
            fclose(file)
            pcap_close(p)
            throw CaptureError(.cannotOpen, "cannot record to \(path): \(reason)")
        }
        guard pcap_dump_flush(d) == 0 else {
            pcap_dump_close(d)
            pcap_close(p)
            throw CaptureError(.cannotOpen, "cannot record to \(path): writing the file header failed")
        }
        pcap = p
        dumper = d
    }

    deinit { closeLocked() }

    /// Number of frames written so far.
    public var count: Int {
        lock.lock(); defer { lock.unlock() }
        return framesWritten
    }

    /// Records one frame. `information` is the PPP information field (no header, no FCS).
    public func write(direction: CaptureDirection, timestamp: CaptureTimestamp,
                      protocolNumber: UInt16, information: some Collection<UInt8>) throws(CaptureError) {
        var record: [UInt8] = []
        record.reserveCapacity(5 + information.count)
        record.append(direction == .sent ? 1 : 0)
        record.append(0xff)
        record.append(0x03)
        record.append(UInt8(protocolNumber >> 8))
        record.append(UInt8(protocolNumber & 0xff))
        record.append(contentsOf: information)

        lock.lock(); defer { lock.unlock() }
        guard let d = dumper else {
            throw CaptureError(.closed, "capture \(path) is closed")
        }
        var header = pcap_pkthdr()
        header.ts.tv_sec = .init(timestamp.seconds)
        header.ts.tv_usec = .init(timestamp.microseconds)
        let length = UInt32(min(record.count, Int(UInt32.max)))
        header.caplen = min(length, UInt32(Self.snapLength))
        header.len = length
        record.withUnsafeBufferPointer { buf in
            // pcap_dump's first argument is the dumper disguised as u_char*, per libpcap's API.
            pcap_dump(UnsafeMutableRawPointer(d).assumingMemoryBound(to: UInt8.self), &header, buf.baseAddress)
        }
        guard pcap_dump_flush(d) == 0 else {
            throw CaptureError(.writeFailed, "writing frame \(framesWritten + 1) to \(path) failed: \(String(cString: strerror(errno)))")
        }
        framesWritten += 1
    }

    /// Closes the file; later writes throw `.closed`. Safe to call twice.
    public func close() {
        lock.lock(); defer { lock.unlock() }
        closeLocked()
    }

    private func closeLocked() {
        if let d = dumper { pcap_dump_close(d) }
        if let p = pcap { pcap_close(p) }
        dumper = nil
        pcap = nil
    }
}

extension CaptureWriter {
    /// Records a decoded frame; the header is written uncompressed whatever the link agreed.
    public func write(direction: CaptureDirection, timestamp: CaptureTimestamp, frame: PPPFrame) throws(CaptureError) {
        try write(direction: direction, timestamp: timestamp, protocolNumber: frame.protocolNumber, information: frame.information)
    }
}
