// What the parser needs from the outside world, injectable so tests need no real files.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The result of reading an options file.
public enum FileReadResult: Sendable, Equatable {
    case contents([UInt8])
    /// The file (or a directory on its path) does not exist: optional files are skipped.
    case notFound
    /// Any other failure, with the system's reason ("Permission denied").
    case failed(String)
}

public struct OptionContext: Sendable {
    /// Default options directory; `CHAPD_OPTIONS_DIR` in `environment` and the command-line
    /// option `optionsdir DIR` override it, in that order of strength (command line wins).
    public var optionsDirectory: String
    public var environment: [String: String]
    public var readFile: @Sendable (String) -> FileReadResult
    /// Is this absolute path a character device? (pppd accepts such a word as the device.)
    public var isCharacterDevice: @Sendable (String) -> Bool
    public var hostname: @Sendable () -> String

    public init(optionsDirectory: String = "/etc/ppp",
                environment: [String: String] = [:],
                readFile: @escaping @Sendable (String) -> FileReadResult,
                isCharacterDevice: @escaping @Sendable (String) -> Bool = { _ in false },
                hostname: @escaping @Sendable () -> String = { "localhost" }) {
        self.optionsDirectory = optionsDirectory
        self.environment = environment
        self.readFile = readFile
        self.isCharacterDevice = isCharacterDevice
        self.hostname = hostname
    }

    /// The real file system, host name and `CHAPD_OPTIONS_DIR`.
    public static var system: OptionContext {
        var env: [String: String] = [:]
        if let v = getenv("CHAPD_OPTIONS_DIR") { env["CHAPD_OPTIONS_DIR"] = String(cString: v) }
        return OptionContext(environment: env, readFile: SystemFiles.readContents,
                             isCharacterDevice: SystemFiles.isCharacterDevice,
                             hostname: SystemFiles.hostname)
    }
}

enum SystemFiles {
    static func readContents(_ path: String) -> FileReadResult {
        let fd = open(path, O_RDONLY)
        if fd < 0 {
            let e = errno
            if e == ENOENT || e == ENOTDIR { return .notFound }
            return .failed(String(cString: strerror(e)))
        }
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                return .failed(String(cString: strerror(errno)))
            }
            out.append(contentsOf: buffer[0..<n])
            // Options files are small; refuse absurd ones rather than eat memory.
            if out.count > 1 << 20 { return .failed("File too large") }
        }
        return .contents(out)
    }

    static func isCharacterDevice(_ path: String) -> Bool {
        var st = stat()
        guard stat(path, &st) == 0 else { return false }
        return (st.st_mode & S_IFMT) == S_IFCHR
    }

    static func hostname() -> String {
        var buf = [CChar](repeating: 0, count: 256)
        guard gethostname(&buf, buf.count - 1) == 0 else { return "localhost" }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
