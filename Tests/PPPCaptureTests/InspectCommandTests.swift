import Foundation
import ProgramRunning
import Testing
import PPPCapture

/// `chapctl inspect` end to end: the binary `swift test` builds next to the test bundle.
@Suite struct InspectCommandTests {
    static let chapctl: String? = {
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("chapctl").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir.deleteLastPathComponent()
        }
        return nil
    }()

    func chapctl(_ arguments: [String]) throws -> ProgramRun {
        let exe = try #require(Self.chapctl, "chapctl binary not found next to the test bundle (swift build --product chapctl)")
        return try runProgram(exe, arguments)
    }

    @Test func twoWayResponsesAreValid() throws {
        let (path, frames) = try Vectors.writeCapture("two-way")
        let run = try chapctl(["inspect", path, "--secrets", "\(Vectors.root)/two-way/chap-secrets"])
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasSuffix("rcvd [CHAP Response id=0x43 <1af6783175ecc746fabbbfa262094508>, name = \"server\"]") })
        #expect(lines.filter { $0.contains(" sent [") || $0.contains(" rcvd [") }.count == frames.count)
        let summaries = lines.filter { $0.hasPrefix("  #") }
        #expect(summaries.count == 2)
        #expect(summaries.allSatisfy { $0.contains(": Success \"Access granted\"") && $0.hasSuffix("secret: valid") })
        #expect(!run.stdout.contains("s3cret"), "a secret was printed")
    }

    @Test func wrongSecretResponseIsMarked() throws {
        let (path, _) = try Vectors.writeCapture("wrong-secret")
        let run = try chapctl(["inspect", path, "--secrets", "\(Vectors.root)/wrong-secret/chap-secrets"])
        #expect(run.status == 0)
        let summaries = run.stdout.split(separator: "\n").filter { $0.hasPrefix("  #") }
        #expect(summaries.count == 1)
        #expect(summaries.first?.contains("\"server\" challenged \"alice\" (Challenge rcvd): Failure \"Access denied\"") == true)
        #expect(summaries.first?.hasSuffix("secret: WRONG SECRET") == true)
        #expect(!run.stdout.contains("right-secret") && !run.stderr.contains("right-secret"), "a secret was printed")
    }

    @Test func missingSecretIsNamed() throws {
        let (path, _) = try Vectors.writeCapture("two-way")
        // wrong-secret's file has only (alice, server): server's Response to alice has none.
        let run = try chapctl(["inspect", path, "--json", "--secrets", "\(Vectors.root)/wrong-secret/chap-secrets"])
        #expect(run.status == 0)
        let objects = try run.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        let exchanges = objects.filter { $0["type"] as? String == "exchange" }
        #expect(exchanges.count == 2)
        let secrets = Set(exchanges.compactMap { $0["secret"] as? String })
        #expect(secrets == ["no secret for (\"server\", \"alice\")", "WRONG SECRET"])
        let frames = objects.filter { $0["type"] as? String == "frame" }
        #expect(frames.first?["text"] as? String == "LCP ConfReq id=0x1 <asyncmap 0x0> <auth chap MD5> <magic 0xfd57abf6> <pcomp> <accomp>")
        #expect(frames.first?["direction"] as? String == "rcvd")
    }

    @Test func truncatedCapturePrintsWhatCameBeforeAndFails() throws {
        let (path, frames) = try Vectors.writeCapture("wrong-secret")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let cut = 24 + frames.prefix(6).reduce(0) { $0 + 16 + 5 + $1.frame.information.count } + 20
        let cutPath = try Scratch.write(Array(bytes[0..<cut]), name: "cut.pcap")
        let run = try chapctl(["inspect", cutPath])
        #expect(run.status == 1)
        #expect(run.stdout.split(separator: "\n").filter { $0.contains(" sent [") || $0.contains(" rcvd [") }.count == 6)
        #expect(run.stderr.contains("breaks at frame 7"))
    }

    @Test func unreadableFileFails() throws {
        let run = try chapctl(["inspect", Scratch.directory + "/nope.pcap"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("nope.pcap"))
    }
}
