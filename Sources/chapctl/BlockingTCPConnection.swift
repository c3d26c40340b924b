#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why the connection to a portal failed, in words.
struct ConnectionFailure: Error, CustomStringConvertible {
    var description: String
}

/// A plain blocking TCP client for a one-shot CLI login: the I/O edge of `chapctl iscsi login`.
/// Every read and write is bounded by the timeout (SO_RCVTIMEO/SO_SNDTIMEO).
final class BlockingTCPConnection {
    private var fd: Int32 = -1
    let description: String

    init(portal: String, defaultPort: UInt16, timeoutSeconds: Int) throws(ConnectionFailure) {
        let (host, port) = try Self.split(portal, defaultPort: defaultPort)
        description = portal
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw ConnectionFailure(description: "cannot resolve \(host): \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let ai = entry {
            entry = ai.pointee.ai_next
            let s = socket(ai.pointee.ai_family, ai.pointee.ai_socktype, ai.pointee.ai_protocol)
            guard s >= 0 else { lastError = String(cString: strerror(errno)); continue }
            var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
            setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            if connect(s, ai.pointee.ai_addr, ai.pointee.ai_addrlen) == 0 {
                fd = s
                return
            }
            lastError = String(cString: strerror(errno))
            Glibc.close(s)
        }
        throw ConnectionFailure(description: "cannot connect to \(portal): \(lastError)")
    }

    static func split(_ portal: String, defaultPort: UInt16) throws(ConnectionFailure) -> (String, UInt16) {
        var host = portal
        var portText: String?
        if portal.hasPrefix("[") {
            guard let close = portal.firstIndex(of: "]") else { throw ConnectionFailure(description: "portal \(portal): missing ']'") }
            host = String(portal[portal.index(after: portal.startIndex)..<close])
            let rest = portal[portal.index(after: close)...]
            if rest.hasPrefix(":") { portText = String(rest.dropFirst()) } else if !rest.isEmpty {
                throw ConnectionFailure(description: "portal \(portal): expected :PORT after ']'")
            }
        } else if let colon = portal.lastIndex(of: ":"), portal.firstIndex(of: ":") == colon {
            host = String(portal[..<colon])
            portText = String(portal[portal.index(after: colon)...])
        }
        guard let portText else { return (host, defaultPort) }
        guard let port = UInt16(portText), port > 0 else { throw ConnectionFailure(description: "portal \(portal): bad port \"\(portText)\"") }
        return (host, port)
    }

    func send(_ bytes: [UInt8]) throws(ConnectionFailure) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ConnectionFailure(description: "sending to \(description): \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }

    /// Up to 64 KiB; empty at end of stream.
    func receive() throws(ConnectionFailure) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n >= 0 { return Array(buffer.prefix(n)) }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK {
                throw ConnectionFailure(description: "the target at \(description) did not answer in time")
            }
            throw ConnectionFailure(description: "reading from \(description): \(String(cString: strerror(errno)))")
        }
    }

    func close() {
        if fd >= 0 { Glibc.close(fd); fd = -1 }
    }
}
