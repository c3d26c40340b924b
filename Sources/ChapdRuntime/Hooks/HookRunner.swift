import Dispatch
import Foundation
import Logging
import PPPPackets

/// pppd's scripts in the options directory: `auth-up`, `auth-down`, `ip-up`, `ip-down`.
/// They run with pppd's arguments and environment, without waiting; a missing script is
/// skipped, and a failing one is logged — it never stops the daemon.
public struct HookRunner: Sendable {
    public enum Hook: String, Sendable {
        case authUp = "auth-up", authDown = "auth-down", ipUp = "ip-up", ipDown = "ip-down"
        case ipv6Up = "ipv6-up", ipv6Down = "ipv6-down"
    }

    public struct LinkFacts: Sendable {
        public var interfaceName: String
        public var device: String
        public var speed: Int
        public var peerName: String = ""
        public var userName: String = ""
        public var localAddress: String = ""
        public var remoteAddress: String = ""
        /// fe80:: link-local addresses from IPV6CP (pppd's LLLOCAL / LLREMOTE).
        public var linkLocalAddress: String = ""
        public var linkRemoteAddress: String = ""
        public var ipparam: String = ""
        public var linkName: String = ""
        /// usepeerdns: the peer's DNS addresses (pppd's DNS1 / DNS2).
        public var dns1: String = ""
        public var dns2: String = ""
        public init(interfaceName: String, device: String, speed: Int) {
            self.interfaceName = interfaceName
            self.device = device
            self.speed = speed
        }
    }

    public let directory: String
    public let logger: Logger

    public init(directory: String, logger: Logger) {
        self.directory = directory
        self.logger = logger
    }

    /// pppd's argument lists (pppd(8), SCRIPTS).
    static func arguments(_ hook: Hook, _ f: LinkFacts) -> [String] {
        switch hook {
        case .authUp, .authDown:
            return [f.interfaceName, f.peerName, f.userName, f.device, String(f.speed)]
        case .ipUp, .ipDown:
            return [f.interfaceName, f.device, String(f.speed), f.localAddress, f.remoteAddress, f.ipparam]
        case .ipv6Up, .ipv6Down:
            return [f.interfaceName, f.device, String(f.speed), f.linkLocalAddress, f.linkRemoteAddress, f.ipparam]
        }
    }

    static func environment(_ f: LinkFacts) -> [String: String] {
        var env = [
            "PATH": "/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin",
            "DEVICE": f.device,
            "SPEED": String(f.speed),
            "IFNAME": f.interfaceName,
            "PPPD_PID": String(getpid()),
            "PPPLOGNAME": ProcessInfo.processInfo.environment["LOGNAME"] ?? "root",
        ]
        if !f.peerName.isEmpty { env["PEERNAME"] = f.peerName }
        if !f.localAddress.isEmpty { env["IPLOCAL"] = f.localAddress }
        if !f.remoteAddress.isEmpty { env["IPREMOTE"] = f.remoteAddress }
        if !f.linkLocalAddress.isEmpty { env["LLLOCAL"] = f.linkLocalAddress }
        if !f.linkRemoteAddress.isEmpty { env["LLREMOTE"] = f.linkRemoteAddress }
        if !f.linkName.isEmpty { env["LINKNAME"] = f.linkName }
        if !f.ipparam.isEmpty { env["IPPARAM"] = f.ipparam }
        if !f.dns1.isEmpty { env["DNS1"] = f.dns1 }
        if !f.dns2.isEmpty { env["DNS2"] = f.dns2 }
        if !f.dns1.isEmpty || !f.dns2.isEmpty { env["USEPEERDNS"] = "1" }
        return env
    }

    /// Starts the hook; `completion` runs (on another thread) once it has exited, or at once
    /// when there is no script to run.
    public func run(_ hook: Hook, facts: LinkFacts, completion: (@Sendable () -> Void)? = nil) {
        // Checking the file and spawning the process happen off the event loop (a fork of a
        // large process takes milliseconds); one serial queue keeps the hooks in order.
        Self.spawnQueue.async { self.spawn(hook, facts: facts, completion: completion) }
    }

    /// usepeerdns: writes `DIRECTORY/resolv.conf` as pppd's create_resolv does (one
    /// `nameserver` line per address, the second only if it differs), on the hooks' queue
    /// so it is in place before ip-up runs.
    public func writeResolvConf(primary: UInt32?, secondary: UInt32?) {
        let path = directory + "/resolv.conf"
        var text = ""
        if let primary { text += "nameserver \(dottedQuad(primary))\n" }
        if let secondary, secondary != primary { text += "nameserver \(dottedQuad(secondary))\n" }
        let logger = self.logger
        Self.spawnQueue.async { [text] in
            do {
                try text.write(toFile: path, atomically: true, encoding: .utf8)
                chmod(path, 0o644)
            } catch {
                logger.error("Failed to create \(path): \(error.localizedDescription)")
            }
        }
    }

    private static let spawnQueue = DispatchQueue(label: "chapd.hooks")

    private func spawn(_ hook: Hook, facts: LinkFacts, completion: (@Sendable () -> Void)?) {
        let path = directory + "/" + hook.rawValue
        guard FileManager.default.isExecutableFile(atPath: path) else {
            completion?()
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = Self.arguments(hook, facts)
        process.environment = Self.environment(facts)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let logger = self.logger
        process.terminationHandler = { p in
            if p.terminationReason == .uncaughtSignal {
                logger.warning("Script \(path) terminated by signal \(p.terminationStatus)")
            } else if p.terminationStatus != 0 {
                logger.warning("Script \(path) finished (pid \(p.processIdentifier)), status = 0x\(String(p.terminationStatus, radix: 16))")
            } else {
                logger.debug("Script \(path) finished (pid \(p.processIdentifier)), status = 0x0")
            }
            completion?()
        }
        do {
            try process.run()
            logger.debug("Script \(path) started (pid \(process.processIdentifier))")
        } catch {
            logger.warning("Failed to run script \(path): \(error)")
            completion?()
        }
    }
}
