// The option words chapd knows: pppd's names, argument shapes and defaults, and chapd's own.

/// One option word and what it does.
struct OptionSpec: Sendable {
    enum Action: Sendable {
        case flag(@Sendable (inout ChapdOptions) -> Void)
        case value(@Sendable (inout ChapdOptions, String) throws(OptionValueError) -> Void)
        /// `file FILE` / `call NAME`: handled by the parser.
        case includeFile
        case includePeer
        /// `optionsdir DIR`: applied by the parser's command-line pre-scan.
        case optionsDirectory
        /// `line DEVICE [SPEED]`: handled by the parser, which resolves the device and takes
        /// the next word as the speed only if it is a number.
        case serverLine
        case unsupported(reason: String, takesArgument: Bool)
    }

    let word: String
    /// Placeholder for the argument ("N", "NAME"); empty when the option takes none.
    let argument: String
    let description: String
    /// Options sharing a group override each other (auth/noauth/require-chap).
    let group: String
    let action: Action
    /// A `chapd serve` word: an error elsewhere, and in options.TTYNAME (it is not per line).
    var serverOnly = false

    var takesArgument: Bool {
        switch action {
        case .flag: return false
        case .value, .includeFile, .includePeer, .optionsDirectory, .serverLine: return true
        case .unsupported(_, let takes): return takes
        }
    }
}

extension OptionSpec {
    static func flag(_ word: String, _ description: String, group: String? = nil,
                     _ apply: @escaping @Sendable (inout ChapdOptions) -> Void) -> OptionSpec {
        OptionSpec(word: word, argument: "", description: description, group: group ?? word, action: .flag(apply))
    }

    static func noop(_ word: String, _ why: String) -> OptionSpec {
        OptionSpec(word: word, argument: "", description: "accepted, no effect: \(why)", group: word,
                   action: .flag { _ in })
    }

    static func string(_ word: String, _ argument: String, _ description: String,
                       _ apply: @escaping @Sendable (inout ChapdOptions, String) throws(OptionValueError) -> Void) -> OptionSpec {
        OptionSpec(word: word, argument: argument, description: description, group: word, action: .value(apply))
    }

    static func name(_ word: String, _ description: String,
                     _ apply: @escaping @Sendable (inout ChapdOptions, String) -> Void) -> OptionSpec {
        string(word, "NAME", description) { (o: inout ChapdOptions, v: String) throws(OptionValueError) in
            apply(&o, try OptionValues.name(v, option: word))
        }
    }

    static func int(_ word: String, _ description: String, min: Int = 0, max: Int? = nil,
                    _ apply: @escaping @Sendable (inout ChapdOptions, Int) -> Void) -> OptionSpec {
        string(word, "N", description) { (o: inout ChapdOptions, v: String) throws(OptionValueError) in
            apply(&o, try OptionValues.integer(v, option: word, min: min, max: max))
        }
    }

    static func unsupported(_ word: String, _ reason: String, argument: String = "") -> OptionSpec {
        OptionSpec(word: word, argument: argument, description: reason, group: word,
                   action: .unsupported(reason: reason, takesArgument: !argument.isEmpty))
    }
}

enum OptionTable {
    static let minMRU = 128
    static let maxMRU = 16384

    static let supported: [OptionSpec] = general + authentication + chap + chapdOwn + lcp + ipcp + line
    static let unsupported: [OptionSpec] = unsupportedSpecs

    /// Every known word, supported or not.
    static let byWord: [String: OptionSpec] = {
        var d: [String: OptionSpec] = [:]
        for s in supported + server + unsupported { d[s.word] = s }
        return d
    }()

    static let general: [OptionSpec] = [
        .flag("debug", "increase debugging level", group: "debug") { $0.debugLevel += 1 },
        .flag("-d", "same as debug", group: "debug") { $0.debugLevel += 1 },
        .flag("nodetach", "stay in the foreground", group: "detach") { $0.nodetach = true; $0.updetach = false },
        .flag("-detach", "same as nodetach", group: "detach") { $0.nodetach = true; $0.updetach = false },
        .flag("updetach", "accepted: chapd always stays in the foreground (run it under a supervisor)", group: "detach") { $0.updetach = true; $0.nodetach = false },
        .int("logfd", "send log lines to this file descriptor (default 1)", max: Int(Int32.max)) { $0.logFD = Int32($1) },
        .flag("nolog", "send log lines to no file descriptor", group: "logfd") { $0.logFD = nil },
        .flag("nologfd", "same as nolog", group: "logfd") { $0.logFD = nil },
        .string("logfile", "FILE", "append log lines to FILE") { $0.logFile = $1 },
        .string("linkname", "NAME", "logical link name (LINKNAME in the hook scripts' environment)") { $0.linkName = $1 },
        .string("ipparam", "STRING", "extra parameter for the ip-up/ip-down scripts") { $0.ipparam = $1 },
        .int("maxfail", "with persist, give up after N consecutive failed attempts; 0 = never (default 10)") { $0.maxfail = $1 },
        .flag("persist", "redial when the link ends (except on SIGTERM/SIGINT)", group: "persist") { $0.persist = true },
        .flag("nopersist", "exit when the link ends (default)", group: "persist") { $0.persist = false },
        .int("holdoff", "seconds to wait before redialling (default 30; 0 without a connect script)") {
            $0.holdoff = $1; $0.holdoffSpecified = true
        },
        .flag("dump", "print the options in effect") { $0.dump = true },
        .flag("dryrun", "print the options in effect and exit") { $0.dryrun = true },
        .flag("--help", "print the option list and exit", group: "help") { $0.helpRequested = true },
        .flag("-h", "same as --help", group: "help") { $0.helpRequested = true },
        .flag("--version", "print the version and exit") { $0.versionRequested = true },
        OptionSpec(word: "file", argument: "FILE", description: "read options from FILE", group: "file",
                   action: .includeFile),
        OptionSpec(word: "call", argument: "NAME", description: "read options from OPTIONSDIR/peers/NAME",
                   group: "call", action: .includePeer),
        .noop("nomultilink", "chapd never does multilink"),
        .noop("nomp", "chapd never does multilink"),
        .noop("noktune", "chapd never changes kernel settings"),
    ]

    static let authentication: [OptionSpec] = [
        .flag("auth", "require the peer to authenticate (with CHAP MD5)", group: "auth") { $0.authRequired = true },
        .flag("noauth", "do not require the peer to authenticate", group: "auth") { $0.authRequired = false },
        .flag("require-chap", "require CHAP MD5 authentication from the peer", group: "auth") { $0.authRequired = true },
        .flag("+chap", "same as require-chap", group: "auth") { $0.authRequired = true },
        .flag("refuse-chap", "do not authenticate ourselves with CHAP", group: "refuse-chap") { $0.refuseChap = true },
        .flag("-chap", "same as refuse-chap", group: "refuse-chap") { $0.refuseChap = true },
        .noop("refuse-pap", "chapd never authenticates with PAP"),
        .noop("-pap", "chapd never authenticates with PAP"),
        .noop("refuse-mschap", "chapd never authenticates with MS-CHAP"),
        .noop("-mschap", "chapd never authenticates with MS-CHAP"),
        .noop("refuse-mschap-v2", "chapd never authenticates with MS-CHAPv2"),
        .noop("-mschap-v2", "chapd never authenticates with MS-CHAPv2"),
        .noop("refuse-eap", "chapd never authenticates with EAP"),
        .name("name", "our name for authentication (default: host name)") { $0.name = $1 },
        .flag("usehostname", "use the host name as our name even if name is given") { $0.useHostname = true },
        .name("user", "the name we authenticate as (default: our name)") { $0.user = $1 },
        OptionSpec(word: "password", argument: "PASSWORD",
                   description: "our secret, instead of the chap-secrets entry (never logged)",
                   group: "password",
                   action: .value { (o: inout ChapdOptions, v: String) throws(OptionValueError) in
                       guard v.utf8.count <= OptionValues.maxNameLength else {
                           throw OptionValueError("password value is too long (at most \(OptionValues.maxNameLength) bytes)")
                       }
                       o.password = Redacted(v)
                   }),
        .name("remotename", "the peer's name for secret lookups") { $0.remoteName = $1 },
        .string("chap-secrets", "FILE", "CHAP secrets file (default OPTIONSDIR/chap-secrets)") { $0.chapSecretsFile = $1 },
    ]

    static let chap: [OptionSpec] = [
        .int("chap-restart", "seconds between Challenge retransmissions (default 3)", min: 1) { $0.chapRestart = $1 },
        .int("chap-max-challenge", "Challenge transmissions before the peer fails (default 10)", min: 1) { $0.chapMaxChallenge = $1 },
        .int("chap-interval", "re-challenge every N seconds after success; 0 = never (default 0)") { $0.chapInterval = $1 },
        .int("chap-timeout", "seconds to wait for Challenge or Success as the authenticated side (default 60)", min: 1) { $0.chapTimeout = $1 },
    ]

    static let chapdOwn: [OptionSpec] = [
        .flag("callin", "this is an incoming call (default)", group: "direction") { $0.callDirection = .callin },
        .flag("callout", "this is an outgoing call", group: "direction") { $0.callDirection = .callout },
        .flag("chap-callin", "require CHAP from the peer on incoming calls only (Cisco chap callin)") { $0.chapCallin = true },
        .flag("refuse-chap-callin", "on incoming calls refuse to authenticate ourselves (Cisco chap refuse callin)") { $0.refuseChapCallin = true },
        .flag("chap-wait", "answer the peer's Challenge only after it authenticated to us (Cisco chap wait)") { $0.chapWait = true },
        .flag("chap-ignoreus", "ignore a Challenge carrying our own name (default)", group: "chap-ignoreus") { $0.chapIgnoreUs = true },
        .flag("nochap-ignoreus", "answer a Challenge carrying our own name", group: "chap-ignoreus") { $0.chapIgnoreUs = false },
        .int("max-bad-auth", "further challenges allowed after a Failure (default 0)") { $0.maxBadAuth = $1 },
        .string("success-message", "TEXT", "text of our CHAP Success (default \"Access granted\")") {
            (o: inout ChapdOptions, v: String) throws(OptionValueError) in
            o.successMessage = try OptionValues.name(v, option: "success-message")
        },
        .string("failure-message", "TEXT", "text of our CHAP Failure (default \"Access denied\")") {
            (o: inout ChapdOptions, v: String) throws(OptionValueError) in
            o.failureMessage = try OptionValues.name(v, option: "failure-message")
        },
        OptionSpec(word: "optionsdir", argument: "DIR",
                   description: "options directory (default /etc/ppp, or $CHAPD_OPTIONS_DIR); command line only",
                   group: "optionsdir", action: .optionsDirectory),
    ]

    static let lcp: [OptionSpec] = [
        .int("mru", "MRU to ask for (default 1500)", min: minMRU, max: maxMRU) { $0.mru = $1; $0.negotiateMRU = true },
        .flag("default-mru", "do not negotiate the MRU", group: "mru") { $0.negotiateMRU = false },
        .flag("-mru", "same as default-mru", group: "mru") { $0.negotiateMRU = false },
        .int("mtu", "largest packet we send (default: the peer's MRU)", min: minMRU, max: maxMRU) { $0.mtu = $1 },
        .string("asyncmap", "MAP", "hex asyncmap to ask for; repeated values are ORed (default 0)") {
            (o: inout ChapdOptions, v: String) throws(OptionValueError) in
            o.asyncMap |= try OptionValues.hex32(v, option: "asyncmap")
        },
        .flag("default-asyncmap", "do not negotiate the asyncmap (escape all control characters)") { $0.defaultAsyncMap = true },
        .flag("-am", "same as default-asyncmap", group: "default-asyncmap") { $0.defaultAsyncMap = true },
        .flag("noaccomp", "no address/control field compression") { $0.addressControlCompression = false },
        .flag("-ac", "same as noaccomp", group: "noaccomp") { $0.addressControlCompression = false },
        .flag("nopcomp", "no protocol field compression") { $0.protocolCompression = false },
        .flag("-pc", "same as nopcomp", group: "nopcomp") { $0.protocolCompression = false },
        .flag("nomagic", "no magic number negotiation") { $0.magicNumber = false },
        .flag("-mn", "same as nomagic", group: "nomagic") { $0.magicNumber = false },
        .flag("passive", "wait for the peer's Configure-Request instead of giving up") { $0.passive = true },
        .flag("-p", "same as passive", group: "passive") { $0.passive = true },
        .flag("silent", "send nothing until the peer sends an LCP packet") { $0.silent = true },
        .int("lcp-restart", "seconds between LCP retransmissions (default 3)", min: 1) { $0.lcpRestart = $1 },
        .int("lcp-max-configure", "LCP Configure-Requests sent before giving up (default 10)", min: 1) { $0.lcpMaxConfigure = $1 },
        .int("lcp-max-failure", "Configure-Naks sent before rejecting (default 5)", min: 1) { $0.lcpMaxFailure = $1 },
        .int("lcp-max-terminate", "LCP Terminate-Requests sent (default 2)", min: 1) { $0.lcpMaxTerminate = $1 },
        .int("lcp-echo-interval", "seconds between LCP Echo-Requests; 0 = none (default 0)") { $0.lcpEchoInterval = $1 },
        .int("lcp-echo-failure", "unanswered echoes before the link is down; 0 = never (default 0)") { $0.lcpEchoFailure = $1 },
        .flag("lcp-echo-adaptive", "send echoes only when nothing was received") { $0.lcpEchoAdaptive = true },
        .noop("noendpoint", "chapd never sends an endpoint discriminator"),
    ]

    static let ipcp: [OptionSpec] = [
        .flag("noip", "disable IPCP (the link ends after authentication)", group: "ip") { $0.ipEnabled = false },
        .flag("-ip", "same as noip", group: "ip") { $0.ipEnabled = false },
        .flag("noipdefault", "do not take the local address from the host name") { $0.noIPDefault = true },
        .flag("-ipdefault", "same as noipdefault", group: "noipdefault") { $0.noIPDefault = true },
        .flag("ipcp-accept-local", "accept the peer's idea of our address") { $0.acceptLocal = true },
        .flag("ipcp-accept-remote", "accept the peer's idea of its address") { $0.acceptRemote = true },
        .flag("usepeerdns", "ask the peer for DNS addresses; write them to OPTIONSDIR/resolv.conf, DNS1/DNS2 for the hooks") { $0.usePeerDNS = true },
        .string("ms-dns", "ADDR", "DNS address to offer; give twice for primary and secondary") {
            (o: inout ChapdOptions, v: String) throws(OptionValueError) in
            let a = try OptionValues.address(v, option: "ms-dns")
            o.msDNS = Array((o.msDNS + [a]).suffix(2))
        },
        .int("ipcp-restart", "seconds between IPCP retransmissions (default 3)", min: 1) { $0.ipcpRestart = $1 },
        .int("ipcp-max-configure", "IPCP Configure-Requests sent before giving up (default 10)", min: 1) { $0.ipcpMaxConfigure = $1 },
        .int("ipcp-max-failure", "IPCP Configure-Naks sent before rejecting (default 5)", min: 1) { $0.ipcpMaxFailure = $1 },
        .int("ipcp-max-terminate", "IPCP Terminate-Requests sent (default 2)", min: 1) { $0.ipcpMaxTerminate = $1 },
        .flag("+ipv6", "enable IPV6CP and IPv6 (link-local addresses from interface identifiers)", group: "ipv6") { $0.ipv6Enabled = true },
        .flag("noipv6", "disable IPV6CP and IPv6 (default)", group: "ipv6") { $0.ipv6Enabled = false },
        .flag("-ipv6", "same as noipv6", group: "ipv6") { $0.ipv6Enabled = false },
        .string("ipv6", "LOCAL,REMOTE", "interface identifiers (e.g. ::1,::2; either may be empty); implies +ipv6") {
            (o: inout ChapdOptions, v: String) throws(OptionValueError) in
            let (local, remote) = try OptionValues.interfaceIdentifiers(v)
            if let local { o.ipv6LocalIdentifier = local }
            if let remote { o.ipv6RemoteIdentifier = remote }
            o.ipv6Enabled = true
        },
        .flag("ipv6cp-accept-local", "accept the peer's interface identifier for us") { $0.ipv6AcceptLocal = true },
        .flag("ipv6cp-accept-remote", "accept the peer's own interface identifier") { $0.ipv6AcceptRemote = true },
        .int("ipv6cp-restart", "seconds between IPV6CP retransmissions (default 3)", min: 1) { $0.ipv6cpRestart = $1 },
        .int("ipv6cp-max-configure", "IPV6CP Configure-Requests sent before giving up (default 10)", min: 1) { $0.ipv6cpMaxConfigure = $1 },
        .int("ipv6cp-max-failure", "IPV6CP Configure-Naks sent before rejecting (default 5)", min: 1) { $0.ipv6cpMaxFailure = $1 },
        .int("ipv6cp-max-terminate", "IPV6CP Terminate-Requests sent (default 2)", min: 1) { $0.ipv6cpMaxTerminate = $1 },
        .flag("defaultroute", "add a default route through the link's interface if there is none", group: "defaultroute") { $0.defaultRoute = true },
        .flag("nodefaultroute", "do not add a default route (default)", group: "defaultroute") { $0.defaultRoute = false },
        .flag("-defaultroute", "same as nodefaultroute", group: "defaultroute") { $0.defaultRoute = false },
        .noop("noreplacedefaultroute", "chapd never replaces an existing default route"),
        .string("ifname", "NAME", "name the link's interface NAME (default: the first free chapdN)") {
            (o: inout ChapdOptions, v: String) throws(OptionValueError) in
            o.interfaceName = try OptionValues.interfaceName(v, option: "ifname")
        },
        .int("unit", "name the link's interface chapdN", max: 99_999) { $0.unit = $1 },
        .string("plugin", "radius.so", "pppd's RADIUS plugin by name (any directory): authenticate and account through RADIUS; no other plugin is loaded") {
            (o: inout ChapdOptions, v: String) throws(OptionValueError) in
            guard v.split(separator: "/").last == "radius.so" else {
                throw OptionValueError("chapd does not load plugin '\(v)': only radius.so is understood (RADIUS authentication and accounting, built in)")
            }
            o.radius = true
        },
        .string("radius-config-file", "FILE", "radiusclient.conf to read (default /etc/radiusclient/radiusclient.conf)") { $0.radiusConfigFile = $1 },
        .int("radius-acct-interim", "seconds between accounting Interim-Updates when RADIUS sets none; 0 = none (default 0)") { $0.radiusAcctInterim = $1 },
        .string("radius-dae-listen", "HOST:PORT", "accept RADIUS Disconnect-Requests (RFC 5176) on this UDP address (off by default)") { $0.radiusDAEListen = $1 },
        .flag("radius-require-message-authenticator", "ignore Access-Accept/Reject without a valid Message-Authenticator", group: "radius-ma") { $0.radiusRequireMessageAuthenticator = true },
        .flag("radius-allow-unsigned-replies", "accept replies without Message-Authenticator (FreeRADIUS before 3.2.5)", group: "radius-ma") { $0.radiusRequireMessageAuthenticator = false },
        .flag("nodataplane", "no interface: authenticate and run IPCP only, discarding (and counting) IP") { $0.dataPlane = false },
        .noop("noproxyarp", "chapd never adds ARP entries"),
        .noop("-proxyarp", "chapd never adds ARP entries"),
        .noop("novj", "chapd never does VJ compression"),
        .noop("-vj", "chapd never does VJ compression"),
        .noop("novjccomp", "chapd never does VJ compression"),
        .noop("-vjccomp", "chapd never does VJ compression"),
        .noop("noccp", "chapd has no CCP"),
        .noop("-ccp", "chapd has no CCP"),
        .noop("nodeflate", "chapd never compresses"),
        .noop("nobsdcomp", "chapd never compresses"),
        .noop("nopredictor1", "chapd never compresses"),
        .noop("nomppe", "chapd never encrypts"),
        .noop("noipx", "chapd has no IPXCP"),
        .noop("-ipx", "chapd has no IPXCP"),
        // Debian's stock /etc/ppp/options sets these; chapd never prints passwords at all.
        .noop("hide-password", "chapd never logs passwords"),
        .noop("show-password", "chapd never logs passwords, even when asked to"),
    ]

    static let line: [OptionSpec] = [
        .flag("lock", "lock the device UUCP-style", group: "lock") { $0.lock = true },
        .flag("nolock", "do not lock the device", group: "lock") { $0.lock = false },
        .flag("local", "ignore the modem control lines", group: "modem") { $0.modem = false },
        .flag("modem", "use the modem control lines (default)", group: "modem") { $0.modem = true },
        .flag("crtscts", "hardware (RTS/CTS) flow control", group: "flow") { $0.flowControl = .rtscts },
        .flag("cdtrcts", "hardware (DTR/CTS) flow control", group: "flow") { $0.flowControl = .dtrcts },
        .flag("xonxoff", "software flow control", group: "flow") { $0.flowControl = .xonxoff },
        .flag("nocrtscts", "no flow control", group: "flow") { $0.flowControl = .none },
        .flag("-crtscts", "same as nocrtscts", group: "flow") { $0.flowControl = .none },
        .flag("nocdtrcts", "no flow control", group: "flow") { $0.flowControl = .none },
        .flag("notty", "talk PPP on standard input/output, which need not be a terminal") { $0.notty = true },
        .string("pty", "COMMAND", "run COMMAND on a pseudo-terminal and talk PPP to it") { $0.ptyCommand = $1 },
        .string("connect", "SCRIPT", "run SCRIPT (through /bin/sh) on the line to dial before PPP starts") { $0.connectScript = $1 },
        .string("disconnect", "SCRIPT", "run SCRIPT on the line after the link ends, before it is closed") { $0.disconnectScript = $1 },
        .string("init", "SCRIPT", "run SCRIPT on the line to initialise it, before connect") { $0.initScript = $1 },
        .string("welcome", "SCRIPT", "run SCRIPT on the line after connect, before PPP starts") { $0.welcomeScript = $1 },
        .int("connect-delay", "after connect (or pty), wait up to N ms for the peer to speak first (default 1000)", max: 100_000) { $0.connectDelay = $1 },
        .string("record", "FILE", "record every frame to FILE as a pcap capture (link type PPP_WITH_DIR)") { $0.recordFile = $1 },
    ]

    static let unsupportedSpecs: [OptionSpec] = {
        let chapOnly = "it authenticates with CHAP MD5 only"
        let noDemand = "dial-on-demand needs a dormant network interface that chapd does not keep"
        let noKernel = "it does not configure a kernel network interface"
        let noCompress = "it does not implement compression or encryption (CCP)"
        var s: [OptionSpec] = []
        for w in ["require-pap", "+pap", "require-mschap", "+mschap", "require-mschap-v2", "+mschap-v2",
                  "require-eap", "login", "papcrypt", "need-peer-eap"] {
            s.append(.unsupported(w, chapOnly))
        }
        for w in ["pap-restart", "pap-max-authreq", "pap-timeout", "eap-restart", "eap-max-sreq",
                  "eap-timeout", "eap-max-rreq", "eap-interval", "srp-interval", "pap-secrets", "+ua"] {
            s.append(.unsupported(w, chapOnly, argument: "ARG"))
        }
        s.append(.unsupported("demand", noDemand))
        for w in ["idle", "maxconnect", "socket"] {
            s.append(.unsupported(w, "it does not implement this pppd feature", argument: "ARG"))
        }
        for w in ["replacedefaultroute", "proxyarp", "ktune", "defaultroute6", "ipv6cp-use-ipaddr",
                  "ipv6cp-use-persistent"] {
            s.append(.unsupported(w, noKernel))
        }
        for w in ["netmask", "defaultroute-metric", "domain", "ip-up-script",
                  "ip-down-script", "ipv6-up-script", "ipv6-down-script", "ms-wins", "set", "unset",
                  "escape", "kdebug", "active-filter", "pass-filter", "maxoctets", "mo", "mo-timeout",
                  "mo-direction", "child-timeout", "privgroup", "allow-ip", "allow-number",
                  "remotenumber"] {
            s.append(.unsupported(w, "it does not implement this pppd feature", argument: "ARG"))
        }
        for w in ["deflate", "bsdcomp", "predictor1", "require-mppe", "+mppe", "require-mppe-40",
                  "require-mppe-128", "mppe-stateful"] {
            s.append(.unsupported(w, noCompress, argument: ["deflate", "bsdcomp"].contains(w) ? "ARG" : ""))
        }
        for w in ["ipx", "+ipx", "sync", "multilink", "mp", "receive-all", "-all", "master_detach",
                  "up_sdnotify", "enable-session", "ms-lanman"] {
            s.append(.unsupported(w, "it does not implement this pppd feature"))
        }
        for w in ["mrru", "bundle", "endpoint", "ipx-network", "ipx-node", "ipx-router-name",
                  "ipx-routing", "vj-max-slots"] {
            s.append(.unsupported(w, "it does not implement this pppd feature", argument: "ARG"))
        }
        return s
    }()

    /// Rows for `--help` and the README: (word, argument, description).
    static var rows: [(word: String, argument: String, description: String)] {
        (supported + server).map { ($0.word, $0.argument, $0.description) }
    }
}
