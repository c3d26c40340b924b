import ChapSecrets
import RADIUS
import Testing

@Suite("radiusclient.conf and servers file")
struct ConfigTests {
    struct NoFile: Error {}
    func parse(_ text: String, servers: String? = nil) throws(RADIUSConfigDiagnostic) -> RADIUSClientConfigFile.Result {
        try RADIUSClientConfigFile.parse(text, path: "radiusclient.conf") { path in
            guard path == "/etc/radiusclient/servers", let servers else { throw NoFile() }
            return servers
        }
    }

    @Test func pppdStyleFileWithServersFile() throws {
        let r = try parse("""
            # pppd radius plugin
            auth_order\tradius
            authserver  10.0.0.1:1812, 10.0.0.2
            acctserver 10.0.0.1:1813
            servers /etc/radiusclient/servers
            dictionary /etc/radiusclient/dictionary
            radius_timeout 5
            radius_retries 2
            radius_deadtime 30
            nas-identifier chapd-1
            nas-ip 192.0.2.7
            """, servers: "# host secret\n10.0.0.1 s3cret\n10.0.0.2\tother require-message-authenticator\n")
        let c = r.configuration
        #expect(c.authServers.map(\.address) == [RADIUSServerAddress(host: "10.0.0.1", port: 1812), RADIUSServerAddress(host: "10.0.0.2", port: 1812)])
        #expect(c.authServers.map(\.secret) == [Secret("s3cret"), Secret("other")])
        #expect(c.authServers.map(\.requireMessageAuthenticator) == [false, true])
        #expect(c.acctServers.map(\.address) == [RADIUSServerAddress(host: "10.0.0.1", port: 1813)])
        #expect(c.timeout == .seconds(5))
        #expect(c.retries == 2)
        #expect(c.deadtime == .seconds(30))
        #expect(c.nasIdentifier == "chapd-1")
        #expect(c.nasIPAddress == 0xC000_0207)
        #expect(r.warnings.map(\.description) == ["radiusclient.conf:2: option 'auth_order' is ignored by chapd",
                                                  "radiusclient.conf:6: option 'dictionary' is ignored by chapd"])
    }

    /// A file saved with Windows line ends ("\r\n", one Swift Character) reads line by line.
    @Test func crlfLineEndsInBothFiles() throws {
        let c = try parse("authserver 10.0.0.1\r\nservers /etc/radiusclient/servers\r\nradius_timeout 4\r\n",
                          servers: "10.0.0.1 s3cret\r\n").configuration
        #expect(c.authServers.map(\.address) == [RADIUSServerAddress(host: "10.0.0.1", port: 1812)])
        #expect(c.authServers.map(\.secret) == [Secret("s3cret")])
        #expect(c.timeout == .seconds(4))
    }

    @Test func inlineSecretAndIPv6AndDefaultsWithoutServersFile() throws {
        let c = try parse("authserver localhost:18120:abc [::1]:1812:def\n").configuration
        #expect(c.authServers.map(\.address) == [RADIUSServerAddress(host: "localhost", port: 18120), RADIUSServerAddress(host: "::1", port: 1812)])
        #expect(c.authServers.map(\.secret) == [Secret("abc"), Secret("def")])
        #expect(c.acctServers.isEmpty)
        #expect(c.timeout == .seconds(10))
        #expect(c.retries == 3)
        #expect(c.deadtime == .zero)
    }

    @Test func unknownKeyIsAWarningNamingIt() throws {
        let r = try parse("authserver 127.0.0.1:1812:x\nfrobnicate yes\n")
        #expect(r.warnings.map(\.description) == ["radiusclient.conf:2: unknown option 'frobnicate' ignored"])
    }

    @Test func missingSecretIsAnErrorWithFileAndLine() {
        #expect(throws: RADIUSConfigDiagnostic(file: "radiusclient.conf", line: 2, message: "authserver: no secret for 10.9.9.9 (neither host:port:secret nor the servers file)")) {
            try parse("# c\nauthserver 10.9.9.9\n")
        }
    }

    @Test func zeroTimeoutIsAnError() {
        #expect(throws: RADIUSConfigDiagnostic(file: "radiusclient.conf", line: 2, message: "radius_timeout must be an integer of at least 1, not '0'")) {
            try parse("authserver h:1:s\nradius_timeout 0\n")
        }
    }

    @Test func badPortIsAnError() {
        #expect(throws: RADIUSConfigDiagnostic(file: "radiusclient.conf", line: 1, message: "authserver: bad port '99999' for h")) {
            try parse("authserver h:99999:s\n")
        }
    }

    @Test func duplicateKeyIsAnError() {
        #expect(throws: RADIUSConfigDiagnostic(file: "radiusclient.conf", line: 2, message: "duplicate option 'authserver' (first on line 1)")) {
            try parse("authserver h:1:s\nauthserver g:1:s\n")
        }
    }

    @Test func noAuthserverIsAnError() {
        #expect(throws: RADIUSConfigDiagnostic(file: "radiusclient.conf", line: 0, message: "no authserver specified")) {
            try parse("acctserver h:1:s\n")
        }
    }

    @Test func badNasIPIsAnError() {
        #expect(throws: RADIUSConfigDiagnostic(file: "radiusclient.conf", line: 2, message: "nas-ip '10.0.0.256' is not an IPv4 address")) {
            try parse("authserver h:1:s\nnas-ip 10.0.0.256\n")
        }
    }

    @Test func unreadableServersFileIsAnErrorWithoutSecrets() {
        #expect(throws: RADIUSConfigDiagnostic(file: "radiusclient.conf", line: 2, message: "cannot read servers file /nonexistent")) {
            try parse("authserver h\nservers /nonexistent\n")
        }
    }

    @Test func unterminatedBracketErrorRedactsTheSecret() {
        #expect(throws: RADIUSConfigDiagnostic(file: "radiusclient.conf", line: 1, message: "authserver: unterminated '[' in a server address")) {
            try parse("authserver [::1:1812:topsecret\n")
        }
    }
}
