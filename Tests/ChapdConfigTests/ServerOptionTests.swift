import Testing
@testable import ChapdConfig

func parseServer(_ arguments: [String], files: [String: String] = [:],
                 devices: Set<String> = []) throws(OptionError) -> ChapdOptions {
    try OptionParser.parseServer(arguments: arguments, context: testContext(files: files, devices: devices))
}

/// The error `parseServer` throws, or nil if it succeeds.
func serverError(_ arguments: [String], files: [String: String] = [:], devices: Set<String> = []) -> OptionError? {
    do {
        _ = try parseServer(arguments, files: files, devices: devices)
        return nil
    } catch {
        return error
    }
}

@Suite struct ServerWordTests {
    @Test func defaultsAreServerOptionsDefaults() throws {
        let o = try parseServer([])
        #expect(o.serverMode)
        #expect(o.server == ServerOptions())
        #expect(try !parse([String]()).serverMode)
    }

    @Test func listenAppendsTCPAndUnixAddresses() throws {
        let o = try parseServer(["listen", "tcp:0.0.0.0:3000", "listen", "unix:/run/chapd/links",
                                 "listen", "tcp:[::1]:3001", "listen", "tcp:localhost:3002"])
        #expect(o.server.listens == [.tcp(host: "0.0.0.0", port: 3000), .unix(path: "/run/chapd/links"),
                                     .tcp(host: "::1", port: 3001), .tcp(host: "localhost", port: 3002)])
        #expect(o.sources["listen"] == .commandLine)
    }

    @Test(arguments: [
        ("tcp:x", "invalid listen address 'tcp:x': expected tcp:HOST:PORT or unix:PATH"),
        ("udp:1.2.3.4:5", "invalid listen address 'udp:1.2.3.4:5': expected tcp:HOST:PORT or unix:PATH"),
        ("unix:", "invalid listen address 'unix:': expected tcp:HOST:PORT or unix:PATH"),
        ("tcp::80", "invalid listen address 'tcp::80': expected tcp:HOST:PORT or unix:PATH"),
        ("tcp:::1:80", "invalid listen address 'tcp:::1:80': expected tcp:HOST:PORT or unix:PATH"),
        ("tcp:[::1]80", "invalid listen address 'tcp:[::1]80': expected tcp:HOST:PORT or unix:PATH"),
        ("tcp:1.2.3.4:0", "invalid listen address 'tcp:1.2.3.4:0': port must be a number from 1 to 65535"),
        ("tcp:1.2.3.4:65536", "invalid listen address 'tcp:1.2.3.4:65536': port must be a number from 1 to 65535"),
        ("tcp:1.2.3.4:http", "invalid listen address 'tcp:1.2.3.4:http': port must be a number from 1 to 65535"),
        ("tcp:1.2.3.999:80", "invalid listen address 'tcp:1.2.3.999:80': '1.2.3.999' is not an IPv4 address"),
        ("tcp:[fe80::1::2]:80", "invalid listen address 'tcp:[fe80::1::2]:80': 'fe80::1::2' is not an IPv6 address"),
        ("tcp:bad_host:80", "invalid listen address 'tcp:bad_host:80': 'bad_host' is not an address or host name"),
        ("unix:run/x", "invalid listen address 'unix:run/x': PATH must be absolute"),
    ])
    func listenErrors(_ value: String, _ message: String) {
        let e = serverError(["listen", value])
        #expect(e?.kind == .invalidValue)
        #expect(e?.message == message)
        #expect(e?.exitStatus == 2)
    }

    @Test func listenUnixPathMustFitSunPath() {
        let path = "/" + String(repeating: "a", count: 107)
        #expect(serverError(["listen", "unix:" + path])?.message
                == "invalid listen address 'unix:\(path)': PATH is longer than 107 bytes")
        #expect(serverError(["listen", "unix:" + path.dropLast()]) == nil)
    }

    @Test func listenTwiceIsAnError() {
        let files = ["/etc/ppp/chapd.conf": "listen tcp:[::]:3000\n"]
        let e = serverError(["listen", "tcp:[::]:3000"], files: files)
        #expect(e?.description == "listen address 'tcp:[::]:3000' is given twice")
    }

    @Test func lineTakesAnOptionalSpeed() throws {
        let o = try parseServer(["line", "/dev/ttyS0", "115200", "line", "ttyS1", "auth", "line", "/dev/pts/4"],
                                devices: ["/dev/ttyS1"])
        #expect(o.server.lines == [ServerOptions.Line(device: "/dev/ttyS0", speed: 115200),
                                   ServerOptions.Line(device: "/dev/ttyS1"),
                                   ServerOptions.Line(device: "/dev/pts/4")])
        #expect(o.authRequired)
        #expect(o.device == nil && o.speed == nil)
    }

    @Test func lineSpeedMayFollowOnTheNextLineOfAFile() throws {
        let o = try parseServer([], files: ["/etc/ppp/chapd.conf": "line /dev/ttyS0\n  38400\nline /dev/ttyS1\n"])
        #expect(o.server.lines == [ServerOptions.Line(device: "/dev/ttyS0", speed: 38400),
                                   ServerOptions.Line(device: "/dev/ttyS1")])
        #expect(o.sources["line"] == .file(path: "/etc/ppp/chapd.conf", line: 3))
    }

    @Test func lineErrors() {
        #expect(serverError(["line", "ttyS9"])?.message
                == "line device 'ttyS9' is not a character device (give /dev/NAME or a name under /dev)")
        #expect(serverError(["line", "/dev/ttyS0", "99999999999"])?.message
                == "invalid speed '99999999999' for line /dev/ttyS0")
        let twice = serverError(["line", "ttyS0", "line", "/dev/ttyS0", "9600"], devices: ["/dev/ttyS0"])
        #expect(twice?.message == "line /dev/ttyS0 is given twice")
        #expect(serverError(["line"])?.message == "too few parameters for option 'line'")
    }

    @Test func remotePoolIsMaskedAndRepeatable() throws {
        let o = try parseServer(["remote-pool", "10.1.2.3/24", "remote-pool", "192.168.0.0/30"])
        #expect(o.server.remotePools == [ServerOptions.Pool(network: 0x0A01_0200, prefixLength: 24),
                                         ServerOptions.Pool(network: 0xC0A8_0000, prefixLength: 30)])
        #expect(o.dumpValue("remote-pool") == "10.1.2.0/24 192.168.0.0/30")
    }

    @Test(arguments: [
        ("10.0.0.0", "invalid remote-pool '10.0.0.0': expected A.B.C.D/N with N from 8 to 30"),
        ("10.0.0.0/7", "invalid remote-pool '10.0.0.0/7': expected A.B.C.D/N with N from 8 to 30"),
        ("10.0.0.0/31", "invalid remote-pool '10.0.0.0/31': expected A.B.C.D/N with N from 8 to 30"),
        ("10.0.0/24", "invalid remote-pool '10.0.0/24': expected A.B.C.D/N with N from 8 to 30"),
        ("10.0.0.0/+8", "invalid remote-pool '10.0.0.0/+8': expected A.B.C.D/N with N from 8 to 30"),
        ("127.0.0.0/8", "invalid remote-pool '127.0.0.0/8': 127.0.0.0/8 is not usable for peers (network 0, loopback, multicast or class E)"),
        ("224.1.0.0/16", "invalid remote-pool '224.1.0.0/16': 224.1.0.0/16 is not usable for peers (network 0, loopback, multicast or class E)"),
        ("0.1.0.0/16", "invalid remote-pool '0.1.0.0/16': 0.1.0.0/16 is not usable for peers (network 0, loopback, multicast or class E)"),
    ])
    func remotePoolErrors(_ value: String, _ message: String) {
        #expect(serverError(["remote-pool", value])?.message == message)
    }

    @Test func overlappingPoolsAreRefusedEitherWayRound() {
        #expect(serverError(["remote-pool", "10.0.0.0/16", "remote-pool", "10.0.1.0/24"])?.message
                == "remote-pool 10.0.1.0/24 overlaps remote-pool 10.0.0.0/16")
        let e = serverError(["remote-pool", "10.0.1.0/24"], files: ["/etc/ppp/chapd.conf": "remote-pool 10.0.0.0/8\n"])
        #expect(e?.description == "remote-pool 10.0.1.0/24 overlaps remote-pool 10.0.0.0/8")
        #expect(serverError(["remote-pool", "10.0.0.0/24", "remote-pool", "10.0.1.0/24"]) == nil)
    }

    @Test func limits() throws {
        let o = try parseServer(["max-links", "200", "max-links-per-listener", "50", "max-connection-rate", "0",
                                 "link-input-limit", "4096", "link-control-limit", "0", "shutdown-timeout", "30"])
        #expect(o.server.maxLinks == 200)
        #expect(o.server.maxLinksPerListener == 50)
        #expect(o.server.maxConnectionRate == 0)
        #expect(o.server.linkInputLimit == 4096)
        #expect(o.server.linkControlLimit == 0)
        #expect(try parseServer([]).server.linkControlLimit == 200)
        #expect(serverError(["link-control-limit", "-1"])?.message
                == "invalid numeric parameter '-1' for link-control-limit option")
        #expect(o.server.shutdownTimeout == 30)
        #expect(try parseServer(["max-connection-rate", "5"]).server.maxConnectionRate == 5)
        #expect(serverError(["max-links", "0"])?.message == "max-links value must be >= 1")
        #expect(serverError(["max-links-per-listener", "0"])?.message == "max-links-per-listener value must be >= 1")
        #expect(serverError(["link-input-limit", "4095"])?.message == "link-input-limit value must be >= 4096")
        #expect(serverError(["shutdown-timeout", "0"])?.message == "shutdown-timeout value must be >= 1")
        #expect(serverError(["max-connection-rate", "-1"])?.message
                == "invalid numeric parameter '-1' for max-connection-rate option")
    }

    @Test func controlSocketMustBeAbsolute() throws {
        #expect(try parseServer(["control-socket", "/run/x/ctl"]).server.controlSocket == "/run/x/ctl")
        #expect(serverError(["control-socket", "ctl"])?.message == "control-socket value must be an absolute path")
        #expect(serverError(["control-socket", "/" + String(repeating: "c", count: 107)])?.message
                == "control-socket value is longer than 107 bytes")
    }

    @Test func metricsListen() throws {
        let o = try parseServer(["metrics-listen", "127.0.0.1:9100"])
        #expect(o.server.metricsListen?.host == "127.0.0.1")
        #expect(o.server.metricsListen?.port == 9100)
        let v6 = try parseServer(["metrics-listen", "[::1]:9100"])
        #expect(v6.server.metricsListen?.host == "::1")
        #expect(v6.dumpValue("metrics-listen") == "[::1]:9100")
        #expect(serverError(["metrics-listen", "9100"])?.message
                == "invalid metrics-listen address '9100': expected HOST:PORT")
        #expect(serverError(["metrics-listen", "localhost:0"])?.message
                == "invalid metrics-listen address 'localhost:0': port must be a number from 1 to 65535")
    }

    @Test func everyServerNumericWordRejectsJunk() {
        for spec in OptionTable.server where spec.argument == "N" {
            #expect(serverError([spec.word, "12abc"])?.message == "invalid numeric parameter '12abc' for \(spec.word) option")
        }
    }

    @Test func everyServerWordWithoutArgumentIsTooFewParameters() {
        for spec in OptionTable.server {
            let e = serverError([spec.word])
            #expect(e?.kind == .tooFewParameters, "\(spec.word)")
            #expect(e?.message == "too few parameters for option '\(spec.word)'")
        }
    }

    @Test func badValueInAFileNamesFileAndLine() {
        let e = serverError([], files: ["/etc/ppp/chapd.conf": "max-links 10\n\nlisten tcp:x\n"])
        #expect(e?.description == "In file /etc/ppp/chapd.conf:3: invalid listen address 'tcp:x': expected tcp:HOST:PORT or unix:PATH")
    }
}

@Suite struct ServerModeTests {
    @Test func serverWordsAreRefusedOutsideServerMode() {
        for spec in OptionTable.server {
            let e = parseError([spec.word, "1"])
            #expect(e?.kind == .invalidValue, "\(spec.word)")
            #expect(e?.message == "option '\(spec.word)' is only for chapd serve")
            #expect(e?.exitStatus == 2)
        }
        let inFile = parseError([], files: ["/etc/ppp/options": "auth\nlisten tcp:0.0.0.0:3000\n"])
        #expect(inFile?.description == "In file /etc/ppp/options:2: option 'listen' is only for chapd serve")
    }

    @Test func singleLineWordsAreRefusedInServerMode() {
        #expect(serverError(["/dev/ttyS0"])?.message == "chapd serve takes its lines from 'line DEVICE', not '/dev/ttyS0'")
        #expect(serverError(["ttyS1"], devices: ["/dev/ttyS1"])?.message
                == "chapd serve takes its lines from 'line DEVICE', not 'ttyS1'")
        #expect(serverError(["notty"])?.message == "chapd serve takes its lines from 'line DEVICE', not 'notty'")
        #expect(serverError(["pty", "cat"])?.message == "chapd serve takes its lines from 'line DEVICE', not 'pty'")
        let e = serverError([], files: ["/etc/ppp/chapd.conf": "\nnotty\n"])
        #expect(e?.description == "In file /etc/ppp/chapd.conf:2: chapd serve takes its lines from 'line DEVICE', not 'notty'")
    }

    @Test func readingOrderIsOptionsThenChapdConfThenCommandLine() throws {
        let files = ["/etc/ppp/options": "name fromoptions mru 1400 lock\nmax-links 5\n",
                     "/etc/ppp/chapd.conf": "name fromconf\nmax-links 7 listen unix:/run/a\n",
                     "/etc/ppp/peers/isp": "remotename isp\n"]
        let o = try parseServer(["max-links", "9", "listen", "unix:/run/b", "call", "isp"], files: files)
        #expect(o.name == "fromconf")
        #expect(o.mru == 1400 && o.lock)
        #expect(o.server.maxLinks == 9)
        #expect(o.server.listens == [.unix(path: "/run/a"), .unix(path: "/run/b")])
        #expect(o.remoteName == "isp")
        #expect(o.sources["name"] == .file(path: "/etc/ppp/chapd.conf", line: 1))
        #expect(o.sources["max-links"] == .commandLine)
    }

    @Test func serverReadsNoTtyFile() throws {
        let files = ["/etc/ppp/options.ttyS0": "name tty\n", "/etc/ppp/chapd.conf": "line /dev/ttyS0\n"]
        #expect(try parseServer([], files: files).name == nil)
    }

    @Test func optionsDirAndFileWorkInServerMode() throws {
        let files = ["/srv/ppp/chapd.conf": "line /dev/ttyS0 9600\n", "/srv/extra": "max-links 3\n"]
        let o = try parseServer(["optionsdir", "/srv/ppp", "file", "/srv/extra"], files: files)
        #expect(o.server.lines == [ServerOptions.Line(device: "/dev/ttyS0", speed: 9600)])
        #expect(o.server.maxLinks == 3)
        #expect(o.chapSecretsFile == "/srv/ppp/chap-secrets")
    }
}

@Suite struct ServerLineTests {
    func lineOptions(_ arguments: [String], files: [String: String], line: ServerOptions.Line) throws(OptionError) -> ChapdOptions {
        try OptionParser.parseServerLine(arguments: arguments, context: testContext(files: files), line: line)
    }

    @Test func lineGetsItsDeviceSpeedAndTtyFileBelowTheCommandLine() throws {
        let files = ["/etc/ppp/chapd.conf": "line /dev/ttyS0 115200\nname server\n",
                     "/etc/ppp/options.ttyS0": "name ttyname mru 1000 crtscts 9600\n"]
        let o = try lineOptions(["mru", "1200"], files: files, line: ServerOptions.Line(device: "/dev/ttyS0", speed: 115200))
        #expect(o.serverMode)
        #expect(o.device == "/dev/ttyS0")
        #expect(o.speed == 115200)                 // the line's own speed wins over options.ttyS0
        #expect(o.name == "ttyname")               // options.ttyS0 overrides chapd.conf
        #expect(o.mru == 1200)                     // the command line wins
        #expect(o.flowControl == .rtscts)
        #expect(o.sources["<device>"] == .file(path: "/etc/ppp/chapd.conf", line: 1))
        #expect(o.sources["<speed>"] == .file(path: "/etc/ppp/chapd.conf", line: 1))
        #expect(o.server.lines == [ServerOptions.Line(device: "/dev/ttyS0", speed: 115200)])
    }

    @Test func ttyFileSetsTheSpeedWhenTheLineHasNone() throws {
        let files = ["/etc/ppp/options.ttyUSB0": "38400\n"]
        let o = try lineOptions(["line", "/dev/ttyUSB0"], files: files, line: ServerOptions.Line(device: "/dev/ttyUSB0"))
        #expect(o.speed == 38400)
        #expect(o.sources["<device>"] == .commandLine)
    }

    @Test func ttyFileMayNotChangeTheDeviceNorHoldServerWords() {
        let line = ServerOptions.Line(device: "/dev/ttyS0")
        #expect(throws: OptionError(.invalidValue, "the device name may not be changed in /etc/ppp/options.ttyS0",
                                    source: .file(path: "/etc/ppp/options.ttyS0", line: 1))) {
            try lineOptions([], files: ["/etc/ppp/options.ttyS0": "/dev/ttyS1\n"], line: line)
        }
        #expect(throws: OptionError(.invalidValue,
                                    "option 'max-links' applies to the whole server and may not be used in /etc/ppp/options.ttyS0",
                                    source: .file(path: "/etc/ppp/options.ttyS0", line: 2))) {
            try lineOptions([], files: ["/etc/ppp/options.ttyS0": "debug\nmax-links 3\n"], line: line)
        }
    }
}

@Suite struct ServerDumpTests {
    @Test func dumpShowsServerWordsAndTheServerDefaults() throws {
        let files = ["/etc/ppp/chapd.conf": "listen tcp:0.0.0.0:3000\nline /dev/ttyS0 115200\n"]
        let o = try parseServer(["listen", "unix:/run/l", "line", "/dev/ttyS1", "max-links", "20",
                                 "remote-pool", "10.9.0.0/16", "metrics-listen", "127.0.0.1:9100"], files: files)
        #expect(o.dumpText == """
            chapd options in effect:
            line /dev/ttyS0 115200, /dev/ttyS1\t\t# (from command line)
            listen tcp:0.0.0.0:3000 unix:/run/l\t\t# (from command line)
            max-links 20\t\t# (from command line)
            metrics-listen 127.0.0.1:9100\t\t# (from command line)
            remote-pool 10.9.0.0/16\t\t# (from command line)
            control-socket /run/chapd/control\t\t# (default)
            link-control-limit 200\t\t# (default)
            link-input-limit 67108864\t\t# (default)
            max-connection-rate 0\t\t# (default)
            shutdown-timeout 5\t\t# (default)

            """)
    }

    @Test func singleLinkDumpShowsNoServerDefaults() throws {
        #expect(try parse(["auth"]).dumpText == "chapd options in effect:\nauth\t\t# (from command line)\n")
    }

    @Test func everyServerValueWordHasADumpValue() throws {
        let samples = ["N": "4096", "PATH": "/run/c", "HOST:PORT": "127.0.0.1:9100", "A.B.C.D/N": "10.0.0.0/24",
                       "tcp:HOST:PORT|unix:PATH": "unix:/run/l", "DEVICE [SPEED]": "/dev/ttyS0"]
        for spec in OptionTable.server {
            let arg = try #require(samples[spec.argument], "\(spec.word) \(spec.argument)")
            let o = try parseServer([spec.word, arg])
            #expect(o.dumpValue(spec.word) != nil, "\(spec.word)")
        }
    }

    @Test func usageListsTheServerWords() {
        let text = OptionParser.usage()
        for row in OptionParser.serverOptionTable { #expect(text.contains("\t\(row.word) \(row.argument)"), "\(row.word)") }
        #expect(OptionParser.serverOptionTable.count == 11)
    }
}
