import CLineSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a line could not be opened or set up; the daemon maps it to pppd's exit status 7
/// (open failed) or 6 (lock failed).
public struct LineError: Error, CustomStringConvertible {
    public enum Kind: Sendable { case open, lock, termios, pty }
    public let kind: Kind
    public let message: String
    public var description: String { message }

    static func errno(_ kind: Kind, _ what: String) -> LineError {
        LineError(kind: kind, message: "\(what): \(String(cString: strerror(Glibc.errno)))")
    }
}

/// The serial-line settings pppd applies (tty.c): raw mode, speed, modem control lines.
public struct LineSettings: Sendable {
    public var speed: Int?
    /// `local`: ignore modem control lines (CLOCAL); `modem`: honour them.
    public var local: Bool = false
    /// `crtscts` / `nocrtscts`; nil leaves the hardware flow control setting alone.
    public var hardwareFlowControl: Bool?
    /// `xonxoff`: software flow control (the LCP asyncmap then escapes XON and XOFF).
    public var softwareFlowControl = false
    public init(speed: Int? = nil, local: Bool = false, hardwareFlowControl: Bool? = nil, softwareFlowControl: Bool = false) {
        self.speed = speed
        self.local = local
        self.hardwareFlowControl = hardwareFlowControl
        self.softwareFlowControl = softwareFlowControl
    }
}

/// Opening and configuring the file descriptors chapd runs PPP over.
public enum LineDevice {
    /// Opens a tty or pty slave for reading and writing, without making it our controlling tty.
    public static func open(path: String) throws(LineError) -> CInt {
        let fd = Glibc.open(path, O_RDWR | O_NOCTTY | O_NONBLOCK)
        guard fd >= 0 else { throw LineError.errno(.open, "Failed to open \(path)") }
        return fd
    }

    /// Raw 8-bit mode with the requested speed and control-line handling. Returns the
    /// previous settings so they can be restored when the link ends (as pppd does).
    @discardableResult
    public static func configure(fd: CInt, settings: LineSettings, name: String) throws(LineError) -> termios? {
        guard isatty(fd) == 1 else { return nil }
        var original = termios()
        guard tcgetattr(fd, &original) == 0 else { throw LineError.errno(.termios, "tcgetattr(\(name))") }
        var t = original
        cfmakeraw(&t)
        t.c_cflag |= tcflag_t(CREAD | HUPCL)
        if settings.local { t.c_cflag |= tcflag_t(CLOCAL) } else { t.c_cflag &= ~tcflag_t(CLOCAL) }
        if let flow = settings.hardwareFlowControl {
            if flow { t.c_cflag |= tcflag_t(CRTSCTS) } else { t.c_cflag &= ~tcflag_t(CRTSCTS) }
        }
        t.c_iflag |= tcflag_t(IGNBRK | IGNPAR)
        if settings.softwareFlowControl {
            t.c_iflag |= tcflag_t(IXON | IXOFF)
            withUnsafeMutablePointer(to: &t.c_cc) { cc in
                cc.withMemoryRebound(to: cc_t.self, capacity: Int(NCCS)) { c in
                    c[Int(VSTART)] = 0x11
                    c[Int(VSTOP)] = 0x13
                }
            }
        }
        withUnsafeMutablePointer(to: &t.c_cc) { cc in
            cc.withMemoryRebound(to: cc_t.self, capacity: Int(NCCS)) { c in
                c[Int(VMIN)] = 1
                c[Int(VTIME)] = 0
            }
        }
        if let speed = settings.speed {
            guard let code = speedCode(speed) else {
                throw LineError(kind: .termios, message: "speed \(speed) not supported")
            }
            cfsetispeed(&t, code)
            cfsetospeed(&t, code)
        }
        guard tcsetattr(fd, TCSAFLUSH, &t) == 0 else { throw LineError.errno(.termios, "tcsetattr(\(name))") }
        return original
    }

    /// The event loop can only watch descriptors epoll accepts (ttys, ptys, pipes, sockets);
    /// a regular file or /dev/null is refused here with a clear error instead.
    public static func checkPollable(fd: CInt, name: String) throws(LineError) {
        switch chapd_is_pollable(fd) {
        case 1: return
        case 0: throw LineError(kind: .open, message: "\(name) cannot carry PPP: not a tty, pty, pipe or socket")
        default: throw LineError.errno(.open, "Can't watch \(name)")
        }
    }

    public static func restore(fd: CInt, _ original: termios) {
        var t = original
        _ = tcsetattr(fd, TCSANOW, &t)
    }

    static func speedCode(_ speed: Int) -> speed_t? {
        let table: [Int: Int32] = [
            50: B50, 75: B75, 110: B110, 134: B134, 150: B150, 200: B200, 300: B300, 600: B600,
            1200: B1200, 1800: B1800, 2400: B2400, 4800: B4800, 9600: B9600, 19200: B19200,
            38400: B38400, 57600: B57600, 115200: B115200, 230400: B230400, 460800: B460800,
            500000: B500000, 576000: B576000, 921600: B921600, 1000000: B1000000,
            1152000: B1152000, 1500000: B1500000, 2000000: B2000000, 2500000: B2500000,
            3000000: B3000000, 3500000: B3500000, 4000000: B4000000,
        ]
        return table[speed].map { speed_t($0) }
    }

    /// A new pseudo-terminal: the master for us, the slave's path for the program at its
    /// other end (pppd's `pty` option, and the tests' pty pairs).
    public static func openPseudoTerminal() throws(LineError) -> (master: CInt, slavePath: String) {
        var name = [CChar](repeating: 0, count: 128)
        let master = chapd_open_pty(&name, name.count)
        guard master >= 0 else { throw LineError.errno(.pty, "Couldn't allocate pseudo-tty") }
        return (master, String(cString: name))
    }
}
