import CPcap

/// What reading a capture produced. A capture that breaks off part-way still yields every
/// record before the break; `error` then says where and why.
public struct CaptureReadResult: Hashable, Sendable {
    public var linkType: CaptureLinkType
    public var records: [CaptureRecord]
    public var skipped: [SkippedRecord]
    /// Set when the file is truncated or damaged; `frameNumber` is the first unreadable record.
    public var error: CaptureError?
}

/// Reads captures made by chapd (DLT_PPP_WITH_DIR), by tcpdump/tshark on a PPP or PPPoE
/// link, or by pppd-style tools; see `CaptureLinkType` for the link types understood.
public struct CaptureReader: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// Reads the whole file. Throws only when nothing can be read at all (missing file, not a
    /// capture, a link type without PPP); a break part-way is reported in the result.
    public func read() throws(CaptureError) -> CaptureReadResult {
        var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        guard let p = pcap_open_offline_with_tstamp_precision(path, UInt32(PCAP_TSTAMP_PRECISION_MICRO), &errbuf) else {
            var reason = errbuf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            // libpcap often starts its message with the path; don't say it twice.
            if reason.hasPrefix(path + ": ") { reason.removeFirst(path.count + 2) }
            throw CaptureError(.cannotOpen, "cannot read capture \(path): \(reason)")
        }
        defer { pcap_close(p) }
        let dlt = pcap_datalink(p)
        guard let linkType = CaptureLinkType(rawValue: dlt) else {
            let name = pcap_datalink_val_to_name(dlt).map { String(cString: $0) } ?? "unknown"
            throw CaptureError(.unsupportedLinkType,
                               "capture \(path) has link type \(dlt) (\(name)), which carries no PPP frames this reader understands")
        }

        var result = CaptureReadResult(linkType: linkType, records: [], skipped: [], error: nil)
        var frameNumber = 0
        while true {
            var header: UnsafeMutablePointer<pcap_pkthdr>?
            var data: UnsafePointer<UInt8>?
            let status = pcap_next_ex(p, &header, &data)
            if status == PCAP_ERROR_BREAK { break }  // -2: clean end of file
            frameNumber += 1
            guard status == 1, let h = header?.pointee, let bytes = data else {
                let reason = status == PCAP_ERROR ? String(cString: pcap_geterr(p)) : "libpcap status \(status)"
                result.error = CaptureError(.corrupt, "capture \(path) breaks at frame \(frameNumber): \(reason)",
                                            frameNumber: frameNumber)
                break
            }
            let record = Array(UnsafeBufferPointer(start: bytes, count: Int(h.caplen)))
            let timestamp = CaptureTimestamp(seconds: Int64(h.ts.tv_sec), microseconds: Int32(h.ts.tv_usec))
            switch linkType.parse(record) {
            case .frame(let direction, let proto, let information):
                result.records.append(CaptureRecord(
                    frameNumber: frameNumber, timestamp: timestamp, direction: direction,
                    protocolNumber: proto, information: information, isComplete: h.caplen >= h.len))
            case .skipped(let reason):
                result.skipped.append(SkippedRecord(frameNumber: frameNumber, reason: reason))
            }
        }
        return result
    }
}
