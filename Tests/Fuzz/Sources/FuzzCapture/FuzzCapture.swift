#if canImport(Glibc)
import Glibc
#endif
import FuzzCommon
import PPPCapture
import PPPPackets

/// The pcap reader on arbitrary files (written to a per-process temporary file, since the
/// reader takes a path), then every record through pppd's printer and the CHAP exchange
/// analysis. Checks: no trap; no record is larger than the file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCapture(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let path = capturePath
    guard let f = fopen(path, "wb") else { fatalError("cannot write \(path)") }
    if count > 0 { fwrite(start, 1, count, f) }
    fclose(f)
    guard let result = try? CaptureReader(path: path).read() else { return 0 }
    for record in result.records {
        fuzzCheck(record.information.count <= count, "record larger than the file")
        _ = PPPDebugText.logLine(sent: true, protocolNumber: record.protocolNumber, information: record.information)
    }
    _ = CHAPExchange.analyze(result.records)
    return 0
}

private let capturePath: String = {
    let dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
    return "\(dir)/chapd-fuzz-capture-\(getpid()).pcap"
}()
