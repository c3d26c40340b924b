#if canImport(Glibc)
import Glibc
#endif

/// A UUCP-style lock file (`/var/lock/LCK..ttyS0` holding our pid as 10 ASCII digits),
/// pppd's `lock` option. A lock left by a dead process is taken over.
public final class UUCPLock {
    public let path: String
    private var held = false

    public init(device: String, directory: String = "/var/lock") {
        let base = device.split(separator: "/").last.map(String.init) ?? device
        self.path = "\(directory)/LCK..\(base)"
    }

    public func acquire() throws(LineError) {
        for _ in 0..<2 {
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            if fd >= 0 {
                let text = String(repeating: " ", count: max(0, 10 - String(getpid()).count)) + "\(getpid())\n"
                _ = text.withCString { write(fd, $0, strlen($0)) }
                close(fd)
                held = true
                return
            }
            guard errno == EEXIST else { throw LineError.errno(.lock, "Can't create lock file \(path)") }
            // Someone holds it: take it over only if that process no longer exists.
            if let pid = Self.readPid(path), pid > 0, kill(pid, 0) == 0 || errno == EPERM {
                throw LineError(kind: .lock, message: "Device \(path) is locked by pid \(pid)")
            }
            unlink(path)
        }
        throw LineError(kind: .lock, message: "Can't create lock file \(path)")
    }

    public func release() {
        if held { unlink(path); held = false }
    }

    deinit { release() }

    private static func readPid(_ path: String) -> pid_t? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buf = [UInt8](repeating: 0, count: 32)
        let n = read(fd, &buf, 31)
        guard n > 0 else { return nil }
        let s = String(decoding: buf[0..<n], as: UTF8.self).trimmingCharacters(in: " \n\t\0")
        return pid_t(s)
    }
}

private extension String {
    func trimmingCharacters(in set: String) -> String {
        let chars = Set(set)
        var s = Substring(self)
        while let f = s.first, chars.contains(f) { s = s.dropFirst() }
        while let l = s.last, chars.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
