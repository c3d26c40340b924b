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

    final class Running: @unchecked Sendable {
        let process: Process
        let logPath: String
        init(process: Process, logPath: String) {
            self.process = process
            self.logPath = logPath
        }
        var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

        /// Waits up to `timeout` seconds; a process still running then is killed (status -9).
        func wait(timeout: Double) -> Outcome {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return Outcome(status: -9, log: log)
            }
            return Outcome(status: process.terminationStatus, log: log)
        }

        /// Polls the log until `text` appears (or the process exits / time runs out).
        @discardableResult
        func waitForLog(_ text: String, timeout: Double) -> Bool {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if log.contains(text) { return true }
                if !process.isRunning { return log.contains(text) }
                usleep(20_000)
            }
            return false
        }

        func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }
    }

    /// Common options: the harness's secrets, an empty options directory (so the machine's
    /// /etc/ppp/options cannot interfere), debug logging to standard error.
    func baseOptions() -> [String] {
        ["optionsdir", directory.path, "chap-secrets", secretsPath, "debug", "nodetach", "logfd", "2"]
    }

    /// Starts two chapd processes joined by a new pty: `device` opens the slave, `stdio`
    /// runs with `notty` on the master.
    func startPair(device deviceOptions: [String], stdio stdioOptions: [String]) throws -> (device: Running, stdio: Running) {
        var name = [CChar](repeating: 0, count: 128)
        let master = chapd_open_pty(&name, name.count)
        guard master >= 0 else { throw HarnessError("cannot allocate a pty") }
        let slavePath = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let masterHandle = FileHandle(fileDescriptor: master, closeOnDealloc: true)
        // Hold the slave open until both sides run: a master whose slave nobody has open
        // reads as a hang-up (EIO), which would end the notty side before it began.
        let slaveHold = open(slavePath, O_RDWR | O_NOCTTY)
        defer { if slaveHold >= 0 { close(slaveHold) } }

        let stdio = try launch(["notty"] + baseOptions() + stdioOptions, tag: "stdio") { p in
            p.standardInput = masterHandle
            p.standardOutput = masterHandle
        }
        let device = try launch([slavePath, "115200", "local"] + baseOptions() + deviceOptions, tag: "device") { p in
            p.standardInput = FileHandle.nullDevice
            p.standardOutput = FileHandle.nullDevice
        }
        try masterHandle.close()
        _ = device.waitForLog("sent [LCP ConfReq", timeout: 5)
        return (device, stdio)
    }

    func launch(_ arguments: [String], tag: String, configure: (Process) -> Void) throws -> Running {
        guard FileManager.default.isExecutableFile(atPath: Self.chapdPath) else {
            throw HarnessError("chapd is not built at \(Self.chapdPath): run `swift build` first")
        }
        let logPath = directory.appendingPathComponent("\(tag)-\(UUID().uuidString).log").path
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.chapdPath)
        p.arguments = arguments
        configure(p)
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try p.run()
        return Running(process: p, logPath: logPath)
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
