import Foundation
import ProgramRunning
import NIOCore
import NIOPosix

/// A real FreeRADIUS 3.2 (Debian's `freeradius` package) started by the test as an ordinary
/// process, with a configuration written into a temporary directory: one client (127.0.0.1)
/// with a secret and `require_message_authenticator = yes`, a `users` file, the `chap`,
/// `files` and `detail` modules, auth and acct listeners on free loopback ports.
public final class FreeRADIUS: @unchecked Sendable {
    public static let executable: String? = ["/usr/sbin/freeradius", "/usr/sbin/radiusd"].first { FileManager.default.isExecutableFile(atPath: $0) }
    public static let radclient: String? = ["/usr/bin/radclient"].first { FileManager.default.isExecutableFile(atPath: $0) }

    public static let secret = "testing123"
    /// Tests/Support/FreeRADIUS/FreeRADIUS.swift → the package root.
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static let users = """
        alice Cleartext-Password := "alicepw"
              Framed-IP-Address = 10.1.2.3,
              Session-Timeout = 5,
              Idle-Timeout = 600,
              Acct-Interim-Interval = 60,
              Reply-Message = "Hello, %{User-Name}",
              Class = "class-alice"

        bob Cleartext-Password := "bobpw"
              Framed-IP-Address = 255.255.255.254

        """

    public let directory: URL
    public let authPort: Int
    public let acctPort: Int
    private let process: Process

    public var logPath: String { directory.appendingPathComponent("radiusd.out").path }
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
    public var detail: String { (try? String(contentsOfFile: directory.appendingPathComponent("detail").path, encoding: .utf8)) ?? "" }

    /// A UDP port nobody is bound to right now on 127.0.0.1.
    public static func freePort() throws -> Int {
        let group = MultiThreadedEventLoopGroup.singleton
        let channel = try DatagramBootstrap(group: group).bind(host: "127.0.0.1", port: 0).wait()
        defer { try? channel.close().wait() }
        return channel.localAddress!.port!
    }

    /// `launcher`: a command that execs freeradius elsewhere (`ip netns exec NAME`), so a
    /// server in a test's network namespace can reach it on that namespace's loopback.
    public init(debug: Bool = true, extraUsers: String = "", launcher: [String] = []) throws {
        guard let executable = Self.executable else { throw FreeRADIUSError("freeradius is not installed") }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("chapd-radius-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        authPort = try Self.freePort()
        acctPort = try Self.freePort()
        let d = directory.path
        let conf = """
            prefix = /usr
            exec_prefix = /usr
            sysconfdir = /etc
            localstatedir = /var
            sbindir = /usr/sbin
            logdir = \(d)
            raddbdir = \(d)
            radacctdir = \(d)
            name = freeradius
            confdir = \(d)
            modconfdir = \(d)
            run_dir = \(d)
            db_dir = \(d)
            libdir = /usr/lib/freeradius
            dictdir = /usr/share/freeradius
            pidfile = \(d)/radiusd.pid
            max_request_time = 30
            cleanup_delay = 5
            max_requests = 65536
            hostname_lookups = no
            log {
                destination = stdout
                auth = yes
            }
            security {
                allow_core_dumps = no
                max_attributes = 200
                reject_delay = 0
                status_server = yes
            }
            client local {
                ipaddr = 127.0.0.1
                secret = \(Self.secret)
                require_message_authenticator = yes
            }
            thread pool {
                start_servers = 4
                max_servers = 8
                min_spare_servers = 2
                max_spare_servers = 8
                max_requests_per_server = 0
            }
            modules {
                chap {
                }
                files {
                    filename = \(d)/users
                }
                detail {
                    filename = \(d)/detail
                    header = "%t"
                    permissions = 0600
                }
                always ok {
                    rcode = ok
                }
            }
            server default {
                listen {
                    type = auth
                    ipaddr = 127.0.0.1
                    port = \(authPort)
                }
                listen {
                    type = acct
                    ipaddr = 127.0.0.1
                    port = \(acctPort)
                }
                authorize {
                    chap
                    files
                }
                authenticate {
                    Auth-Type CHAP {
                        chap
                    }
                }
                preacct {
                }
                accounting {
                    detail
                    ok
                }
                post-auth {
                    Post-Auth-Type REJECT {
                        update reply {
                            Reply-Message := "Access denied for %{User-Name}"
                        }
                    }
                }
            }

            """
        try conf.write(to: directory.appendingPathComponent("radiusd.conf"), atomically: true, encoding: .utf8)
        try (Self.users + extraUsers).write(to: directory.appendingPathComponent("users"), atomically: true, encoding: .utf8)
        let logFile = directory.appendingPathComponent("radiusd.out").path
        _ = FileManager.default.createFile(atPath: logFile, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: logFile))
        let p = Process()
        // -f: stay in the foreground; -X: debug, one thread; -l stdout: log to our file.
        let arguments = debug ? ["-X", "-d", d] : ["-f", "-l", "stdout", "-d", d]
        p.executableURL = URL(fileURLWithPath: launcher.first ?? executable)
        p.arguments = launcher.isEmpty ? arguments : Array(launcher.dropFirst()) + [executable] + arguments
        p.standardOutput = out
        p.standardError = out
        process = p
        try p.run()
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if log.contains("Ready to process requests") { return }
            if !process.isRunning { break }
            usleep(50_000)
        }
        stop()
        throw FreeRADIUSError("freeradius did not start:\n\(log)")
    }

    /// SIGKILL: the test process's threads block SIGTERM, and a child started from them
    /// inherits that mask, so freeradius would never see a SIGTERM.
    public func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    public func remove() {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

public struct FreeRADIUSError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

/// Runs a program to completion with `input` on its standard input; returns (status, output).
public func run(_ path: String, _ args: [String], input: String) throws -> (Int32, String) {
    let r = try runProgram(path, args, input: input, mergingOutput: true)
    return (r.status, r.stdout)
}
