// `chapd serve`'s own words. They set ChapdOptions.server and are refused outside server mode.

extension OptionSpec {
    fileprivate static func server(_ word: String, _ argument: String, _ description: String,
                                   _ apply: @escaping @Sendable (inout ServerOptions, String) throws(OptionValueError) -> Void) -> OptionSpec {
        OptionSpec(word: word, argument: argument, description: description, group: word,
                   action: .value { (o: inout ChapdOptions, v: String) throws(OptionValueError) in try apply(&o.server, v) },
                   serverOnly: true)
    }

    fileprivate static func serverInt(_ word: String, _ description: String, min: Int,
                                      _ apply: @escaping @Sendable (inout ServerOptions, Int) -> Void) -> OptionSpec {
        server(word, "N", description) { (o: inout ServerOptions, v: String) throws(OptionValueError) in
            apply(&o, try OptionValues.integer(v, option: word, min: min, max: nil))
        }
    }
}

extension OptionTable {
    static let minLinkInputLimit = 4096

    static let server: [OptionSpec] = [
        .server("listen", "tcp:HOST:PORT|unix:PATH",
                "serve: accept links on this TCP or unix stream address (repeatable)") {
            (o: inout ServerOptions, v: String) throws(OptionValueError) in
            let listen = try OptionValues.listen(v)
            guard !o.listens.contains(listen) else { throw OptionValueError("listen address '\(listen)' is given twice") }
            o.listens.append(listen)
        },
        OptionSpec(word: "line", argument: "DEVICE [SPEED]",
                   description: "serve: run links on this serial or pty device, as a getty (repeatable)",
                   group: "line", action: .serverLine, serverOnly: true),
        .server("remote-pool", "A.B.C.D/N",
                "serve: hand peers addresses from this network, N 8 to 30 (repeatable, no overlaps)") {
            (o: inout ServerOptions, v: String) throws(OptionValueError) in
            let pool = try OptionValues.pool(v)
            if let other = o.remotePools.first(where: { $0.overlaps(pool) }) {
                throw OptionValueError("remote-pool \(pool) overlaps remote-pool \(other)")
            }
            o.remotePools.append(pool)
        },
        .serverInt("max-links", "serve: links at once, all sources together (default 10000)", min: 1) { $0.maxLinks = $1 },
        .serverInt("max-links-per-listener", "serve: links at once from one listen address (default: no own limit)", min: 1) {
            $0.maxLinksPerListener = $1
        },
        .serverInt("max-connection-rate", "serve: new connections per second from one source address; 0 = no limit (default 0)", min: 0) {
            $0.maxConnectionRate = $1
        },
        .server("control-socket", "PATH", "serve: the control socket chapctl talks to (default /run/chapd/control)") {
            (o: inout ServerOptions, v: String) throws(OptionValueError) in
            o.controlSocket = try OptionValues.socketPath(v, option: "control-socket")
        },
        .server("metrics-listen", "HOST:PORT", "serve: Prometheus metrics over HTTP on this address (off by default)") {
            (o: inout ServerOptions, v: String) throws(OptionValueError) in
            o.metricsListen = try OptionValues.metricsListen(v)
        },
        .serverInt("link-input-limit", "serve: octets per second one link may send before its reads pause (default 67108864)",
                   min: minLinkInputLimit) { $0.linkInputLimit = $1 },
        .serverInt("link-control-limit",
                   "serve: frames per second other than IP (LCP, CHAP, IPCP, broken frames) one link may send before the rest are dropped and its reads pause; 0: no limit (default 200)",
                   min: 0) { $0.linkControlLimit = $1 },
        .serverInt("shutdown-timeout", "serve: seconds SIGTERM waits for links to end politely (default 5)", min: 1) {
            $0.shutdownTimeout = $1
        },
    ]
}
