// chapctl's side of the control socket: a blocking one-shot unix-socket exchange.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a control exchange failed, worded for the operator (chapctl prefixes "chapctl: ").
public enum ControlClientError: Error, Equatable, CustomStringConvertible {
    case notRunning(path: String)
    case permissionDenied(path: String)
    case noAnswer(path: String)
    case pathTooLong(path: String)
    case tooLarge(path: String)
    case unreadableAnswer(path: String, reason: String)
    case system(path: String, doing: String, reason: String)
    /// The server answered `ok: false`.
    case refused(String)

    public var description: String {
        switch self {
        case .notRunning(let path): return "chapd is not running (no control socket at \(path))"
        case .permissionDenied(let path): return "permission denied on \(path) (the control socket is for root or its owner)"
        case .noAnswer(let path): return "no answer from chapd on \(path)"
        case .pathTooLong(let path): return "control socket path \(path) is longer than \(ControlClient.maxPathLength) bytes"
        case .tooLarge(let path): return "the answer from chapd on \(path) is larger than \(ControlClient.maxAnswerLength >> 20) MiB"
        case .unreadableAnswer(let path, let reason): return "chapd on \(path) sent an answer chapctl cannot read: \(reason)"
        case .system(let path, let doing, let reason): return "\(doing) \(path): \(reason)"
        case .refused(let text): return "chapd: \(text)"
        }
    }
}

public enum ControlClient {
    /// sockaddr_un's sun_path holds 108 octets including the NUL.
    public static let maxPathLength = 107
    /// Sessions tables of many thousand links fit easily; anything beyond is not chapd.
    public static let maxAnswerLength = 64 << 20

    /// Sends `request` to the control socket at `path` and returns the answer; an `ok: false`
    /// answer is thrown as `.refused`. Each read waits at most `timeoutSeconds`.
    public static func exchange(_ request: ControlRequest, path: String = ControlProtocol.defaultSocketPath,
                                timeoutSeconds: Int = 10) throws(ControlClientError) -> ControlResponse {
        let bytes = try roundTrip(request, path: path, timeoutSeconds: timeoutSeconds)
        let response: ControlResponse
        do {
            response = try JSONDecoder().decode(ControlResponse.self, from: Data(bytes))
        } catch {
            throw .unreadableAnswer(path: path, reason: String(describing: error))
        }
        if !response.ok { throw .refused(response.error ?? "request failed (no reason given)") }
        return response
    }

    /// Why `connectUnixStream` failed: socket(2) or connect(2), and its errno.
    public struct UnixConnectFailure: Error {
        public let connecting: Bool
        public let errno: Int32
    }

    /// A close-on-exec unix stream socket connected to `path` (at most `maxPathLength`
    /// octets; longer fails as ENAMETOOLONG). The caller closes it. `timeoutSeconds` bounds
    /// every send and receive, and the connect itself (a chapd too busy to accept, its
    /// backlog full, makes connect wait: EAGAIN once the timeout passes).
    public static func connectUnixStream(path: String, timeoutSeconds: Int? = nil) -> Result<CInt, UnixConnectFailure> {
        guard path.utf8.count <= maxPathLength else { return .failure(.init(connecting: true, errno: ENAMETOOLONG)) }
        #if canImport(Glibc)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return .failure(.init(connecting: false, errno: errno)) }
        if let timeoutSeconds {
            var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path.utf8)  // zero-filled, so the NUL is already there
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            let e = errno
            close(fd)
            return .failure(.init(connecting: true, errno: e))
        }
        return .success(fd)
    }

    /// The raw exchange: connect, write the request line, read to end of stream.
    static func roundTrip(_ request: ControlRequest, path: String, timeoutSeconds: Int) throws(ControlClientError) -> [UInt8] {
        guard path.utf8.count <= maxPathLength else { throw .pathTooLong(path: path) }
        let line: [UInt8]
        do { line = try request.encodedLine() } catch {
            throw .unreadableAnswer(path: path, reason: "cannot encode the request: \(error)")
        }

        let fd: CInt
        switch connectUnixStream(path: path, timeoutSeconds: timeoutSeconds) {
        case .success(let connected): fd = connected
        case .failure(let failure):
            switch failure.errno {
            case ENOENT, ECONNREFUSED, ENOTDIR: throw .notRunning(path: path)
            case EACCES, EPERM: throw .permissionDenied(path: path)
            case EAGAIN, ETIMEDOUT: throw .noAnswer(path: path)
            default: throw .system(path: path, doing: failure.connecting ? "cannot connect to" : "cannot make a socket for",
                                   reason: errorText(failure.errno))
            }
        }
        defer { close(fd) }

        var offset = 0
        while offset < line.count {
            let n = line[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                if e == EAGAIN || e == EWOULDBLOCK { throw .noAnswer(path: path) }
                throw .system(path: path, doing: "cannot send to", reason: errorText(e))
            }
            offset += n
        }

        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { break }
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                if e == EAGAIN || e == EWOULDBLOCK { throw .noAnswer(path: path) }
                throw .system(path: path, doing: "cannot read from", reason: errorText(e))
            }
            guard answer.count + n <= maxAnswerLength else { throw .tooLarge(path: path) }
            answer.append(contentsOf: buffer[0..<n])
        }
        guard !answer.isEmpty else { throw .noAnswer(path: path) }
        return answer
    }

    static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }
}
