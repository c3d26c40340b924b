import CLineSupport
import Foundation
import Testing

extension ChapdProcesses {
    /// What chapd says and does before it touches a line: pppd's option-error and
    /// no-secret refusals, with their exit statuses.
    @Suite("chapd refuses bad set-ups")
    struct StartupErrorTests {
        func chapd(_ h: ChapdHarness, _ args: [String]) throws -> ChapdHarness.Outcome {
            try h.launch(args, tag: "startup").wait(timeout: 15)
        }

        @Test func unknownOptionIsAnOptionError() throws {
            let h = try ChapdHarness(secrets: "")
            defer { h.remove() }
            let r = try chapd(h, ["/dev/ptmx", "frobnicate"] + h.baseOptions())
            #expect(r.status == 2, "\(r)")
            #expect(r.log.contains("unrecognized option 'frobnicate'"), "\(r)")
        }

        @Test func unsupportedPppdOptionNamesItselfWithFileAndLine() throws {
            let h = try ChapdHarness(secrets: "")
            defer { h.remove() }
            let peers = h.directory.appendingPathComponent("peers")
            try FileManager.default.createDirectory(at: peers, withIntermediateDirectories: true)
            try "name server\n# PAP is not chapd's\nrequire-pap\n".write(to: peers.appendingPathComponent("legacy"), atomically: true, encoding: .utf8)
            let r = try chapd(h, ["/dev/ptmx"] + h.baseOptions() + ["call", "legacy"])
            #expect(r.status == 2, "\(r)")
            #expect(r.log.contains("require-pap") && r.log.contains("legacy:3"), "\(r)")
            #expect(r.log.contains("does not support"), "\(r)")
        }

        @Test func authWithoutAnySecretRefusesToStart() throws {
            let h = try ChapdHarness(secrets: "# nobody\n")
            defer { h.remove() }
            let r = try chapd(h, ["/dev/ptmx", "name", "server", "auth"] + h.baseOptions())
            #expect(r.status == 1, "\(r)")
            #expect(r.log.contains("couldn't find any suitable secret"), "\(r)")
        }

        @Test func worldWritableSecretsAreRefused() throws {
            let h = try ChapdHarness(secrets: "alice server \"s3cret-alice\" *\n")
            defer { h.remove() }
            chmod(h.secretsPath, 0o666)
            let r = try chapd(h, ["/dev/ptmx", "name", "server", "auth"] + h.baseOptions())
            #expect(r.status == 1, "\(r)")
            #expect(r.log.contains("writable by group or others"), "\(r)")
            #expect(!r.log.contains("s3cret-alice"), "\(r)")
        }

        @Test func aLineThatCannotCarryPPPIsAnOpenFailure() throws {
            let h = try ChapdHarness(secrets: "")
            defer { h.remove() }
            let r = try chapd(h, ["/dev/null", "noauth"] + h.baseOptions())
            #expect(r.status == 7, "\(r)")
            #expect(r.log.contains("cannot carry PPP"), "\(r)")
            let missing = try chapd(h, ["/dev/does-not-exist", "noauth"] + h.baseOptions())
            #expect(missing.status == 7, "\(missing)")
            #expect(missing.log.contains("Failed to open /dev/does-not-exist: No such file or directory"), "\(missing)")
        }

        @Test func unwritableRecordFileIsAnErrorNotASilentLoss() throws {
            let h = try ChapdHarness(secrets: "")
            defer { h.remove() }
            var name = [CChar](repeating: 0, count: 128)
            let master = chapd_open_pty(&name, name.count)
            defer { close(master) }
            let path = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let r = try chapd(h, [path, "noauth", "record", "/nonexistent-dir/x.pcap"] + h.baseOptions())
            #expect(r.status == 1, "\(r)")
            #expect(r.log.contains("/nonexistent-dir/x.pcap"), "\(r)")
        }
    }
}
