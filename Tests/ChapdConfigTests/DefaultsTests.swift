import Testing
@testable import ChapdConfig

@Suite struct DefaultsTests {
    @Test func pppdDefaultsWithNoOptions() throws {
        let o = try parse([String]())
        #expect(o.optionsDirectory == "/etc/ppp")
        #expect(o.chapSecretsFile == "/etc/ppp/chap-secrets")
        #expect(o.hostname == "myhost")
        #expect(o.device == nil && o.speed == nil)
        #expect(!o.lock && o.modem && o.flowControl == .unchanged && !o.notty && o.ptyCommand == nil)
        #expect(o.debugLevel == 0 && !o.nodetach && !o.updetach && o.logFD == 1 && o.logFile == nil)
        #expect(o.maxfail == 10)
        #expect(!o.authRequired && !o.refuseChap && o.name == nil && o.user == nil && o.password == nil)
        #expect(o.remoteName == nil)
        #expect(o.chapRestart == 3 && o.chapMaxChallenge == 10 && o.chapInterval == 0 && o.chapTimeout == 60)
        #expect(o.callDirection == .callin && !o.chapCallin && !o.refuseChapCallin && !o.chapWait)
        #expect(o.chapIgnoreUs && o.maxBadAuth == 0)
        #expect(o.successMessage == "Access granted" && o.failureMessage == "Access denied")
        #expect(o.mru == 1500 && o.negotiateMRU && o.mtu == nil && o.asyncMap == 0 && !o.defaultAsyncMap)
        #expect(o.addressControlCompression && o.protocolCompression && o.magicNumber)
        #expect(!o.passive && !o.silent)
        #expect(o.lcpRestart == 3 && o.lcpMaxConfigure == 10 && o.lcpMaxFailure == 5 && o.lcpMaxTerminate == 2)
        #expect(o.lcpEchoInterval == 0 && o.lcpEchoFailure == 0 && !o.lcpEchoAdaptive)
        #expect(o.ipEnabled && o.localAddress == nil && o.remoteAddress == nil && !o.noIPDefault)
        #expect(!o.acceptLocal && !o.acceptRemote && o.msDNS.isEmpty)
        #expect(o.ipcpRestart == 3 && o.ipcpMaxConfigure == 10 && o.ipcpMaxFailure == 5 && o.ipcpMaxTerminate == 2)
        #expect(o.warnings.isEmpty && o.sources.isEmpty)
    }

    @Test func nameAndUserDefaultToHostname() throws {
        let o = try parse([String]())
        #expect(o.effectiveName == "myhost" && o.effectiveUser == "myhost")
        let n = try parse("name server")
        #expect(n.effectiveName == "server" && n.effectiveUser == "server")
        let u = try parse("name server user bob")
        #expect(u.effectiveName == "server" && u.effectiveUser == "bob")
        let h = try parse("name server usehostname")
        #expect(h.effectiveName == "myhost" && h.effectiveUser == "myhost")
    }

    @Test func passwordIsNeverPrinted() throws {
        let o = try parse("password s3cret-pw")
        #expect(o.password?.value == "s3cret-pw")
        #expect(!"\(o)".contains("s3cret-pw"))
        #expect(!String(reflecting: o).contains("s3cret-pw"))
        var dumped = ""
        dump(o, to: &dumped)
        #expect(!dumped.contains("s3cret-pw"))
    }
}
