// pppd's `dump`: the options in effect and where each came from; the password shows as ??????.

extension ChapdOptions {
    /// Lines like pppd's "pppd options in effect:" listing, sorted by option word.
    public var dumpText: String {
        var lines = ["chapd options in effect:"]
        for (word, source) in sources.sorted(by: { $0.key < $1.key }) {
            let value = dumpValue(word)
            let head = value.map { "\(word) \($0)" } ?? word
            lines.append("\(head)\t\t# (from \(source))")
        }
        if serverMode {
            // The server's limits and endpoints matter even when left alone: show the defaults.
            for word in ["control-socket", "link-control-limit", "link-input-limit", "max-connection-rate", "max-links", "shutdown-timeout"]
            where sources[word] == nil {
                lines.append("\(word) \(dumpValue(word) ?? "")\t\t# (default)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The current value of a value-taking option word, quoted when it has white space.
    func dumpValue(_ word: String) -> String? {
        func q(_ s: String?) -> String {
            guard let s else { return "\"\"" }
            return s.contains(where: { $0 == " " || $0 == "\t" || $0 == "#" }) || s.isEmpty ? "\"\(s)\"" : s
        }
        switch word {
        case "<device>": return device
        case "<speed>": return speed.map(String.init)
        case "<local:remote>": return "\(localAddress?.description ?? ""):\(remoteAddress?.description ?? "")"
        case "name": return q(name)
        case "user": return q(user)
        case "password": return "??????"
        case "remotename": return q(remoteName)
        case "chap-secrets": return q(chapSecretsFile)
        case "logfd": return logFD.map(String.init)
        case "logfile": return q(logFile)
        case "linkname": return q(linkName)
        case "ipparam": return q(ipparam)
        case "record": return q(recordFile)
        case "pty": return q(ptyCommand)
        case "maxfail": return String(maxfail)
        case "holdoff": return String(holdoff)
        case "connect-delay": return String(connectDelay)
        case "connect": return q(connectScript)
        case "disconnect": return q(disconnectScript)
        case "init": return q(initScript)
        case "welcome": return q(welcomeScript)
        case "chap-restart": return String(chapRestart)
        case "chap-max-challenge": return String(chapMaxChallenge)
        case "chap-interval": return String(chapInterval)
        case "chap-timeout": return String(chapTimeout)
        case "max-bad-auth": return String(maxBadAuth)
        case "success-message": return q(successMessage)
        case "failure-message": return q(failureMessage)
        case "optionsdir": return q(optionsDirectory)
        case "mru": return String(mru)
        case "mtu": return mtu.map(String.init)
        case "ifname": return interfaceName.map(q)
        case "plugin": return radius ? "radius.so" : nil
        case "radius-config-file": return q(radiusConfigFile)
        case "radius-acct-interim": return String(radiusAcctInterim)
        case "radius-dae-listen": return radiusDAEListen.map(q)
        case "unit": return unit.map(String.init)
        case "ipv6":
            guard ipv6LocalIdentifier != nil || ipv6RemoteIdentifier != nil else { return nil }
            func text(_ id: UInt64?) -> String {
                guard let id else { return "" }
                return "::" + (0..<4).map { String((id >> (48 - 16 * UInt64($0))) & 0xffff, radix: 16) }.joined(separator: ":")
            }
            return text(ipv6LocalIdentifier) + "," + text(ipv6RemoteIdentifier)
        case "ipv6cp-restart": return String(ipv6cpRestart)
        case "ipv6cp-max-configure": return String(ipv6cpMaxConfigure)
        case "ipv6cp-max-failure": return String(ipv6cpMaxFailure)
        case "ipv6cp-max-terminate": return String(ipv6cpMaxTerminate)
        case "asyncmap": return "0x" + String(asyncMap, radix: 16)
        case "lcp-restart": return String(lcpRestart)
        case "lcp-max-configure": return String(lcpMaxConfigure)
        case "lcp-max-failure": return String(lcpMaxFailure)
        case "lcp-max-terminate": return String(lcpMaxTerminate)
        case "lcp-echo-interval": return String(lcpEchoInterval)
        case "lcp-echo-failure": return String(lcpEchoFailure)
        case "ms-dns": return msDNS.map(\.description).joined(separator: " ")
        case "ipcp-restart": return String(ipcpRestart)
        case "ipcp-max-configure": return String(ipcpMaxConfigure)
        case "ipcp-max-failure": return String(ipcpMaxFailure)
        case "ipcp-max-terminate": return String(ipcpMaxTerminate)
        // Repeatable server words: every value in effect, in order; the source is the last one's.
        case "listen": return server.listens.map(\.description).joined(separator: " ")
        case "line":
            return server.lines.map { l in l.speed.map { "\(l.device) \($0)" } ?? l.device }.joined(separator: ", ")
        case "remote-pool": return server.remotePools.map(\.description).joined(separator: " ")
        case "max-links": return String(server.maxLinks)
        case "max-links-per-listener": return server.maxLinksPerListener.map(String.init)
        case "max-connection-rate": return String(server.maxConnectionRate)
        case "control-socket": return q(server.controlSocket)
        case "metrics-listen":
            return server.metricsListen.map { $0.host.contains(":") ? "[\($0.host)]:\($0.port)" : "\($0.host):\($0.port)" }
        case "link-input-limit": return String(server.linkInputLimit)
        case "link-control-limit": return String(server.linkControlLimit)
        case "shutdown-timeout": return String(server.shutdownTimeout)
        default: return nil
        }
    }
}
