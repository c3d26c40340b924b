import Foundation
import SharedVectors
import Testing
@testable import ChapSecrets

@Suite struct VectorAndCheckTests {
    static let vectors = SharedVectors.root

    func parseVector(_ name: String) throws -> SecretsFile {
        let path = "\(Self.vectors)/\(name)/chap-secrets"
        let data = try #require(FileManager.default.contents(atPath: path))
        return try SecretsFile.parse(Array(data), path: path, indirect: table([:]))
    }

    @Test func twoWay() throws {
        let f = try parseVector("two-way")
        #expect(f.entries == [
            SecretsEntry(client: b("alice"), server: b("server"), secret: Secret("s3cret-alice"), addresses: [.any], line: 1),
            SecretsEntry(client: b("server"), server: b("alice"), secret: Secret("s3cret-server"), addresses: [.any], line: 2),
        ])
        #expect(f.warnings.isEmpty)
    }

    @Test(arguments: ["refuse-chap", "wrong-secret"])
    func singleAnyLine(name: String) throws {
        let f = try parseVector(name)
        #expect(f.entries == [SecretsEntry(client: b("alice"), server: b("server"), secret: Secret("right-secret"),
                                           addresses: [.any], line: 1)])
    }

    @Test func rechallenge() throws {
        let f = try parseVector("rechallenge")
        #expect(f.entries == [SecretsEntry(client: b("alice"), server: b("server"), secret: Secret("right-secret"),
                                           addresses: [.network(address: 0x0A01_0002, prefixLength: 32, negated: false)], line: 1)])
        #expect(f.entries[0].addresses.allows(0x0A01_0002) && !f.entries[0].addresses.allows(0x0A01_0003))
    }

    @Test func everyVectorFolderParses() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.vectors)
            .filter { FileManager.default.fileExists(atPath: "\(Self.vectors)/\($0)/chap-secrets") }
        #expect(names.count >= 4)
        for name in names { #expect(throws: Never.self) { try parseVector(name) } }
    }

    @Test func checkReportLinesAndCounts() {
        let text = "alice srv \"s3cret-alice\" *\nbob srv short 10.0.0.300\nalice srv again-and-again\ncarol\n"
        let r = SecretsCheck.check(Array(text.utf8), path: "cs", fileWarnings: ["Warning - secret file cs has world and/or group access"],
                                   indirect: table([:]))
        #expect(r.lines == [
            "cs: warning: Warning - secret file cs has world and/or group access",
            "cs:2: error: address '10.0.0.300' is not a dotted-quad IPv4 address (chapd does not resolve host or network names)",
            "cs:3: warning: same client and server as line 1; this line can never be chosen",
            "cs:4: warning: entry has only a client name (no server or secret); ignored",
            "2 entries, 3 warnings, 1 error",
        ])
        #expect(!r.lines.joined().contains("s3cret") && !r.lines.joined().contains("short "))
    }

    @Test func checkOnDiskAppliesPermissions() {
        let dir = tempDirectory()
        write("alice srv a-good-long-secret\n", to: dir + "/cs", mode: 0o600)
        let ok = SecretsCheck.run(path: dir + "/cs")
        #expect(ok.errors == 0 && ok.warnings == 0 && ok.entries == 1)
        chmod(dir + "/cs", 0o664)
        #expect(SecretsCheck.run(path: dir + "/cs").errors == 1)
    }
}
