// chapd's configuration: pppd's option variables with pppd 2.4.9/2.5 defaults, plus chapd's own.

/// The direction of the call, which the Cisco-style `*-callin` options depend on.
public enum CallDirection: String, Sendable, Hashable {
    case callin, callout
}

/// Serial flow control as pppd's crtscts/nocrtscts/cdtrcts/xonxoff words set it.
public enum FlowControl: String, Sendable, Hashable {
    /// Leave the line's setting alone (pppd's default).
    case unchanged
    /// `crtscts`: hardware RTS/CTS.
    case rtscts
    /// `cdtrcts`: hardware DTR/CTS.
    case dtrcts
    /// `xonxoff`: software flow control.
    case xonxoff
    /// `nocrtscts`, `-crtscts`, `nocdtrcts`: no flow control.
    case none
}

/// A text that must never be printed: description, debugDescription and reflection hide it.
public struct Redacted: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "??????" }
    public var debugDescription: String { "??????" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

public struct ChapdOptions: Sendable, Equatable {
    // MARK: Where things come from
    /// Directory holding `options`, `options.TTYNAME`, `peers/`, `chap-secrets`.
    public var optionsDirectory: String = "/etc/ppp"
    /// The host name (from the parser's hostname provider); `name` defaults to it.
    public var hostname: String = ""
    /// Option words in effect and the source of their last setting (pppd's `dump` shows this).
    public var sources: [String: OptionSource] = [:]
    /// Non-fatal notes from parsing (unreadable optional files, unterminated quotes).
    public var warnings: [String] = []

    // MARK: Device
    /// The line: `/dev/...` (nil: standard input, as pppd with no device).
    public var device: String?
    /// Line speed in bit/s (nil: leave unchanged).
    public var speed: Int?
    public var lock: Bool = false
    /// `modem` (true, default) uses modem control lines; `local` ignores them.
    public var modem: Bool = true
    public var flowControl: FlowControl = .unchanged
    public var notty: Bool = false
    /// `pty COMMAND`: run COMMAND on a pseudo-terminal and talk PPP to it.
    public var ptyCommand: String?
    /// `connect`, `disconnect`, `init`, `welcome`: chat scripts run with the line as stdin/stdout.
    public var connectScript: String?
    public var disconnectScript: String?
    public var initScript: String?
    public var welcomeScript: String?
    /// `connect-delay N`: milliseconds to wait for the peer's first frame after dialling.
    public var connectDelay: Int = 1000
    /// `record FILE`: record the line's bytes (pppd's format).
    public var recordFile: String?

    // MARK: General
    /// Incremented by each `debug` / `-d`.
    public var debugLevel: Int = 0
    public var nodetach: Bool = false
    public var updetach: Bool = false
    /// File descriptor for log lines (pppd: 1, stdout); nil after `nolog`/`nologfd`.
    public var logFD: Int32? = 1
    public var logFile: String?
    public var linkName: String?
    public var ipparam: String?
    /// With `persist`: give up after this many consecutive attempts that never brought a
    /// network protocol up; 0: never give up.
    public var maxfail: Int = 10
    /// `persist`: redial (reopen the line, rerun connect) when a link ends.
    public var persist: Bool = false
    /// `holdoff N`: seconds between a link's end and the redial.
    public var holdoff: Int = 30
    public var holdoffSpecified: Bool = false
    /// `dump`: print options in effect. `dryrun`: print them and exit.
    public var dump: Bool = false
    public var dryrun: Bool = false
    public var helpRequested: Bool = false
    public var versionRequested: Bool = false

    // MARK: Authentication
    /// `auth`, `require-chap` (and `+chap`): the peer must authenticate with CHAP MD5.
    public var authRequired: Bool = false
    /// `refuse-chap` / `-chap`: never authenticate ourselves with CHAP.
    public var refuseChap: Bool = false
    /// Our name (`name`); nil: the host name.
    public var name: String?
    /// `usehostname`: the host name is our name even if `name` was given.
    public var useHostname: Bool = false
    /// The name we authenticate ourselves as (`user`); nil: our name.
    public var user: String?
    /// `password`: our secret, overriding chap-secrets. Never printed.
    public var password: Redacted?
    /// `remotename`: the peer's name for secret lookups.
    public var remoteName: String?
    public var chapSecretsFile: String = "/etc/ppp/chap-secrets"

    // MARK: CHAP (pppd chap-new.c)
    /// Seconds between Challenge retransmissions.
    public var chapRestart: Int = 3
    /// Challenge transmissions before the peer has failed.
    public var chapMaxChallenge: Int = 10
    /// Re-challenge every N seconds after success; 0: never.
    public var chapInterval: Int = 0
    /// As the authenticated side: seconds to wait for Challenge / Success before giving up.
    public var chapTimeout: Int = 60

    // MARK: chapd's own
    public var callDirection: CallDirection = .callin
    /// Cisco `ppp authentication chap callin`: require CHAP from the peer on incoming calls only.
    public var chapCallin: Bool = false
    /// Cisco `ppp chap refuse callin`: on incoming calls refuse to authenticate ourselves.
    public var refuseChapCallin: Bool = false
    /// Cisco `ppp chap wait`: answer the peer's Challenge only after it authenticated to us.
    public var chapWait: Bool = false
    /// Ignore a Challenge carrying one of our own names (reflection).
    public var chapIgnoreUs: Bool = true
    /// Further challenges after a Failure before the peer has failed.
    public var maxBadAuth: Int = 0
    public var successMessage: String = "Access granted"
    public var failureMessage: String = "Access denied"

    // MARK: LCP (pppd lcp.c)
    public var mru: Int = 1500
    /// `default-mru`: do not negotiate the MRU.
    public var negotiateMRU: Bool = true
    /// `mtu`: cap on our transmit size; nil: the peer's MRU.
    public var mtu: Int?
    /// Receive asyncmap we ask for (`asyncmap` values ORed together).
    public var asyncMap: UInt32 = 0
    /// `default-asyncmap`: no asyncmap negotiation, escape all control characters.
    public var defaultAsyncMap: Bool = false
    public var addressControlCompression: Bool = true
    public var protocolCompression: Bool = true
    public var magicNumber: Bool = true
    public var passive: Bool = false
    public var silent: Bool = false
    public var lcpRestart: Int = 3
    public var lcpMaxConfigure: Int = 10
    public var lcpMaxFailure: Int = 5
    public var lcpMaxTerminate: Int = 2
    public var lcpEchoInterval: Int = 0
    public var lcpEchoFailure: Int = 0
    public var lcpEchoAdaptive: Bool = false

    // MARK: RADIUS (pppd's radius plugin)
    /// `plugin radius.so`: authenticate and account through RADIUS instead of chap-secrets.
    public var radius: Bool = false
    /// `radius-config-file FILE`: radcli's radiusclient.conf.
    public var radiusConfigFile: String = "/etc/radiusclient/radiusclient.conf"
    /// `radius-acct-interim N`: Interim-Update every N seconds when RADIUS gives no
    /// Acct-Interim-Interval; 0: none.
    public var radiusAcctInterim: Int = 0
    /// `radius-dae-listen HOST:PORT`: accept RFC 5176 Disconnect-Requests there (off by default).
    public var radiusDAEListen: String?
    /// `radius-require-message-authenticator` / `radius-allow-unsigned-replies`: whether an
    /// Access-Accept/Reject without Message-Authenticator is ignored (nil: the servers file decides).
    public var radiusRequireMessageAuthenticator: Bool?

    // MARK: Data plane (the TUN interface IP travels through)
    /// `nodataplane`: no interface; IP is discarded and counted (authentication-only use).
    public var dataPlane: Bool = true
    /// `ifname NAME` (pppd 2.5): the interface's exact name.
    public var interfaceName: String?
    /// `unit N`: the interface is `chapdN`.
    public var unit: Int?
    /// `defaultroute`: add a default route through the interface if there is none.
    public var defaultRoute: Bool = false

    /// The name (or kernel pattern, `chapd%d`) the link's interface is created with.
    public var interfaceNamePattern: String {
        if let interfaceName { return interfaceName }
        if let unit { return "chapd\(unit)" }
        return "chapd%d"
    }

    // MARK: IPCP (pppd ipcp.c)
    /// `noip` / `-ip` turn IPCP off.
    public var ipEnabled: Bool = true
    public var localAddress: DottedQuad?
    public var remoteAddress: DottedQuad?
    public var noIPDefault: Bool = false
    public var acceptLocal: Bool = false
    public var acceptRemote: Bool = false
    /// The last two `ms-dns` values (pppd: one value serves as both primary and secondary).
    public var msDNS: [DottedQuad] = []
    /// `usepeerdns`: ask the peer for DNS addresses (RFC 1877) and write resolv.conf.
    public var usePeerDNS: Bool = false
    public var ipcpRestart: Int = 3
    public var ipcpMaxConfigure: Int = 10
    public var ipcpMaxFailure: Int = 5
    public var ipcpMaxTerminate: Int = 2

    // MARK: IPV6CP (pppd ipv6cp.c)
    /// `+ipv6` (or `ipv6 LOCAL,REMOTE`); `noipv6`/`-ipv6` turn it off.
    public var ipv6Enabled: Bool = false
    /// Interface identifiers from `ipv6 LOCAL,REMOTE` (the low 64 bits of `::x:y:z:w`).
    public var ipv6LocalIdentifier: UInt64?
    public var ipv6RemoteIdentifier: UInt64?
    public var ipv6AcceptLocal: Bool = false
    public var ipv6AcceptRemote: Bool = false
    public var ipv6cpRestart: Int = 3
    public var ipv6cpMaxConfigure: Int = 10
    public var ipv6cpMaxFailure: Int = 5
    public var ipv6cpMaxTerminate: Int = 2

    // MARK: Server (`chapd serve`)
    /// Parsed for `chapd serve`: then OPTIONSDIR/chapd.conf is read and the server words apply.
    public var serverMode: Bool = false
    public var server = ServerOptions()

    public init() {}

    // MARK: Derived values the runtime maps onto the machines

    /// Our name: `name`, or the host name (always the host name with `usehostname`).
    public var effectiveName: String {
        if useHostname { return hostname }
        return name ?? hostname
    }

    /// The name we authenticate as: `user`, else our name (pppd: user defaults to our_name).
    public var effectiveUser: String { user ?? effectiveName }

    /// Must the peer authenticate with CHAP? `auth`/`require-chap`, or `chap-callin`, which
    /// limits the requirement to incoming calls (on callout chap-callin acts like noauth).
    public var requirePeerAuth: Bool {
        if chapCallin { return callDirection == .callin }
        return authRequired
    }

    /// May we authenticate ourselves with CHAP? Not with `refuse-chap`, nor on an incoming
    /// call with `refuse-chap-callin`.
    public var canAuthenticateSelf: Bool {
        if refuseChap { return false }
        if refuseChapCallin && callDirection == .callin { return false }
        return true
    }

    /// The holdoff in effect: pppd makes it 0 when there is no connect script and no
    /// `holdoff` was given (a directly attached line can be reopened at once).
    public var effectiveHoldoff: Int {
        (connectScript?.isEmpty ?? true) && !holdoffSpecified ? 0 : holdoff
    }

    /// Primary and secondary DNS to offer (pppd: the second-last and last `ms-dns`).
    public var dnsPrimary: DottedQuad? { msDNS.first }
    public var dnsSecondary: DottedQuad? { msDNS.last }
}

/// An IPv4 address written as four decimal octets (chapd does not resolve host names).
public struct DottedQuad: Sendable, Hashable, CustomStringConvertible {
    public let value: UInt32
    public init(_ value: UInt32) { self.value = value }
    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        value = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }
    public var octets: [UInt8] {
        [UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16),
         UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }
    public var description: String { octets.map(String.init).joined(separator: ".") }

    /// Strict dotted quad: four decimal octets 0...255, no leading zeros (inet_addr would
    /// read "010" as octal), nothing else.
    public init?(parsing text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var v: UInt32 = 0
        for p in parts {
            guard !p.isEmpty, p.count <= 3, p.allSatisfy({ $0.isASCII && $0.isNumber }),
                  !(p.count > 1 && p.first == "0"), let n = UInt32(p), n <= 255 else { return nil }
            v = v << 8 | n
        }
        value = v
    }

    /// pppd's bad_ip_adrs: loopback net, multicast and class E are unusable on a link.
    var isUnusableOnLink: Bool {
        let top = value >> 24
        return top == 127 || top >= 224
    }
}
