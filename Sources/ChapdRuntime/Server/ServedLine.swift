import Dispatch
import Foundation
import Logging
import NIOCore
import NIOPosix

/// A serial or pty device the server owns, as a getty does: open and configure it, run one
/// link on it, then reset it (flush, drop DTR with `modem`) and serve the next caller. A line
/// that cannot be opened is retried with a growing delay, never in a busy loop. The opening,
/// resetting and waiting happen on a dispatch queue, never on an event loop.
final class ServedLine: @unchecked Sendable {
    let device: String
    let template: LinkTemplate
    private unowned let server: Server
    private let logger: Logger
    private let queue: DispatchQueue
    /// On `queue` only.
    private var stopped = false
    private var backoff: TimeInterval = 1
    private var lock: UUCPLock?
    private var saved: termios?
    private var restoreFD: CInt = -1

    init(device: String, template: LinkTemplate, server: Server, logger: Logger) {
        self.device = device
        self.template = template
        self.server = server
        var l = logger
        l[metadataKey: "link"] = "\(Self.shortName(device))"
        self.logger = l
        self.queue = DispatchQueue(label: "chapd.line.\(device)")
    }

    /// `ttyS3` for `/dev/ttyS3`, `pts/4` for `/dev/pts/4`: pppd's way of naming a line.
    static func shortName(_ device: String) -> String {
        device.hasPrefix("/dev/") ? String(device.dropFirst(5)) : device
    }

    func start() { queue.async { self.open() } }

    /// No further callers (the line was removed, or the server is stopping). A link in
    /// progress is ended by the server, not here.
    func stop() { queue.async { self.stopped = true } }

    private func open() {
        guard !stopped else { return }
        var fd: CInt = -1
        do {
            if template.lock {
                let l = UUCPLock(device: device)
                try l.acquire()
                lock = l
            }
            fd = try LineDevice.open(path: device)
            try LineDevice.checkPollable(fd: fd, name: device)
            saved = try LineDevice.configure(fd: fd, settings: template.lineSettings, name: device)
            restoreFD = dup(fd)
        } catch {
            if fd >= 0 { close(fd) }
            lock?.release()
            lock = nil
            let delay = backoff
            backoff = min(backoff * 2, 60)
            logger.error("\((error as? LineError)?.message ?? "\(error)"); retrying in \(Int(delay)) s")
            queue.asyncAfter(deadline: .now() + delay) { self.open() }
            return
        }
        backoff = 1
        let out = dup(fd)
        server.serveLine(self, input: fd, output: out) { [self] in
            queue.async { self.reset() }
        }
    }

    /// The link ended: give the line back as pppd leaves it, then serve it again.
    private func reset() {
        if restoreFD >= 0 {
            tcflush(restoreFD, TCIOFLUSH)
            if !template.lineSettings.local, var t = saved {
                // `modem`: hang up the caller by dropping DTR for a second (speed B0).
                var hangup = t
                cfsetospeed(&hangup, speed_t(B0))
                _ = tcsetattr(restoreFD, TCSANOW, &hangup)
                Thread.sleep(forTimeInterval: 1)
                _ = tcsetattr(restoreFD, TCSANOW, &t)
            } else if let t = saved {
                LineDevice.restore(fd: restoreFD, t)
            }
            close(restoreFD)
            restoreFD = -1
        }
        lock?.release()
        lock = nil
        // A short pause: a caller that hangs up and redials at once gets a fresh line.
        queue.asyncAfter(deadline: .now() + 0.5) { self.open() }
    }
}
