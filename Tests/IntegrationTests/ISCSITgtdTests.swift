import CLineSupport
import Foundation
import Testing

/// A real iSCSI target: Debian's tgtd on loopback, started by the test on its own portal
/// port and control port (so it never meets a system tgtd), with a 4 MiB backing file,
/// configured through tgtadm, and stopped afterwards (targets deleted, then the system).
final class TgtdHarness {
    static let targetName = "iqn.2026-12.org.chapd.test:disk1"
    let directory: URL
    let port: UInt16
    let controlPort: UInt16
    let pid: pid_t
    let logPath: String

    init() throws {
        guard let tgtd = which("tgtd", in: ["/usr/sbin", "/sbin", "/usr/bin"]), which("tgtadm", in: ["/usr/sbin", "/sbin", "/usr/bin"]) != nil else {
            throw HarnessError("tgtd/tgtadm are not installed (scripts/setup.sh --tests installs Debian's tgt)")
        }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("chapd-iscsi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        chmod(directory.path, 0o755)
        port = try Self.freePort()
        // tgtd's control "port" only names its socket, /var/run/tgtd/socket.N, and must be
        // below 32768 (tgtd refuses 39171 as "out of range"): derived from the free port.
        controlPort = 1000 + port % 30000
        logPath = directory.appendingPathComponent("tgtd.log").path
        let backing = directory.appendingPathComponent("disk.img").path
        guard FileManager.default.createFile(atPath: backing, contents: nil), truncate(backing, 4 << 20) == 0 else {
            throw HarnessError("cannot create the backing file \(backing)")
        }

        let logFD = open(logPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        defer { close(logFD) }
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { close(null) }
        let args = [tgtd, "-f", "-C", String(controlPort), "--iscsi", "portal=127.0.0.1:\(port)"]
        let argv = args.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let rc = chapd_spawn(tgtd, argv, null, logFD, logFD, &child)
        guard rc == 0 else { throw HarnessError("cannot start tgtd: \(String(cString: strerror(rc)))") }
        pid = child

        // Ready when tgtadm answers and the portal accepts connections.
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if (try? tgtadm(["--op", "show", "--mode", "target"]))?.status == 0, Self.accepts(port) { break }
            usleep(100_000)
        }
        guard Self.accepts(port) else {
            stop()
            throw HarnessError("tgtd did not start listening on 127.0.0.1:\(port):\n\(log)")
        }
        try check(["--op", "new", "--mode", "target", "--tid", "1", "-T", Self.targetName])
        try check(["--op", "new", "--mode", "logicalunit", "--tid", "1", "--lun", "1", "-b", backing])
        try check(["--op", "bind", "--mode", "target", "--tid", "1", "-I", "ALL"])
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
    var portal: String { "127.0.0.1:\(port)" }

    /// An incoming account (the initiator's name and secret) bound to the target.
    func addAccount(_ user: String, _ password: String) throws {
        try check(["--op", "new", "--mode", "account", "--user", user, "--password", password])
        try check(["--op", "bind", "--mode", "account", "--tid", "1", "--user", user])
    }

    /// The outgoing account: the name and secret the target answers a mutual challenge with.
    func addOutgoingAccount(_ user: String, _ password: String) throws {
        try check(["--op", "new", "--mode", "account", "--user", user, "--password", password])
        try check(["--op", "bind", "--mode", "account", "--tid", "1", "--user", user, "--outgoing"])
    }

    func tgtadm(_ arguments: [String]) throws -> CommandResult {
        try run(which("tgtadm", in: ["/usr/sbin", "/sbin", "/usr/bin"])!, ["-C", String(controlPort), "--lld", "iscsi"] + arguments)
    }

    private func check(_ arguments: [String]) throws {
        let r = try tgtadm(arguments)
        guard r.status == 0 else { throw HarnessError("tgtadm \(arguments.joined(separator: " ")) failed (\(r.status)): \(r.output)") }
    }

    /// tgtd ignores SIGTERM while it has targets: delete them, then the system; SIGKILL if
    /// it is still there after 5 s. Its control socket files are removed.
    func stop() {
        _ = try? tgtadm(["--op", "delete", "--mode", "target", "--tid", "1", "--force"])
        _ = try? run(which("tgtadm", in: ["/usr/sbin", "/sbin", "/usr/bin"])!, ["-C", String(controlPort), "--op", "delete", "--mode", "system"])
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(5)
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() > deadline {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                break
            }
            usleep(50_000)
        }
        for suffix in ["", ".lock"] { unlink("/var/run/tgtd/socket.\(controlPort)\(suffix)") }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Writes a secret file (mode 0600) and returns its path.
    func secretFile(_ name: String, _ secret: String) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try (secret + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o600)
        return path
    }

    static func freePort() throws -> UInt16 {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(s) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, len) == 0 && getsockname(s, $0, &len) == 0 }
        }
        guard ok else { throw HarnessError("cannot find a free port") }
        return UInt16(bigEndian: addr.sin_port)
    }

    static func accepts(_ port: UInt16) -> Bool {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(s) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = port.bigEndian
        return withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

func which(_ tool: String, in dirs: [String]) -> String? {
    dirs.map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}

extension ChapdProcesses {
@Suite("chapctl iscsi against a real tgtd")
struct ISCSITgtdTests {
    static let aliceSecret = "alice-secret-01"
    static let targetSecret = "target-secret-9"

    /// tgtd with alice's incoming account and, when `outgoing`, the target's mutual account.
    func target(outgoing: Bool = false) throws -> TgtdHarness {
        let t = try TgtdHarness()
        do {
            try t.addAccount("alice", Self.aliceSecret)
            if outgoing { try t.addOutgoingAccount("tgtuser", Self.targetSecret) }
        } catch {
            t.stop()
            throw error
        }
        return t
    }

    func login(_ t: TgtdHarness, secret: String, _ extra: [String] = []) throws -> CommandResult {
        let file = try t.secretFile("alice.secret-\(UUID().uuidString)", secret)
        return try run(ChapdHarness.chapctlPath, ["iscsi", "login", "--portal", t.portal, "--target", TgtdHarness.targetName,
                                                  "--user", "alice", "--secret-file", file] + extra)
    }

    @Test func oneWayLoginSucceeds() throws {
        let t = try target()
        defer { t.stop() }
        let r = try login(t, secret: Self.aliceSecret)
        #expect(r.status == 0, "\(r.output)\n\(t.log)")
        #expect(r.output.contains("  algorithm chosen: MD5 (5)\n"), "\(r.output)")
        #expect(r.output.contains("  target accepted us: yes\n"), "\(r.output)")
        #expect(r.output.contains("  login: FullFeaturePhase reached"), "\(r.output)")
        #expect(r.output.contains("  logout: done\n"), "\(r.output)")
        #expect(r.output.hasSuffix("OK: every check passed\n"), "\(r.output)")
        #expect(!r.output.contains(Self.aliceSecret))
    }

    @Test func mutualLoginVerifiesTheTarget() throws {
        let t = try target(outgoing: true)
        defer { t.stop() }
        let tfile = try t.secretFile("target.secret", Self.targetSecret)
        let r = try login(t, secret: Self.aliceSecret, ["--mutual", "--target-user", "tgtuser", "--target-secret-file", tfile])
        #expect(r.status == 0, "\(r.output)\n\(t.log)")
        #expect(r.output.contains("  we verified the target: yes (\"tgtuser\")\n"), "\(r.output)")
        #expect(r.output.hasSuffix("OK: every check passed\n"), "\(r.output)")
        #expect(!r.output.contains(Self.targetSecret))
    }

    @Test func wrongSecretIsAnAuthenticationFailure() throws {
        let t = try target()
        defer { t.stop() }
        let r = try login(t, secret: "not-alice-secret")
        #expect(r.status == 1, "\(r.output)")
        #expect(r.output.contains("  target accepted us: NO (authentication failure (0x0201))\n"), "\(r.output)")
        #expect(r.output.hasSuffix("FAILED in SecurityNegotiation: the target refused our CHAP response: authentication failure (0x0201)\n"), "\(r.output)")
        #expect(t.log.contains("CHAP initiator auth.: authentication of iqn.2005-03.org.chapd:chapctl failed (wrong secret!?)"), "\(t.log)")
    }

    @Test func wrongTargetSecretMakesUsRefuseTheTarget() throws {
        let t = try target(outgoing: true)
        defer { t.stop() }
        let tfile = try t.secretFile("target.secret", "not-the-target-sec")
        let r = try login(t, secret: Self.aliceSecret, ["--mutual", "--target-user", "tgtuser", "--target-secret-file", tfile])
        #expect(r.status == 1, "\(r.output)")
        #expect(r.output.contains("  target accepted us: yes\n"), "\(r.output)")
        #expect(r.output.contains("  we verified the target: NO\n"), "\(r.output)")
        #expect(r.output.hasSuffix("FAILED in SecurityNegotiation: the target's CHAP_R does not match the target secret: we refuse the target\n"), "\(r.output)")
    }

    /// tgt 1.0.85 knows CHAP_A 5 (MD5) and 7 (its number for SHA-1); 6, SHA-1 as Linux's
    /// target and open-iscsi number it, is an algorithm it does not offer.
    @Test func algorithmTheTargetDoesNotOffer() throws {
        let t = try target()
        defer { t.stop() }
        let r = try login(t, secret: Self.aliceSecret, ["--algorithms", "sha1"])
        #expect(r.status == 1, "\(r.output)")
        #expect(r.output.hasSuffix("FAILED in SecurityNegotiation: the target refused the CHAP algorithms offered (SHA-1 (6)): initiator error (0x0200)\n"), "\(r.output)")
    }

    /// CHAP_A 7 is SHA-256 for Linux's target and open-iscsi, SHA-1 for tgt: tgt accepts 7,
    /// challenges, and refuses our 32-octet SHA-256 answer as malformed (0x0200, not 0x0201).
    @Test func sha256MeetsTgtsOwnNumberSeven() throws {
        let t = try target()
        defer { t.stop() }
        let r = try login(t, secret: Self.aliceSecret, ["--algorithms", "sha256"])
        #expect(r.status == 1, "\(r.output)")
        #expect(r.output.contains("  algorithm chosen: SHA-256 (7)\n"), "\(r.output)")
        #expect(r.output.hasSuffix("FAILED in SecurityNegotiation: the target refused our CHAP response: initiator error (0x0200); a target that numbers SHA-1 as 7 (tgt does) takes our SHA-256 response for a malformed SHA-1 one: offer md5 or sha1 to such a target\n"), "\(r.output)")
    }

    /// Offered SHA-1 (6) and then MD5, tgt skips 6, which it does not know, and takes MD5.
    @Test func tgtTakesTheFirstAlgorithmItKnows() throws {
        let t = try target()
        defer { t.stop() }
        let r = try login(t, secret: Self.aliceSecret, ["--algorithms", "sha1,md5"])
        #expect(r.status == 0, "\(r.output)")
        #expect(r.output.contains("  algorithm chosen: MD5 (5)\n"), "\(r.output)")
    }

    @Test func mutualAgainstATargetWithoutAnOutgoingAccount() throws {
        let t = try target()
        defer { t.stop() }
        let tfile = try t.secretFile("target.secret", Self.targetSecret)
        let r = try login(t, secret: Self.aliceSecret, ["--mutual", "--target-user", "tgtuser", "--target-secret-file", tfile])
        #expect(r.status == 1, "\(r.output)")
        #expect(r.output.contains("FAILED in SecurityNegotiation: the target refused our CHAP response: authentication failure (0x0201)\n"), "\(r.output)")
    }

    @Test func secretsFromAChapSecretsStore() throws {
        let t = try target(outgoing: true)
        defer { t.stop() }
        let store = try t.secretFile("chap-secrets", "alice \(TgtdHarness.targetName) \(Self.aliceSecret)\ntgtuser alice \(Self.targetSecret)")
        let r = try run(ChapdHarness.chapctlPath, ["iscsi", "login", "--portal", t.portal, "--target", TgtdHarness.targetName,
                                                   "--user", "alice", "--secrets", store, "--mutual", "--target-user", "tgtuser"])
        #expect(r.status == 0, "\(r.output)")
        #expect(r.output.contains("  we verified the target: yes (\"tgtuser\")\n"), "\(r.output)")
    }

    /// Refused before any connection: nothing is listening on the port given.
    @Test func shortSecretIsRefusedBeforeConnecting() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("chapd-iscsi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("short").path
        try "elevenchars\n".write(toFile: file, atomically: true, encoding: .utf8)
        let r = try run(ChapdHarness.chapctlPath, ["iscsi", "login", "--portal", "127.0.0.1:\(try TgtdHarness.freePort())",
                                                   "--target", TgtdHarness.targetName, "--user", "alice", "--secret-file", file])
        #expect(r.status == 1, "\(r.output)")
        #expect(r.output.hasSuffix("FAILED: the initiator secret is 11 octets; iSCSI CHAP secrets must be at least 12 (RFC 7143 §12.1.3)\n"), "\(r.output)")
    }

    @Test func unreachablePortalExits3() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("chapd-iscsi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("secret").path
        try "\(Self.aliceSecret)\n".write(toFile: file, atomically: true, encoding: .utf8)
        let port = try TgtdHarness.freePort()
        let r = try run(ChapdHarness.chapctlPath, ["iscsi", "login", "--portal", "127.0.0.1:\(port)",
                                                   "--target", TgtdHarness.targetName, "--user", "alice", "--secret-file", file])
        #expect(r.status == 3, "\(r.output)")
        #expect(r.output.hasSuffix("FAILED: cannot connect to 127.0.0.1:\(port): Connection refused\n"), "\(r.output)")
    }

    @Test func jsonOutcome() throws {
        let t = try target()
        defer { t.stop() }
        let r = try login(t, secret: Self.aliceSecret, ["--json"])
        #expect(r.status == 0, "\(r.output)")
        let object = try JSONSerialization.jsonObject(with: Data(r.output.utf8)) as? [String: Any]
        #expect(object?["ok"] as? Bool == true)
        #expect(object?["algorithm"] as? String == "MD5 (5)")
        #expect(object?["targetAcceptedUs"] as? Bool == true)
    }

    /// Runs libiscsi's iscsi-inq against `t` with `url` while tcpdump captures loopback;
    /// returns the capture's path.
    func capturedInquiry(_ t: TgtdHarness, url: String) throws -> String {
        guard let inq = which("iscsi-inq", in: ["/usr/bin"]) else {
            throw HarnessError("iscsi-inq is not installed (scripts/setup.sh --tests installs libiscsi-bin)")
        }
        guard let tcpdump = which("tcpdump", in: ["/usr/bin", "/usr/sbin"]) else {
            throw HarnessError("tcpdump is not installed (scripts/setup.sh --tests installs it)")
        }
        let capture = t.directory.appendingPathComponent("login-\(UUID().uuidString).pcap").path
        let dump = try Capture(tcpdump, ["-i", "lo", "--immediate-mode", "-U", "-Z", "root", "-w", capture, "tcp port \(t.port)"], in: t.directory)
        defer { dump.stop() }
        let inquiry = try run(inq, [url])
        dump.stop()
        #expect(inquiry.status == 0, "\(inquiry.output)\n\(t.log)")
        #expect(inquiry.output.contains("Product:VIRTUAL-DISK"), "\(inquiry.output)")
        return capture
    }

    /// libiscsi's iscsi-inq (a real initiator) logs in with CHAP while tcpdump captures
    /// loopback; chapctl inspect then checks its CHAP_R against two chap-secrets stores.
    @Test func realInitiatorCaptureIsVerifiedByInspect() throws {
        let t = try target()
        defer { t.stop() }
        let capture = try capturedInquiry(t, url: "iscsi://alice%\(Self.aliceSecret)@\(t.portal)/\(TgtdHarness.targetName)/1")

        let good = try t.secretFile("good-secrets", "alice \(TgtdHarness.targetName) \(Self.aliceSecret)")
        let bad = try t.secretFile("bad-secrets", "alice * some-other-secret")
        let valid = try run(ChapdHarness.chapctlPath, ["inspect", capture, "--iscsi-port", String(t.port), "--secrets", good])
        #expect(valid.status == 0, "\(valid.output)")
        #expect(valid.output.contains("CHAP_A=5"), "\(valid.output)")
        #expect(valid.output.contains("CHAP_N=alice"), "\(valid.output)")
        #expect(valid.output.contains("  #1 connection 1: target \"\(TgtdHarness.targetName)\" challenged initiator \"alice\" with MD5 (5)"), "\(valid.output)")
        #expect(valid.output.contains(": CHAP_R sent, accepted by the target; frames "), "\(valid.output)")
        #expect(valid.output.contains("; secret: valid\n"), "\(valid.output)")
        #expect(!valid.output.contains(Self.aliceSecret))
        let wrong = try run(ChapdHarness.chapctlPath, ["inspect", capture, "--iscsi-port", String(t.port), "--secrets", bad])
        #expect(wrong.status == 0, "\(wrong.output)")
        #expect(wrong.output.contains("; secret: WRONG SECRET\n"), "\(wrong.output)")
    }

    /// Mutual CHAP from the real initiator (libiscsi's target_user/target_password URL
    /// arguments): inspect checks both directions, and names the target's answer WRONG
    /// SECRET against a store holding another target secret.
    @Test func realInitiatorMutualCaptureIsVerifiedBothWays() throws {
        let t = try target(outgoing: true)
        defer { t.stop() }
        let url = "iscsi://alice%\(Self.aliceSecret)@\(t.portal)/\(TgtdHarness.targetName)/1?target_user=tgtuser&target_password=\(Self.targetSecret)"
        let capture = try capturedInquiry(t, url: url)
        let good = try t.secretFile("good-secrets", "alice \(TgtdHarness.targetName) \(Self.aliceSecret)\ntgtuser alice \(Self.targetSecret)")
        let bad = try t.secretFile("bad-secrets", "alice \(TgtdHarness.targetName) \(Self.aliceSecret)\ntgtuser alice not-the-target-sec")
        let valid = try run(ChapdHarness.chapctlPath, ["inspect", capture, "--iscsi-port", String(t.port), "--secrets", good])
        #expect(valid.status == 0, "\(valid.output)")
        let exchanges = valid.output.split(separator: "\n").filter { $0.hasPrefix("  #") }
        #expect(exchanges.count == 2, "\(valid.output)")
        #expect(exchanges.first?.hasSuffix("; secret: valid") == true, "\(valid.output)")
        #expect(exchanges.last?.contains("initiator \"alice\" challenged target \"tgtuser\" (mutual)") == true, "\(valid.output)")
        #expect(exchanges.last?.hasSuffix("; secret: valid") == true, "\(valid.output)")
        let wrong = try run(ChapdHarness.chapctlPath, ["inspect", capture, "--iscsi-port", String(t.port), "--secrets", bad, "--json"])
        #expect(wrong.status == 0, "\(wrong.output)")
        let lines = wrong.output.split(separator: "\n").filter { $0.contains("\"type\":\"exchange\"") }
        #expect(lines.count == 2, "\(wrong.output)")
        #expect(lines.first?.contains("\"secret\":\"valid\"") == true, "\(wrong.output)")
        #expect(lines.last?.contains("\"secret\":\"WRONG SECRET\"") == true, "\(wrong.output)")
        #expect(!wrong.output.contains(Self.targetSecret))
    }
}
}

/// tcpdump running in the background until `stop()`. The child inherits the test thread's
/// blocked signals (SIGINT and SIGTERM stay pending), so it is stopped with SIGKILL; with
/// `--immediate-mode -U` tcpdump has written every packet as it came, so nothing is lost.
final class Capture {
    let process = Process()
    let logPath: String
    private var stopped = false

    init(_ tool: String, _ arguments: [String], in directory: URL) throws {
        logPath = directory.appendingPathComponent("capture-\(UUID().uuidString).log").path
        guard FileManager.default.createFile(atPath: logPath, contents: nil) else {
            throw HarnessError("cannot create \(logPath)")
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = log
        try process.run()
        try? log.close()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").contains("listening on") { return }
            usleep(50_000)
        }
        stop()
        throw HarnessError("\(tool) did not start capturing: \((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")")
    }

    func stop() {
        guard !stopped else { return }
        stopped = true
        usleep(500_000)  // let the last segments reach the capture
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
