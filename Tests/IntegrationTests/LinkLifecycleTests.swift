import CLineSupport
import Foundation
import ProgramRunning
import Testing

/// Behaviour of a running chapd that operators rely on: re-reading secrets, hook scripts,
/// loopback detection, and captures that chapctl and tshark can read.
extension ChapdProcesses {
@Suite("chapd operations on a live link")
struct LinkLifecycleTests {
    static let server = ChapdProcesses.PtyPairTests.server
    static let alice = ChapdProcesses.PtyPairTests.alice

    @Test func sighupReloadsSecretsWithoutDroppingTheLink() throws {
        let h = try ChapdHarness(secrets: ChapdProcesses.PtyPairTests.secrets)
        defer { h.remove() }
        // The client answers from `password`, so only the server reads the file.
        let (srv, cli) = try h.startPair(device: Self.server + ["chap-interval", "1"], stdio: Self.alice + ["password", "s3cret-alice"])
        #expect(srv.waitForLog("remote IP address 10.1.0.2", timeout: 20), "\(srv.log)\n--- client:\n\(cli.log)")

        // A broken file is refused on SIGHUP; the old secrets stay and re-challenges pass.
        try "alice server \"unterminated\n".write(toFile: h.secretsPath, atomically: false, encoding: .utf8)
        srv.signal(SIGHUP)
        #expect(srv.waitForLog("Keeping previous secrets", timeout: 5), "\(srv.log)")
        let successes = srv.log.components(separatedBy: "sent [CHAP Success").count
        let deadline = Date().addingTimeInterval(10)
        while srv.log.components(separatedBy: "sent [CHAP Success").count < successes + 2 && Date() < deadline {
            usleep(100_000)
        }
        #expect(srv.log.components(separatedBy: "sent [CHAP Success").count >= successes + 2, "\(srv.log)")
        #expect(srv.isRunning)

        // A good file with another secret for alice: the next re-challenge fails.
        try "alice server \"a-new-secret-now\" 10.1.0.2\n".write(toFile: h.secretsPath, atomically: false, encoding: .utf8)
        chmod(h.secretsPath, 0o600)
        srv.signal(SIGHUP)
        let s = srv.wait(timeout: 20)
        _ = cli.wait(timeout: 20)
        #expect(s.log.contains("Re-read secrets file"), "\(s)")
        #expect(s.log.contains("Peer alice failed CHAP authentication"), "\(s)")
        #expect(s.status == 11, "\(s)")
        #expect(!s.log.contains("a-new-secret-now") && !s.log.contains("s3cret-alice"))
    }

    @Test func hookScriptsRunWithPppdArguments() throws {
        let h = try ChapdHarness(secrets: ChapdProcesses.PtyPairTests.secrets)
        defer { h.remove() }
        let out = h.directory.appendingPathComponent("hooks.out").path
        for hook in ["auth-up", "ip-up", "ip-down", "auth-down"] {
            let path = h.directory.appendingPathComponent(hook).path
            try "#!/bin/sh\necho \"\(hook) $* PEERNAME=$PEERNAME IPREMOTE=$IPREMOTE\" >> \(out)\n"
                .write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, 0o755)
        }
        // A failing hook is logged and changes nothing.
        let bad = h.directory.appendingPathComponent("auth-up").path
        try "#!/bin/sh\necho \"auth-up $* PEERNAME=$PEERNAME\" >> \(out)\nexit 3\n".write(toFile: bad, atomically: true, encoding: .utf8)
        chmod(bad, 0o755)

        let (srv, cli) = try h.startPair(device: Self.server, stdio: Self.alice)
        #expect(srv.waitForLog("remote IP address 10.1.0.2", timeout: 20), "\(srv.log)")
        usleep(500_000)
        srv.signal(SIGTERM)
        let s = srv.wait(timeout: 15)
        _ = cli.wait(timeout: 15)
        usleep(300_000)
        let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        #expect(s.status == 5, "\(s)")
        #expect(text.contains("auth-up chapd0 alice server "), "\(text)")
        #expect(text.contains("PEERNAME=alice"), "\(text)")
        #expect(text.contains("ip-up chapd0 ") && text.contains(" 10.1.0.1 10.1.0.2"), "\(text)")
        #expect(text.contains("IPREMOTE=10.1.0.2"), "\(text)")
        #expect(text.contains("ip-down chapd0 "), "\(text)")
        #expect(text.contains("auth-down chapd0 alice server "), "\(text)")
        #expect(s.log.contains("auth-up") && s.log.contains("status = 0x3"), "\(s)")
    }

    @Test func loopedBackLineExits17() throws {
        let h = try ChapdHarness(secrets: ChapdProcesses.PtyPairTests.secrets)
        defer { h.remove() }
        var name = [CChar](repeating: 0, count: 128)
        let master = chapd_open_pty(&name, name.count)
        guard master >= 0 else { throw HarnessError("cannot allocate a pty") }
        let slave = open(String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self), O_RDWR | O_NOCTTY)
        defer { close(slave) }
        defer { close(master) }
        // The far end is `cat` on the raw slave: every frame chapd sends comes straight back
        // unchanged (tty echo would mangle some bytes), for ever.
        var t = termios()
        #expect(tcgetattr(slave, &t) == 0)
        cfmakeraw(&t)
        #expect(tcsetattr(slave, TCSANOW, &t) == 0)
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("cat"), nil]
        defer { argv.forEach { free($0) } }
        var catPid: pid_t = 0
        #expect(chapd_spawn("/bin/cat", argv, slave, slave, 2, &catPid) == 0)
        defer { kill(catPid, SIGKILL); var st: Int32 = 0; waitpid(catPid, &st, 0) }
        let running = try h.launch(["notty"] + h.baseOptions() + ["noauth", "lcp-restart", "1"], tag: "loop", stdin: master, stdout: master)
        let r = running.wait(timeout: 60)
        #expect(r.status == 17, "\(r)")
        #expect(r.log.contains("Serial line is looped back."), "\(r)")
    }

    @Test func lockKeepsASecondChapdOffTheLine() throws {
        let h = try ChapdHarness(secrets: ChapdProcesses.PtyPairTests.secrets)
        defer { h.remove() }
        var name = [CChar](repeating: 0, count: 128)
        let master = chapd_open_pty(&name, name.count)
        guard master >= 0 else { throw HarnessError("cannot allocate a pty") }
        defer { close(master) }
        let path = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let lockFile = "/var/lock/LCK..\(path.split(separator: "/").last ?? "")"
        let first = try h.launch([path, "lock", "noauth"] + h.baseOptions() + ["lcp-restart", "1", "lcp-max-configure", "3"], tag: "first")
        #expect(first.waitForLog("sent [LCP ConfReq", timeout: 5), "\(first.log)")
        #expect(FileManager.default.fileExists(atPath: lockFile))
        let second = try h.launch([path, "lock", "noauth"] + h.baseOptions(), tag: "second").wait(timeout: 10)
        #expect(second.status == 6, "\(second)")
        #expect(second.log.contains("is locked by pid \(first.pid)"), "\(second)")
        let done = first.wait(timeout: 20)
        #expect(done.status == 10, "\(done)")
        #expect(!FileManager.default.fileExists(atPath: lockFile), "the lock file outlived chapd")
    }

    @Test func captureIsReadableByChapctlAndTshark() throws {
        let h = try ChapdHarness(secrets: ChapdProcesses.PtyPairTests.secrets)
        defer { h.remove() }
        let capture = h.directory.appendingPathComponent("link.pcap").path
        let (srv, cli) = try h.startPair(device: Self.server + ["record", capture], stdio: Self.alice)
        #expect(srv.waitForLog("remote IP address 10.1.0.2", timeout: 20), "\(srv.log)")
        // Flushed per frame: readable while the link is up.
        let live = try run(ChapdHarness.chapctlPath, ["inspect", capture, "--secrets", h.secretsPath])
        #expect(live.output.contains("valid"), "\(live.output)")
        srv.signal(SIGTERM)
        let s = srv.wait(timeout: 15)
        _ = cli.wait(timeout: 15)
        #expect(s.status == 5)

        let inspected = try run(ChapdHarness.chapctlPath, ["inspect", capture, "--secrets", h.secretsPath])
        #expect(inspected.status == 0, "\(inspected.output)")
        #expect(inspected.output.contains("valid"), "\(inspected.output)")
        #expect(!inspected.output.contains("WRONG SECRET"), "\(inspected.output)")
        // Every frame chapd logged appears in the capture's text, in the same words.
        for line in s.log.split(separator: "\n") where line.hasPrefix("sent [CHAP") || line.hasPrefix("rcvd [CHAP") {
            #expect(inspected.output.contains(line.dropFirst(5)), "missing \(line)\n\(inspected.output)")
        }
        #expect(!inspected.output.contains("s3cret-alice"))

        guard let tshark = which("tshark") else {
            Issue.record("tshark is not installed (scripts/setup.sh --tests installs it)")
            return
        }
        let fields = try run(tshark, ["-r", capture, "-Y", "chap", "-T", "fields", "-e", "chap.code", "-e", "chap.identifier", "-e", "chap.name"])
        #expect(fields.status == 0, "\(fields.output)")
        let rows = fields.output.split(separator: "\n")
        #expect(rows.count >= 3, "\(fields.output)")
        let challengeID = s.log.split(separator: "\n").first { $0.hasPrefix("sent [CHAP Challenge id=") }
            .map { $0.dropFirst("sent [CHAP Challenge id=0x".count).prefix { $0 != " " } }
        if let challengeID, let id = UInt8(challengeID, radix: 16) {
            #expect(rows.contains { $0.hasPrefix("1\t\(id)\tserver") }, "\(fields.output)")
            #expect(rows.contains { $0.hasPrefix("2\t\(id)\talice") }, "\(fields.output)")
        } else {
            Issue.record("no challenge in chapd's log")
        }
        let verbose = try run(tshark, ["-r", capture, "-V"])
        #expect(!verbose.output.contains("Malformed"), "\(verbose.output)")
    }
}

}

extension ChapdHarness {
    static var chapctlPath: String {
        URL(fileURLWithPath: chapdPath).deletingLastPathComponent().appendingPathComponent("chapctl").path
    }
}

struct CommandResult {
    var status: Int32
    var output: String
}

func run(_ path: String, _ arguments: [String]) throws -> CommandResult {
    let r = try runProgram(path, arguments, mergingOutput: true)
    return CommandResult(status: r.status, output: r.stdout)
}

func which(_ tool: String) -> String? {
    for dir in ["/usr/bin", "/usr/local/bin", "/bin"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(tool)") {
        return "\(dir)/\(tool)"
    }
    return nil
}
