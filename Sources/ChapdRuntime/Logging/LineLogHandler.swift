import Logging
import NIOConcurrencyHelpers
#if canImport(Glibc)
import Glibc
#endif

/// Where chapd's log lines go: pppd's `logfd N` (default: standard error) or `logfile FILE`.
/// Lines are pppd's own words, one per line, no decoration, so operators' greps keep working.
public final class LogSink: @unchecked Sendable {
    private let lock = NIOLock()
    private let fd: CInt
    private let ownsFD: Bool

    public init(fd: CInt) {
        self.fd = fd
        self.ownsFD = false
    }

    public init(appendingTo path: String) throws(LineError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LineError.errno(.open, "Can't open log file \(path)") }
        self.fd = fd
        self.ownsFD = true
    }

    /// The descriptor log lines go to (connect scripts' standard error, as pppd's log_to_fd).
    var descriptor: CInt { fd }

    public func write(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(0x0a)
        lock.withLock {
            var off = 0
            while off < bytes.count {
                let n = bytes[off...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                if n <= 0 {
                    if n < 0 && errno == EINTR { continue }
                    // EAGAIN on a non-blocking descriptor: give up on this line rather than spin.
                    return
                }
                off += n
            }
        }
    }

    deinit { if ownsFD { close(fd) } }
}

/// A swift-log handler writing through a `LogSink`. The `debug` option lowers the level to
/// `.debug`, which is where the `sent [...]`/`rcvd [...]` frame lines are logged.
public struct LineLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let sink: LogSink

    public init(sink: LogSink, level: Logger.Level) {
        self.sink = sink
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(
        level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?,
        source: String, file: String, function: String, line: UInt
    ) {
        // A link tag (`[ttyS3]`, `[tcp 127.0.0.1:40112]`) when several links share one process.
        if let link = metadata?["link"] ?? self.metadata["link"] {
            sink.write("[\(link)] \(message)")
        } else {
            sink.write("\(message)")
        }
    }
}
