import ArgumentParser
import ChapSecrets
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PPPCore

/// `chapd-bench load respond`: the authenticator side in-process, one LinkSession per accepted
/// connection, with no hooks, logging or process per link. It measures the generator's own
/// ceiling (what `handshakes` can drive when the server costs next to nothing) and lets the
/// generator be tried at scale without a real server; it is not a stand-in for chapd's figures.
struct Respond: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A minimal in-process PPP authenticator (CHAP-MD5, IPCP from 10.64.0.0/16) for measuring the generator itself.")
    @Option(help: "Where to listen: tcp:HOST:PORT (or unix:PATH).")
    var listen: String
    @Option(help: "The one peer name accepted.")
    var user: String
    @Option(help: "Its secret.")
    var password: String
    @Option(help: "Event-loop threads.")
    var threads: Int = 1

    func run() throws {
        let target = try LoadOptions.parseTarget(listen)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        let secrets = OneSecret(match: SecretMatch(
            client: Array(user.utf8), server: Array("responder".utf8), secret: Secret(password), addresses: [.any]))
        let next = NIOLockedValueBox<UInt32>(0)
        var bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                // Each link its own remote address, cycling through 10.64.0.1 … 10.64.255.254.
                let host = next.withLockedValue { n -> UInt32 in
                    n = n % 0xfffe + 1
                    return n
                }
                var configuration = Self.linkConfiguration()
                configuration.ipcp?.remoteAddress = 0x0a40_0000 | host
                let settings = LoadPeer.Settings(user: "", password: "", closeWhenUp: false, handshakeTimeout: nil)
                return channel.eventLoop.makeCompletedFuture(withResultOf: {
                    try channel.pipeline.syncOperations.addHandler(
                        LoadPeer(configuration: configuration, secrets: secrets, settings: settings, delegate: nil, started: .now()))
                })
            }
        if case .tcp = target {
            bootstrap = bootstrap.childChannelOption(.socketOption(.tcp_nodelay), value: 1)
        }
        let channel: any Channel
        switch target {
        case .tcp(let host, let port): channel = try bootstrap.bind(host: host, port: port).wait()
        case .unix(let path): channel = try bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).wait()
        }
        print("responding on \(target) (\(threads) thread(s)); stop with SIGINT/SIGTERM")
        try channel.closeFuture.wait()
    }

    /// pppd's `auth require-chap name responder 10.0.0.1:REMOTE`.
    static func linkConfiguration() -> LinkConfiguration {
        var lcp = LCPConfiguration()
        lcp.requireCHAP = true
        lcp.canAuthenticateWithCHAP = false
        var ipcp = IPCPConfiguration()
        ipcp.localAddress = 0x0a00_0001
        return LinkConfiguration(
            lcp: lcp, ipcp: ipcp, requirePeerAuthentication: true,
            authenticator: CHAPAuthenticatorConfiguration(name: "responder"), peer: nil)
    }
}

/// The responder's whole chap-secrets: one line.
private struct OneSecret: SecretLookup {
    let match: SecretMatch
    func lookup(client: [UInt8], server: [UInt8]) -> SecretMatch? {
        client == match.client ? match : nil
    }
}
