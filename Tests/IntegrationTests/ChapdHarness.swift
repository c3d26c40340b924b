import CLineSupport
import Foundation
import Testing

/// Runs real chapd processes against each other over a pty pair: one side opens the pty's
/// slave as its DEVICE, the other gets the master as standard input/output (`notty`).
struct ChapdHarness {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var chapdPath: String {
        if let p = ProcessInfo.processInfo.environment["CHAPD_BINARY"] { return p }
        return packageRoot.appendingPathComponent(".build/debug/chapd").path
    }

    let directory: URL

    init(secrets: String) throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("chapd-it-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("chap-secrets").path
        try secrets.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o600)
    }

    var secretsPath: String { directory.appendingPathComponent("chap-secrets").path }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    struct Outcome: CustomStringConvertible {
        var status: Int32
        var log: String
        var description: String { "exit \(status)\n\(log)" }
    }

    /// A chapd process started with `chapd_spawn` (posix_spawn with every descriptor but
    /// 0, 1 and 2 closed in the child), so parallel tests' ptys never leak into each other.
    final class Running: @unchecked Sendable {
        let pid: pid_t
        let logPath: String
        private var exitStatus: Int32?
        init(pid: pid_t, logPath: String) {
            self.pid = pid
            self.logPath = logPath
        }
        var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

        var isRunning: Bool {
            if exitStatus != nil { return false }
            var status: Int32 = 0
            let r = waitpid(pid, &status, WNOHANG)
            guard r == pid else { return r == 0 }
            // Exit code, or the negated signal number for a process killed by a signal.
            let signalled = status & 0x7f
            exitStatus = signalled == 0 ? (status >> 8) & 0xff : -signalled
            return false
        }

        /// Waits up to `timeout` seconds; a process still running then is killed (status -9).
        func wait(timeout: Double) -> Outcome {
            let deadline = Date().addingTimeInterval(timeout)
            while isRunning && Date() < deadline { usleep(20_000) }
            if isRunning {
                kill(pid, SIGKILL)
                while isRunning { usleep(10_000) }
                return Outcome(status: -9, log: log)
            }
            return Outcome(status: exitStatus ?? -1, log: log)
        }

        /// Polls the log until `text` appears (or the process exits / time runs out).
        @discardableResult
        func waitForLog(_ text: String, timeout: Double) -> Bool {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if log.contains(text) { return true }
                if !isRunning { return log.contains(text) }
                usleep(20_000)
            }
            return false
        }

        func signal(_ sig: Int32) {
            if isRunning { kill(pid, sig) }
        }
    }

    /// Common options: the harness's secrets, an empty options directory (so the machine's
    /// /etc/ppp/options cannot interfere), debug logging to standard error, and no
    /// interface (a test never adds interfaces or routes to the machine itself; the
    /// data-plane tests run chapd inside network namespaces of their own).
    func baseOptions() -> [String] {
        ["optionsdir", directory.path, "chap-secrets", secretsPath, "debug", "nodetach", "logfd", "2", "nodataplane"]
    }

    /// Starts two chapd processes joined by a new pty: `device` opens the slave, `stdio`
    /// runs with `notty` on the master.
    func startPair(device deviceOptions: [String], stdio stdioOptions: [String],
                   deviceNamespace: NetworkNamespace? = nil, stdioNamespace: NetworkNamespace? = nil,
                   base: [String]? = nil) throws -> (device: Running, stdio: Running) {
        let base = base ?? baseOptions()
        var name = [CChar](repeating: 0, count: 128)
        let master = chapd_open_pty(&name, name.count)
        guard master >= 0 else { throw HarnessError("cannot allocate a pty") }
        defer { close(master) }
        let slavePath = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // Hold the slave open until both sides run: a master whose slave nobody has open
        // reads as a hang-up (EIO), which would end the notty side before it began.
        let slaveHold = open(slavePath, O_RDWR | O_NOCTTY)
        defer { if slaveHold >= 0 { close(slaveHold) } }
        // A new pty slave echoes in cooked mode: the notty side, started first, would get
        // every frame straight back and rightly declare the line looped back before the
        // device side has set raw mode. Make it raw now, as a real line would be.
        var t = termios()
        if slaveHold >= 0 && tcgetattr(slaveHold, &t) == 0 {
            cfmakeraw(&t)
            tcsetattr(slaveHold, TCSANOW, &t)
        }

        let stdio = try launch(["notty"] + base + stdioOptions, tag: "stdio", stdin: master, stdout: master,
                               prefix: stdioNamespace?.exec ?? [])
        let device = try launch([slavePath, "115200", "local"] + base + deviceOptions, tag: "device",
                                prefix: deviceNamespace?.exec ?? [])
        _ = device.waitForLog("sent [LCP ConfReq", timeout: 5)
        return (device, stdio)
    }

    /// Starts chapd with standard error going to a log file; standard input and output are
    /// the given descriptors (default /dev/null).
    /// `prefix` runs chapd through another program that execs it (`ip netns exec NAME`), so
    /// the pid is still chapd's.
    func launch(_ arguments: [String], tag: String, stdin: CInt? = nil, stdout: CInt? = nil,
                prefix: [String] = []) throws -> Running {
        guard FileManager.default.isExecutableFile(atPath: Self.chapdPath) else {
            throw HarnessError("chapd is not built at \(Self.chapdPath): run `swift build` first")
        }
        let logPath = directory.appendingPathComponent("\(tag)-\(UUID().uuidString).log").path
        let logFD = open(logPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard logFD >= 0 else { throw HarnessError("cannot create \(logPath)") }
        defer { close(logFD) }
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { close(null) }
        let command = prefix + [Self.chapdPath] + arguments
        let argv = command.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = chapd_spawn(command[0], argv, stdin ?? null, stdout ?? null, logFD, &pid)
        guard rc == 0 else { throw HarnessError("cannot start chapd: \(String(cString: strerror(rc)))") }
        return Running(pid: pid, logPath: logPath)
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
