import Testing
@testable import ChapdConfig

/// One option line and what it must produce.
struct WordCase: Sendable, CustomTestStringConvertible {
    let line: String
    let check: @Sendable (ChapdOptions) -> Bool
    init(_ line: String, _ check: @escaping @Sendable (ChapdOptions) -> Bool) {
        self.line = line
        self.check = check
    }
    var testDescription: String { line }
}

let wordCases: [WordCase] = [
    // general
    WordCase("debug") { $0.debugLevel == 1 },
    WordCase("debug -d debug") { $0.debugLevel == 3 },
    WordCase("nodetach") { $0.nodetach && !$0.updetach },
    WordCase("-detach") { $0.nodetach },
    WordCase("nodetach updetach") { $0.updetach && !$0.nodetach },
    WordCase("logfd 2") { $0.logFD == 2 },
    WordCase("nolog") { $0.logFD == nil },
    WordCase("nologfd") { $0.logFD == nil },
    WordCase("logfile /var/log/chapd.log") { $0.logFile == "/var/log/chapd.log" },
    WordCase("linkname isp") { $0.linkName == "isp" },
    WordCase("ipparam office") { $0.ipparam == "office" },
    WordCase("maxfail 3") { $0.maxfail == 3 },
    WordCase("dump") { $0.dump },
    WordCase("dryrun") { $0.dryrun },
    WordCase("--help") { $0.helpRequested },
    WordCase("-h") { $0.helpRequested },
    WordCase("--version") { $0.versionRequested },
    // authentication
    WordCase("auth") { $0.authRequired && $0.requirePeerAuth },
    WordCase("require-chap") { $0.authRequired },
    WordCase("+chap") { $0.authRequired },
    WordCase("auth noauth") { !$0.authRequired },
    WordCase("noauth require-chap") { $0.authRequired },
    WordCase("refuse-chap") { $0.refuseChap && !$0.canAuthenticateSelf },
    WordCase("-chap") { $0.refuseChap },
    WordCase("refuse-pap refuse-mschap refuse-mschap-v2 refuse-eap -pap") { $0.canAuthenticateSelf },
    WordCase("name alice") { $0.name == "alice" },
    WordCase("usehostname") { $0.useHostname },
    WordCase("user bob") { $0.user == "bob" },
    WordCase("password pw") { $0.password == Redacted("pw") },
    WordCase("remotename server") { $0.remoteName == "server" },
    WordCase("chap-secrets /tmp/x/chap-secrets") { $0.chapSecretsFile == "/tmp/x/chap-secrets" },
    // CHAP
    WordCase("chap-restart 5") { $0.chapRestart == 5 },
    WordCase("chap-max-challenge 4") { $0.chapMaxChallenge == 4 },
    WordCase("chap-interval 30") { $0.chapInterval == 30 },
    WordCase("chap-interval 0") { $0.chapInterval == 0 },
    WordCase("chap-timeout 20") { $0.chapTimeout == 20 },
    // chapd's own
    WordCase("callout") { $0.callDirection == .callout },
    WordCase("callout callin") { $0.callDirection == .callin },
    WordCase("chap-callin") { $0.chapCallin },
    WordCase("refuse-chap-callin") { $0.refuseChapCallin },
    WordCase("chap-wait") { $0.chapWait },
    WordCase("nochap-ignoreus") { !$0.chapIgnoreUs },
    WordCase("nochap-ignoreus chap-ignoreus") { $0.chapIgnoreUs },
    WordCase("max-bad-auth 2") { $0.maxBadAuth == 2 },
    WordCase("success-message Welcome") { $0.successMessage == "Welcome" },
    WordCase("failure-message Go") { $0.failureMessage == "Go" },
    // LCP
    WordCase("mru 1400") { $0.mru == 1400 && $0.negotiateMRU },
    WordCase("mru 128") { $0.mru == 128 },
    WordCase("mru 16384") { $0.mru == 16384 },
    WordCase("default-mru") { !$0.negotiateMRU },
    WordCase("-mru") { !$0.negotiateMRU },
    WordCase("mtu 1000") { $0.mtu == 1000 },
    WordCase("ifname wan0") { $0.interfaceName == "wan0" && $0.interfaceNamePattern == "wan0" },
    WordCase("unit 7") { $0.unit == 7 && $0.interfaceNamePattern == "chapd7" },
    WordCase("unit 3 ifname wan1") { $0.interfaceNamePattern == "wan1" },
    WordCase("nodataplane") { !$0.dataPlane },
    WordCase("plugin radius.so") { $0.radius },
    WordCase("plugin /usr/lib/pppd/2.4.9/radius.so radius-config-file /r.conf") { $0.radius && $0.radiusConfigFile == "/r.conf" },
    WordCase("radius-acct-interim 60 radius-dae-listen 127.0.0.1:3799") { $0.radiusAcctInterim == 60 && $0.radiusDAEListen == "127.0.0.1:3799" },
    WordCase("radius-allow-unsigned-replies") { $0.radiusRequireMessageAuthenticator == false },
    WordCase("+ipv6") { $0.ipv6Enabled && $0.ipv6LocalIdentifier == nil && $0.ipv6RemoteIdentifier == nil },
    WordCase("+ipv6 noipv6") { !$0.ipv6Enabled },
    WordCase("ipv6 ::1,::2") { $0.ipv6Enabled && $0.ipv6LocalIdentifier == 1 && $0.ipv6RemoteIdentifier == 2 },
    WordCase("ipv6 ::a:b:c:d,") { $0.ipv6LocalIdentifier == 0x000a_000b_000c_000d && $0.ipv6RemoteIdentifier == nil },
    WordCase("ipv6 ,0:0:0:0:1:2:3:4") { $0.ipv6LocalIdentifier == nil && $0.ipv6RemoteIdentifier == 0x0001_0002_0003_0004 },
    WordCase("ipv6cp-accept-local ipv6cp-accept-remote") { $0.ipv6AcceptLocal && $0.ipv6AcceptRemote },
    WordCase("defaultroute") { $0.defaultRoute },
    WordCase("defaultroute nodefaultroute") { !$0.defaultRoute },
    WordCase("asyncmap a0000") { $0.asyncMap == 0xa0000 },
    WordCase("asyncmap 0x20000 asyncmap 0x1") { $0.asyncMap == 0x20001 },
    WordCase("asyncmap ffffffff") { $0.asyncMap == 0xffff_ffff },
    WordCase("default-asyncmap") { $0.defaultAsyncMap },
    WordCase("-am") { $0.defaultAsyncMap },
    WordCase("noaccomp") { !$0.addressControlCompression },
    WordCase("-ac") { !$0.addressControlCompression },
    WordCase("nopcomp") { !$0.protocolCompression },
    WordCase("-pc") { !$0.protocolCompression },
    WordCase("nomagic") { !$0.magicNumber },
    WordCase("-mn") { !$0.magicNumber },
    WordCase("passive") { $0.passive },
    WordCase("-p") { $0.passive },
    WordCase("silent") { $0.silent },
    WordCase("lcp-restart 1") { $0.lcpRestart == 1 },
    WordCase("lcp-max-configure 3") { $0.lcpMaxConfigure == 3 },
    WordCase("lcp-max-failure 2") { $0.lcpMaxFailure == 2 },
    WordCase("lcp-max-terminate 1") { $0.lcpMaxTerminate == 1 },
    WordCase("lcp-echo-interval 10") { $0.lcpEchoInterval == 10 },
    WordCase("lcp-echo-failure 4") { $0.lcpEchoFailure == 4 },
    WordCase("lcp-echo-adaptive") { $0.lcpEchoAdaptive },
    // IPCP
    WordCase("noip") { !$0.ipEnabled },
    WordCase("-ip") { !$0.ipEnabled },
    WordCase("noipdefault") { $0.noIPDefault },
    WordCase("ipcp-accept-local") { $0.acceptLocal },
    WordCase("ipcp-accept-remote") { $0.acceptRemote },
    WordCase("ms-dns 8.8.8.8") { $0.dnsPrimary == DottedQuad(8, 8, 8, 8) && $0.dnsSecondary == DottedQuad(8, 8, 8, 8) },
    WordCase("ms-dns 1.1.1.1 ms-dns 9.9.9.9") { $0.dnsPrimary == DottedQuad(1, 1, 1, 1) && $0.dnsSecondary == DottedQuad(9, 9, 9, 9) },
    WordCase("ms-dns 1.1.1.1 ms-dns 2.2.2.2 ms-dns 3.3.3.3") { $0.msDNS == [DottedQuad(2, 2, 2, 2), DottedQuad(3, 3, 3, 3)] },
    WordCase("ipcp-restart 2") { $0.ipcpRestart == 2 },
    WordCase("ipcp-max-configure 4") { $0.ipcpMaxConfigure == 4 },
    WordCase("ipcp-max-failure 3") { $0.ipcpMaxFailure == 3 },
    WordCase("ipcp-max-terminate 3") { $0.ipcpMaxTerminate == 3 },
    // line
    WordCase("lock") { $0.lock },
    WordCase("lock nolock") { !$0.lock },
    WordCase("local") { !$0.modem },
    WordCase("local modem") { $0.modem },
    WordCase("crtscts") { $0.flowControl == .rtscts },
    WordCase("cdtrcts") { $0.flowControl == .dtrcts },
    WordCase("xonxoff") { $0.flowControl == .xonxoff },
    WordCase("crtscts nocrtscts") { $0.flowControl == FlowControl.none },
    WordCase("crtscts -crtscts") { $0.flowControl == FlowControl.none },
    WordCase("nocdtrcts") { $0.flowControl == FlowControl.none },
    WordCase("notty") { $0.notty },
    WordCase("record /tmp/rec") { $0.recordFile == "/tmp/rec" },
    // numbers as pppd reads them (strtoul base 0)
    WordCase("chap-interval 0x10") { $0.chapInterval == 16 },
    WordCase("chap-interval 010") { $0.chapInterval == 8 },
]

@Suite struct OptionWordTests {
    @Test(arguments: wordCases)
    func optionSetsItsValue(_ c: WordCase) throws {
        let o = try parse(c.line)
        #expect(c.check(o))
        #expect(!c.check(ChapdOptions()) || c.line.contains(" ") || c.line.hasPrefix("refuse-pap"),
                "the check must differ from the default")
    }

    @Test func ptyTakesAQuotedCommandFromAFile() throws {
        let o = try parse(["file", "/f"], files: ["/f": "pty 'ssh -t host pppd notty'\n"])
        #expect(o.ptyCommand == "ssh -t host pppd notty")
    }

    @Test func everyValueOptionWithoutArgumentIsTooFewParameters() {
        for spec in OptionTable.supported where spec.takesArgument {
            let e = parseError([spec.word])
            #expect(e?.kind == .tooFewParameters, "\(spec.word)")
            #expect(e?.message == "too few parameters for option '\(spec.word)'")
        }
    }

    @Test func everyNumericOptionRejectsJunk() {
        for spec in OptionTable.supported where spec.argument == "N" {
            let e = parseError([spec.word, "12abc"])
            #expect(e?.kind == .invalidValue, "\(spec.word)")
            #expect(e?.message == "invalid numeric parameter '12abc' for \(spec.word) option")
            #expect(parseError([spec.word, "-1"])?.kind == .invalidValue, "\(spec.word)")
            #expect(parseError([spec.word, "99999999999"])?.kind == .invalidValue, "\(spec.word)")
        }
    }

    @Test func everyFlagParsesAlone() throws {
        for spec in OptionTable.supported where !spec.takesArgument {
            #expect(parseError([spec.word]) == nil, "\(spec.word)")
        }
    }

    @Test func noWordIsBothSupportedAndUnsupported() {
        let supported = Set(OptionTable.supported.map(\.word))
        let unsupported = OptionTable.unsupported.map(\.word)
        #expect(supported.count == OptionTable.supported.count)
        #expect(Set(unsupported).count == unsupported.count)
        #expect(supported.isDisjoint(with: unsupported))
    }

    @Test func limits() {
        #expect(parseError(["mru", "127"])?.message == "mru value must be between 128 and 16384")
        #expect(parseError(["mru", "16385"])?.message == "mru value must be between 128 and 16384")
        #expect(parseError(["mtu", "100"])?.message == "mtu value must be between 128 and 16384")
        #expect(parseError(["chap-restart", "0"])?.message == "chap-restart value must be >= 1")
        #expect(parseError(["lcp-restart", "0"])?.message == "lcp-restart value must be >= 1")
        #expect(parseError(["chap-interval", "09"])?.kind == .invalidValue)  // octal, as strtoul
    }

    @Test func asyncmapErrors() {
        #expect(parseError(["asyncmap", "xyz"])?.message == "invalid numeric parameter 'xyz' for asyncmap option")
        #expect(parseError(["asyncmap", "1ffffffff"])?.kind == .invalidValue)
        #expect(parseError(["asyncmap", "0x"])?.kind == .invalidValue)
    }

    @Test func namesLongerThanPppdBuffersAreRejected() {
        let long = String(repeating: "n", count: 256)
        #expect(parseError(["name", long])?.message == "name value is too long (at most 255 bytes)")
        #expect(parseError(["user", long])?.kind == .invalidValue)
        #expect(parseError(["remotename", long])?.kind == .invalidValue)
        #expect(parseError(["name", String(repeating: "n", count: 255)]) == nil)
    }

    @Test func longPasswordErrorDoesNotShowIt() {
        let pw = "P" + String(repeating: "w", count: 300)
        let e = parseError(["password", pw])
        #expect(e?.kind == .invalidValue)
        #expect(e.map { !$0.description.contains(pw) } ?? false)
    }

    @Test(arguments: ["", "a/b", "eth0:1", "sixteen-chars-xx", "has space", "chapd%d"])
    func ifnameMustBeAKernelInterfaceName(_ name: String) {
        #expect(parseError(["ifname", name])?.message
                == "invalid interface name '\(name)' for ifname option (1 to 15 characters, no '/', ':', '%' or spaces)")
    }

    @Test(arguments: [("1::1,", "local", "1::1"), ("::,::2", "local", "::"), ("::1,fe80::2", "remote", "fe80::2"), ("x,", "local", "x")])
    func ipv6IdentifiersMustBeLow64Bits(_ value: String, _ side: String, _ bad: String) {
        #expect(parseError(["ipv6", value])?.message == "Illegal interface identifier (\(side)): \(bad)")
    }

    @Test func onlyTheRadiusPluginIsUnderstood() {
        #expect(parseError(["plugin", "rp-pppoe.so"])?.message
                == "chapd does not load plugin 'rp-pppoe.so': only radius.so is understood (RADIUS authentication and accounting, built in)")
    }

    @Test func msDnsNeedsADottedQuad() {
        #expect(parseError(["ms-dns", "dns.example"])?.message
                == "invalid address parameter 'dns.example' for ms-dns option")
    }

    @Test func sourcesRecordWhereEachOptionCameFrom() throws {
        let o = try parse(["auth", "file", "/f"], files: ["/f": "\n\nname server\n"])
        #expect(o.sources["auth"] == .commandLine)
        #expect(o.sources["name"] == .file(path: "/f", line: 3))
    }

    @Test func usageListsEveryAcceptedOption() {
        let text = OptionParser.usage()
        for row in OptionParser.optionTable { #expect(text.contains("\t\(row.word)"), "\(row.word)") }
        #expect(OptionParser.optionTable.count == OptionTable.supported.count + OptionTable.server.count)
        #expect(OptionParser.unsupportedOptionTable.contains { $0.word == "require-pap" })
    }
}
