import Foundation
import Logging
import Testing
@testable import ChapdRuntime

/// usepeerdns at the edge: pppd's resolv.conf and the DNS1/DNS2/USEPEERDNS hook variables.
@Suite struct PeerDNSHookTests {
    func facts(dns1: String = "", dns2: String = "") -> HookRunner.LinkFacts {
        var f = HookRunner.LinkFacts(interfaceName: "chapd0", device: "/dev/ttyS0", speed: 115200)
        f.dns1 = dns1
        f.dns2 = dns2
        return f
    }

    @Test func hooksGetBothAddressesAndUsepeerdns() {
        let env = HookRunner.environment(facts(dns1: "192.0.2.53", dns2: "192.0.2.54"))
        #expect(env["DNS1"] == "192.0.2.53")
        #expect(env["DNS2"] == "192.0.2.54")
        #expect(env["USEPEERDNS"] == "1")
    }

    @Test func withoutPeerDNSTheVariablesAreAbsent() {
        let env = HookRunner.environment(facts())
        #expect(env["DNS1"] == nil)
        #expect(env["DNS2"] == nil)
        #expect(env["USEPEERDNS"] == nil)
    }

    /// pppd's create_resolv: one line per address, the secondary only if it differs.
    @Test(arguments: [
        (UInt32(0xc000_0235), UInt32?(0xc000_0236), "nameserver 192.0.2.53\nnameserver 192.0.2.54\n"),
        (UInt32(0xc000_0235), UInt32?(0xc000_0235), "nameserver 192.0.2.53\n"),
        (UInt32(0xc000_0235), UInt32?.none, "nameserver 192.0.2.53\n"),
    ])
    func resolvConfIsPppds(primary: UInt32, secondary: UInt32?, expected: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("chapd-dns-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let runner = HookRunner(directory: dir.path, logger: Logger(label: "test"))
        runner.writeResolvConf(primary: primary, secondary: secondary)
        // The file is written on the hooks' queue; a hook queued after it sees it in place.
        let done = DispatchSemaphore(value: 0)
        runner.run(.ipUp, facts: facts()) { done.signal() }
        #expect(done.wait(timeout: .now() + 10) == .success)
        let text = try String(contentsOfFile: dir.appendingPathComponent("resolv.conf").path, encoding: .utf8)
        #expect(text == expected)
    }
}
