#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What identifies one version of a file on disk: a change to any field means "reload".
public struct FileSignature: Hashable, Sendable {
    public var device: UInt64
    public var inode: UInt64
    public var size: Int64
    public var modifiedSeconds: Int64
    public var modifiedNanoseconds: Int64
    public var mode: UInt32
}

/// Reading secrets files with pppd's permission rules, through one open descriptor (so the
/// checks and the bytes read are about the same file).
enum FileAccess {
    /// Refuse anything bigger: a secrets file is small, and this bounds memory.
    static let maximumSize = 256 * 1024 * 1024

    struct Contents {
        var bytes: [UInt8]
        var signature: FileSignature
        /// Permission warnings (world/group access).
        var warnings: [String]
    }

    enum Failure: Error {
        /// The file could not be opened or read (missing, no permission, I/O error).
        case unreadable(String)
        /// The file was read but is refused by policy (not regular, writable by others).
        case refused(String)
    }

    static func errnoText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    static func signature(of st: stat) -> FileSignature {
        #if canImport(Darwin)
        let seconds = Int64(st.st_mtimespec.tv_sec), nanos = Int64(st.st_mtimespec.tv_nsec)
        #else
        let seconds = Int64(st.st_mtim.tv_sec), nanos = Int64(st.st_mtim.tv_nsec)
        #endif
        return FileSignature(device: UInt64(truncatingIfNeeded: st.st_dev),
                             inode: UInt64(truncatingIfNeeded: st.st_ino),
                             size: Int64(st.st_size),
                             modifiedSeconds: seconds, modifiedNanoseconds: nanos,
                             mode: UInt32(st.st_mode))
    }

    /// The file's signature now, or nil if it cannot be stat'ed (missing).
    static func currentSignature(path: String) -> FileSignature? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return signature(of: st)
    }

    /// Opens, checks and reads a secrets file (main or `@/indirect`).
    /// pppd's check_access() warns about any group/other permission bits; like pppd 2.5.x's
    /// stricter stance, chapd refuses a file that is not a regular file or that group or
    /// others may write (anyone who can write it can grant themselves access).
    static func load(path: String) -> Result<Contents, Failure> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(.unreadable("cannot open: \(errnoText(errno))")) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .failure(.unreadable("cannot stat: \(errnoText(errno))")) }
        let mode = UInt32(st.st_mode)
        guard mode & UInt32(S_IFMT) == UInt32(S_IFREG) else {
            return .failure(.refused("is not a regular file; refusing to use it"))
        }
        guard mode & UInt32(S_IWGRP | S_IWOTH) == 0 else {
            return .failure(.refused("is writable by group or others; refusing to use it (chmod go-w)"))
        }
        var warnings: [String] = []
        if mode & UInt32(S_IRWXG | S_IRWXO) != 0 {
            warnings.append("Warning - secret file \(path) has world and/or group access")
        }
        guard st.st_size <= maximumSize else {
            return .failure(.refused("is larger than \(maximumSize) bytes; refusing to read it"))
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(st.st_size))
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(.unreadable("read error: \(errnoText(errno))"))
            }
            if n == 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
            if bytes.count > maximumSize {
                return .failure(.refused("is larger than \(maximumSize) bytes; refusing to read it"))
            }
        }
        return .success(Contents(bytes: bytes, signature: signature(of: st), warnings: warnings))
    }
}
