import Foundation
import ProgramRunning

/// A network namespace a test creates for itself (`ip netns add`) and deletes afterwards:
/// chapd's interfaces, addresses and routes live there, never on the machine itself.
final class NetworkNamespace {
    let name: String

    /// The data-plane tests need root (CAP_NET_ADMIN) and /dev/net/tun; without them they
    /// fail with this message rather than pass by skipping.
    static func requirePrivileges() throws {
        guard getuid() == 0 else {
            throw HarnessError("the data-plane tests need root (CAP_NET_ADMIN) to create network namespaces and TUN interfaces")
        }
        guard FileManager.default.fileExists(atPath: "/dev/net/tun") else {
            throw HarnessError("the data-plane tests need /dev/net/tun (modprobe tun)")
        }
        guard let ip = ip, FileManager.default.isExecutableFile(atPath: ip) else {
            throw HarnessError("the data-plane tests need iproute2's ip (apt-get install iproute2)")
        }
    }

    static let ip: String? = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first { FileManager.default.isExecutableFile(atPath: $0) }

    init(_ tag: String) throws {
        name = "chapd-\(tag)-\(getpid())"
        _ = try Self.run([Self.ip!, "netns", "delete", name], check: false)
        try Self.run([Self.ip!, "netns", "add", name])
        try Self.run([Self.ip!, "-n", name, "link", "set", "lo", "up"])
    }

    deinit {
        _ = try? Self.run([Self.ip!, "netns", "delete", name], check: false)
    }

    /// The command prefix that runs a program inside this namespace.
    var exec: [String] { [Self.ip!, "netns", "exec", name] }

    /// Runs a command inside the namespace; returns its exit status and output.
    @discardableResult
    func run(_ argv: [String], check: Bool = true, timeout: Double = 120) throws -> (status: Int32, output: String) {
        try Self.run(exec + argv, check: check, timeout: timeout)
    }

    @discardableResult
    static func run(_ argv: [String], check: Bool = true, timeout: Double = 120) throws -> (status: Int32, output: String) {
        let r = try runProgram(argv[0], Array(argv.dropFirst()), mergingOutput: true, timeout: timeout)
        let output = r.stdout
        if check && r.status != 0 {
            throw HarnessError("\(argv.joined(separator: " ")) exited \(r.status): \(output)")
        }
        return (r.status, output)
    }
}
