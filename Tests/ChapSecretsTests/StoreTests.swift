import Foundation
import Testing
@testable import ChapSecrets

@Suite struct StoreTests {
    @Test func privateFileLoadsWithoutWarnings() throws {
        let dir = tempDirectory()
        write("alice srv pw\n", to: dir + "/cs", mode: 0o600)
        let store = try ChapSecretsStore(path: dir + "/cs")
        #expect(store.warnings.isEmpty)
        #expect(store.lookup(client: b("alice"), server: b("srv"))?.secret == Secret("pw"))
    }

    @Test(arguments: [0o640, 0o604, 0o610, 0o601] as [mode_t])
    func groupOrWorldAccessWarnsWithPppdText(mode: mode_t) throws {
        let dir = tempDirectory()
        write("alice srv pw\n", to: dir + "/cs", mode: mode)
        let store = try ChapSecretsStore(path: dir + "/cs")
        #expect(store.warnings.map(\.message) == ["Warning - secret file \(dir)/cs has world and/or group access"])
    }

    @Test(arguments: [0o620, 0o602, 0o666] as [mode_t])
    func groupOrWorldWritableIsRefused(mode: mode_t) {
        let dir = tempDirectory()
        write("alice srv pw\n", to: dir + "/cs", mode: mode)
        #expect { try ChapSecretsStore(path: dir + "/cs") } throws: { e in
            let e = e as? SecretsError
            return e?.errors.count == 1 && e?.errors.first?.message.contains("writable by group or others") == true
        }
    }

    @Test func directoryIsRefusedAndMissingFileIsAnError() {
        let dir = tempDirectory()
        #expect { try ChapSecretsStore(path: dir) } throws: { e in
            (e as? SecretsError)?.errors.first?.message.contains("not a regular file") == true
        }
        #expect { try ChapSecretsStore(path: dir + "/none") } throws: { e in
            (e as? SecretsError)?.description.hasPrefix("\(dir)/none: error: cannot open") == true
        }
    }

    @Test func indirectFileChecksAndWarnings() throws {
        let dir = tempDirectory()
        write("  the-secret\n", to: dir + "/a", mode: 0o640)
        write("alice srv @\(dir)/a\n", to: dir + "/cs")
        let store = try ChapSecretsStore(path: dir + "/cs")
        #expect(store.lookup(client: b("alice"), server: b("srv"))?.secret == Secret("the-secret"))
        #expect(store.warnings.count == 1 && store.warnings[0].line == 1)
        chmod(dir + "/a", 0o622)
        #expect(throws: SecretsError.self) { try store.reload() }
        #expect(store.lookup(client: b("alice"), server: b("srv"))?.secret == Secret("the-secret"))
    }

    @Test func reloadReplacesContents() throws {
        let dir = tempDirectory()
        write("alice srv one\n", to: dir + "/cs")
        let store = try ChapSecretsStore(path: dir + "/cs")
        write("alice srv two\nbob srv three\n", to: dir + "/cs")
        try store.reload()
        #expect(store.lookup(client: b("alice"), server: b("srv"))?.secret == Secret("two"))
        #expect(store.file.entries.count == 2)
    }

    @Test func failedReloadKeepsPreviousContentsAndSaysWhy() throws {
        let dir = tempDirectory()
        write("alice srv one\n", to: dir + "/cs")
        let store = try ChapSecretsStore(path: dir + "/cs")
        write("alice srv \"broken\nbob srv x 999.1.1.1\n", to: dir + "/cs")
        do {
            try store.reload()
            Issue.record("reload should fail")
        } catch {
            #expect(error.errors.count == 1 && error.errors[0].line == 1)
            #expect(!error.description.contains("broken"))
        }
        #expect(store.lookup(client: b("alice"), server: b("srv"))?.secret == Secret("one"))
        chmod(dir + "/cs", 0o666)
        #expect(throws: SecretsError.self) { try store.reload() }
        #expect(store.lookup(client: b("alice"), server: b("srv"))?.secret == Secret("one"))
    }

    @Test func reloadIfChangedSeesSizeInodeAndIndirectChanges() throws {
        let dir = tempDirectory()
        write("alice srv one\n", to: dir + "/cs")
        let store = try ChapSecretsStore(path: dir + "/cs")
        #expect(try store.reloadIfChanged() == false)

        write("alice srv one-more\n", to: dir + "/cs")            // size changes
        #expect(try store.reloadIfChanged() == true)
        #expect(store.lookup(client: b("alice"), server: b("srv"))?.secret == Secret("one-more"))
        #expect(try store.reloadIfChanged() == false)

        write("alice srv one-mor2\n", to: dir + "/cs.new")         // same size, new inode
        rename(dir + "/cs.new", dir + "/cs")
        #expect(try store.reloadIfChanged() == true)
        #expect(store.lookup(client: b("alice"), server: b("srv"))?.secret == Secret("one-mor2"))

        write("s1\n", to: dir + "/ind")
        write("bob srv @\(dir)/ind\n", to: dir + "/cs")
        #expect(try store.reloadIfChanged() == true)
        write("s22\n", to: dir + "/ind")
        #expect(try store.reloadIfChanged() == true)
        #expect(store.lookup(client: b("bob"), server: b("srv"))?.secret == Secret("s22"))
    }

    @Test func reloadIfChangedReportsABrokenFileOnceAndKeepsContents() throws {
        let dir = tempDirectory()
        write("alice srv one\n", to: dir + "/cs")
        let store = try ChapSecretsStore(path: dir + "/cs")
        write("alice srv one 1.2.3\n", to: dir + "/cs")
        #expect(throws: SecretsError.self) { try store.reloadIfChanged() }
        #expect(try store.reloadIfChanged() == false)
        #expect(store.lookup(client: b("alice"), server: b("srv"))?.secret == Secret("one"))
        unlink(dir + "/cs")
        #expect(throws: SecretsError.self) { try store.reloadIfChanged() }
        #expect(store.lookup(client: b("alice"), server: b("srv"))?.secret == Secret("one"))
    }

    @Test func concurrentLookupsDuringReloads() async throws {
        let dir = tempDirectory()
        write("alice srv one\n", to: dir + "/cs")
        let store = try ChapSecretsStore(path: dir + "/cs")
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for i in 0..<50 {
                    write(i % 2 == 0 ? "alice srv two\n" : "alice srv one\n", to: dir + "/cs")
                    _ = try? store.reload()
                }
                return true
            }
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<2000 {
                        let s = store.lookup(client: b("alice"), server: b("srv"))?.secret
                        if s != Secret("one") && s != Secret("two") { return false }
                    }
                    return true
                }
            }
            for await ok in group { #expect(ok) }
        }
    }
}
