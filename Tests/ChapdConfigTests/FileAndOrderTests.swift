import Testing
@testable import ChapdConfig

@Suite struct FileAndOrderTests {
    @Test func systemOptionsFileIsReadFirstAndCommandLineOverrides() throws {
        let files = ["/etc/ppp/options": "name fromfile\nmru 1400 lock\n"]
        let o = try parse(["name", "fromargs"], files: files)
        #expect(o.name == "fromargs")
        #expect(o.mru == 1400 && o.lock)
        #expect(o.sources["mru"] == .file(path: "/etc/ppp/options", line: 2))
    }

    @Test func missingSystemOptionsFileIsFine() throws {
        #expect(try parse(["auth"]).authRequired)
    }

    @Test func unreadableSystemOptionsFileIsAWarning() throws {
        let o = try OptionParser.parse(arguments: ["auth"],
                                       context: testContext(unreadable: ["/etc/ppp/options"]))
        #expect(o.authRequired)
        #expect(o.warnings == ["Warning: can't open options file /etc/ppp/options: Permission denied"])
    }

    @Test func fileIncludesAtItsPosition() throws {
        let files = ["/tmp/a": "name a-name\nmru 1000\n"]
        let o = try parse(["name", "first", "file", "/tmp/a", "mru", "1200"], files: files)
        #expect(o.name == "a-name" && o.mru == 1200)
    }

    @Test func missingIncludedFileIsAnError() {
        let e = parseError(["file", "/nope"])
        #expect(e?.kind == .file)
        #expect(e?.description == "Can't open options file /nope: No such file or directory")
        let u = parseError(["file", "/locked"], unreadable: ["/locked"])
        #expect(u?.description == "Can't open options file /locked: Permission denied")
    }

    @Test func errorsInsideIncludedFilesNameFileAndLine() {
        let files = ["/etc/ppp/peers/x": "# peer x\nname x\n\n  bogus-word\n"]
        let e = parseError(["call", "x"], files: files)
        #expect(e?.kind == .unrecognized)
        #expect(e?.source == .file(path: "/etc/ppp/peers/x", line: 4))
        #expect(e?.description == "In file /etc/ppp/peers/x:4: unrecognized option 'bogus-word'")
        #expect(e?.exitStatus == 2)
    }

    @Test func tooFewParametersAtEndOfFile() {
        let e = parseError(["file", "/f"], files: ["/f": "auth\nname"])
        #expect(e?.description == "In file /f:2: too few parameters for option 'name'")
    }

    @Test func optionArgumentMayBeOnTheNextLine() throws {
        let o = try parse(["file", "/f"], files: ["/f": "name\n  alice\n"])
        #expect(o.name == "alice")
    }

    @Test func badValueInFileNamesTheValuesLine() {
        let e = parseError(["file", "/f"], files: ["/f": "mru\n\nbig\n"])
        #expect(e?.description == "In file /f:3: invalid numeric parameter 'big' for mru option")
    }

    @Test func callReadsThePeersFile() throws {
        let files = ["/etc/ppp/peers/isp": "name alice remotename isp\n", "/etc/ppp/peers/sub/y": "noip\n"]
        let o = try parse(["call", "isp"], files: files)
        #expect(o.name == "alice" && o.remoteName == "isp")
        #expect(try !parse(["call", "sub/y"], files: files).ipEnabled)
    }

    @Test(arguments: ["/etc/passwd", "../x", "a/../b", "a/..", "..", ""])
    func callRefusesEscapingNames(_ name: String) {
        let e = parseError(["call", name], files: ["/etc/passwd": "auth", "/etc/ppp/x": "auth"])
        #expect(e?.kind == .invalidValue)
        #expect(e?.message == "call option value may not contain .. or start with /")
    }

    @Test func callAllowsDotsThatAreNotParentDirectories() throws {
        let o = try parse(["call", "a..b"], files: ["/etc/ppp/peers/a..b": "auth"])
        #expect(o.authRequired)
    }

    @Test func missingPeerFileIsAnError() {
        #expect(parseError(["call", "nobody"])?.description
                == "Can't open options file /etc/ppp/peers/nobody: No such file or directory")
    }

    @Test func fileIncludingItselfIsAnErrorNotAHang() {
        let e = parseError(["file", "/loop"], files: ["/loop": "auth\nfile /loop\n"])
        #expect(e?.kind == .file)
        #expect(e?.description == "In file /loop:2: options file /loop includes itself")
        let e2 = parseError(["call", "a"], files: ["/etc/ppp/peers/a": "call b", "/etc/ppp/peers/b": "\ncall a"])
        #expect(e2?.description == "In file /etc/ppp/peers/b:2: options file /etc/ppp/peers/a includes itself")
    }

    @Test func includingTheSameFileTwiceInSequenceIsFine() throws {
        let o = try parse(["file", "/d", "file", "/d"], files: ["/d": "debug"])
        #expect(o.debugLevel == 2)
    }

    @Test func deepNestingHasALimit() {
        var files: [String: String] = [:]
        for i in 0..<40 { files["/n\(i)"] = "file /n\(i + 1)" }
        files["/n40"] = "auth"
        let e = parseError(["file", "/n0"], files: files)
        #expect(e?.kind == .file)
        #expect(e?.message.contains("nested more than 16") == true)
        var ok: [String: String] = [:]
        for i in 0..<15 { ok["/m\(i)"] = "file /m\(i + 1)" }
        ok["/m15"] = "auth"
        #expect(parseError(["file", "/m0"], files: ok) == nil)
    }

    @Test func optionsDirectoryFromCommandLineAppliesBeforeTheOptionsFile() throws {
        let files = ["/srv/ppp/options": "name fromdir\n", "/etc/ppp/options": "name wrong\n",
                     "/srv/ppp/peers/p": "remotename peer\n"]
        let o = try parse(["call", "p", "optionsdir", "/srv/ppp/"], files: files)
        #expect(o.optionsDirectory == "/srv/ppp")
        #expect(o.name == "fromdir" && o.remoteName == "peer")
        #expect(o.chapSecretsFile == "/srv/ppp/chap-secrets")
    }

    @Test func optionsDirectoryFromEnvironmentAndCommandLinePrecedence() throws {
        let files = ["/env/options": "name env\n", "/arg/options": "name arg\n"]
        let env = ["CHAPD_OPTIONS_DIR": "/env"]
        #expect(try parse([String](), files: files, environment: env).name == "env")
        #expect(try parse(["optionsdir", "/arg"], files: files, environment: env).name == "arg")
        #expect(try parse([String](), files: files, environment: ["CHAPD_OPTIONS_DIR": ""]).name == nil)
    }

    @Test func optionsDirPreScanSkipsOtherOptionsArguments() throws {
        // "name optionsdir" sets the name; it is not the optionsdir option.
        let o = try parse(["name", "optionsdir", "auth"])
        #expect(o.name == "optionsdir" && o.optionsDirectory == "/etc/ppp")
    }

    @Test func optionsDirErrors() {
        #expect(parseError(["optionsdir"])?.kind == .tooFewParameters)
        #expect(parseError(["optionsdir", ""])?.kind == .invalidValue)
        let e = parseError(["file", "/f"], files: ["/f": "optionsdir /x"])
        #expect(e?.description == "In file /f:1: option 'optionsdir' is only allowed on the command line")
    }

    @Test func explicitChapSecretsWinsOverOptionsDirDefault() throws {
        let o = try parse(["chap-secrets", "/s", "optionsdir", "/d"])
        #expect(o.chapSecretsFile == "/s")
    }

    @Test func ttyOptionsFileIsReadAfterTheCommandLineButDoesNotOverrideIt() throws {
        let files = ["/etc/ppp/options.ttyS0": "name ttyname mru 1000 crtscts\n"]
        let o = try parse(["/dev/ttyS0", "mru", "1200"], files: files)
        #expect(o.name == "ttyname")          // not set on the command line
        #expect(o.mru == 1200)                // command line wins
        #expect(o.flowControl == .rtscts)
        #expect(o.sources["mru"] == .commandLine)
    }

    @Test func ttyOptionsFileNameTurnsSlashesIntoDots() throws {
        let files = ["/etc/ppp/options.pts.3": "debug\n"]
        #expect(try parse(["/dev/pts/3"], files: files).debugLevel == 1)
        #expect(ParseRun.ttyOptionsName("/dev/tty") == nil)
        #expect(ParseRun.ttyOptionsName("/dev/ttyUSB0") == "ttyUSB0")
    }

    @Test func ttyOptionsFileMayNotChangeTheDevice() {
        let files = ["/etc/ppp/options.ttyS0": "/dev/ttyS1\n"]
        let e = parseError(["/dev/ttyS0"], files: files)
        #expect(e?.description
                == "In file /etc/ppp/options.ttyS0:1: the device name may not be changed in /etc/ppp/options.ttyS0")
    }

    @Test func deviceFromSystemOptionsFileAlsoSelectsTtyFile() throws {
        let files = ["/etc/ppp/options": "/dev/ttyS2\n", "/etc/ppp/options.ttyS2": "nomagic\n"]
        let o = try parse([String](), files: files)
        #expect(o.device == "/dev/ttyS2" && !o.magicNumber)
    }
}
