import ChapdControl
import CLineSupport
import Foundation
import ProgramRunning

/// Helpers for tests of `chapd serve`: loopback sockets, the chapctl binary, plain HTTP.
enum ServerSupport {
    static var chapctlPath: String {
        if let p = ProcessInfo.processInfo.environment["CHAPCTL_BINARY"] { return p }
        return ChapdHarness.packageRoot.appendingPathComponent(".build/debug/chapctl").path
    }

    /// A loopback TCP port nobody listens on now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket: errno \(errno)") }
        defer { close(fd) }
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_addr.s_addr = inet_addr("127.0.0.1")
        a.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let r = withUnsafeMutablePointer(to: &a) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p -> Int32 in
                guard bind(fd, p, len) == 0 else { return -1 }
                return getsockname(fd, p, &len)
            }
        }
        guard r == 0 else { throw HarnessError("bind: errno \(errno)") }
        return Int(UInt16(bigEndian: a.sin_port))
    }

    /// A connected loopback socket (blocking, close-on-exec so only the peer chapd gets it).
    static func connect(port: Int, timeout: Double = 10) throws -> CInt {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw HarnessError("socket: errno \(errno)") }
            var a = sockaddr_in()
            a.sin_family = sa_family_t(AF_INET)
            a.sin_addr.s_addr = inet_addr("127.0.0.1")
            a.sin_port = UInt16(port).bigEndian
            let r = withUnsafePointer(to: &a) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if r == 0 { return fd }
            close(fd)
            guard Date() < deadline else { throw HarnessError("connect 127.0.0.1:\(port): errno \(errno)") }
            usleep(50_000)
        }
    }

    /// Runs chapctl and collects its output.
    static func chapctl(_ arguments: [String]) throws -> ProgramRun {
        try runProgram(chapctlPath, arguments)
    }

    /// GET over HTTP/1.0 on loopback; the body.
    static func httpGet(port: Int, path: String) throws -> String {
        let fd = try connect(port: port)
        defer { close(fd) }
        let request = Array("GET \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            response += buffer[0..<n]
        }
        let text = String(decoding: response, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw HarnessError("no HTTP response: \(text)") }
        return String(text[split.upperBound...])
    }

    /// The value of a Prometheus sample line `name{labels} value` (labels exactly as given).
    static func sample(_ text: String, _ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    /// A pty whose slave the server serves as a `line`; the test's peer runs on the master.
    final class PtyLine {
        let master: CInt
        let slavePath: String
        private var hold: CInt

        init() throws {
            var name = [CChar](repeating: 0, count: 128)
            master = chapd_open_pty(&name, name.count)
            guard master >= 0 else { throw HarnessError("cannot allocate a pty") }
            slavePath = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            // Raw at once and held open: a master whose slave nobody has open reads as a hang-up.
            hold = open(slavePath, O_RDWR | O_NOCTTY | O_CLOEXEC)
            var t = termios()
            if hold >= 0 && tcgetattr(hold, &t) == 0 {
                cfmakeraw(&t)
                tcsetattr(hold, TCSANOW, &t)
            }
        }

        deinit {
            if hold >= 0 { close(hold) }
            close(master)
        }
    }
}

extension ServerSupport {
    /// A connected unix stream socket.
    static func connect(unixPath path: String, timeout: Double = 10) throws -> CInt {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let failure: ControlClient.UnixConnectFailure
            switch ControlClient.connectUnixStream(path: path) {
            case .success(let fd): return fd
            case .failure(let f): failure = f
            }
            guard Date() < deadline else { throw HarnessError("connect \(path): errno \(failure.errno)") }
            usleep(50_000)
        }
    }
}
