import CPcap

/// One record of a capture as it was stored, whatever its link type.
public struct RawCaptureRecord: Hashable, Sendable {
    /// 1-based, as tshark numbers frames.
    public var frameNumber: Int
    public var timestamp: CaptureTimestamp
    public var bytes: [UInt8]
    /// false when the snap length cut the record short.
    public var isComplete: Bool

    public init(frameNumber: Int, timestamp: CaptureTimestamp, bytes: [UInt8], isComplete: Bool = true) {
        self.frameNumber = frameNumber
        self.timestamp = timestamp
        self.bytes = bytes
        self.isComplete = isComplete
    }
}

/// Every record of a capture with its link type number, for readers of protocols other than
/// PPP (chapctl's iSCSI inspection). A break part-way is reported, as `CaptureReader` does.
public struct RawCaptureReader: Sendable {
    public let path: String
    public init(path: String) { self.path = path }

    public struct Result: Hashable, Sendable {
        /// The pcap LINKTYPE number (1 Ethernet, 113 Linux cooked, …).
        public var linkType: Int32
        public var linkTypeName: String
        public var records: [RawCaptureRecord]
        public var error: CaptureError?

        public init(linkType: Int32, linkTypeName: String, records: [RawCaptureRecord], error: CaptureError? = nil) {
            self.linkType = linkType
            self.linkTypeName = linkTypeName
            self.records = records
            self.error = error
        }
    }

    public func read() throws(CaptureError) -> Result {
        var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        guard let p = pcap_open_offline_with_tstamp_precision(path, UInt32(PCAP_TSTAMP_PRECISION_MICRO), &errbuf) else {
            var reason = errbuf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            if reason.hasPrefix(path + ": ") { reason.removeFirst(path.count + 2) }
            throw CaptureError(.cannotOpen, "cannot read capture \(path): \(reason)")
        }
        defer { pcap_close(p) }
        let dlt = pcap_datalink(p)
        let name = pcap_datalink_val_to_name(dlt).map { String(cString: $0) } ?? "unknown"
        var result = Result(linkType: dlt, linkTypeName: name, records: [], error: nil)
        var frameNumber = 0
        while true {
            var header: UnsafeMutablePointer<pcap_pkthdr>?
            var data: UnsafePointer<UInt8>?
            let status = pcap_next_ex(p, &header, &data)
            if status == PCAP_ERROR_BREAK { break }
            frameNumber += 1
            guard status == 1, let h = header?.pointee, let bytes = data else {
                let reason = status == PCAP_ERROR ? String(cString: pcap_geterr(p)) : "libpcap status \(status)"
                result.error = CaptureError(.corrupt, "capture \(path) breaks at frame \(frameNumber): \(reason)",
                                            frameNumber: frameNumber)
                break
            }
            result.records.append(RawCaptureRecord(
                frameNumber: frameNumber,
                timestamp: CaptureTimestamp(seconds: Int64(h.ts.tv_sec), microseconds: Int32(h.ts.tv_usec)),
                bytes: Array(UnsafeBufferPointer(start: bytes, count: Int(h.caplen))),
                isComplete: h.caplen >= h.len))
        }
        return result
    }
}
