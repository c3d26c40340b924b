// What `chapd serve` adds to pppd's words: where links come from, the address pool, limits
// and the operator's endpoints. Everything a link negotiates stays in ChapdOptions.

public struct ServerOptions: Sendable, Equatable {
    /// `listen tcp:HOST:PORT` / `listen unix:PATH`: each accepted connection is one link.
    public enum Listen: Sendable, Hashable, CustomStringConvertible {
        case tcp(host: String, port: Int)
        case unix(path: String)

        public var description: String {
            switch self {
            case .tcp(let host, let port): return host.contains(":") ? "tcp:[\(host)]:\(port)" : "tcp:\(host):\(port)"
            case .unix(let path): return "unix:\(path)"
            }
        }
    }

    /// `line DEVICE [SPEED]`: a serial or pty device served as a getty serves it.
    public struct Line: Sendable, Hashable {
        public var device: String
        public var speed: Int?
        public init(device: String, speed: Int? = nil) {
            self.device = device
            self.speed = speed
        }
    }

    /// `remote-pool A.B.C.D/N`: addresses handed to peers (network order of the words kept).
    public struct Pool: Sendable, Hashable, CustomStringConvertible {
        /// Host order, already masked to the prefix.
        public var network: UInt32
        public var prefixLength: Int
        public init(network: UInt32, prefixLength: Int) {
            self.network = network
            self.prefixLength = prefixLength
        }
        public var description: String {
            "\(network >> 24).\(network >> 16 & 0xff).\(network >> 8 & 0xff).\(network & 0xff)/\(prefixLength)"
        }
    }

    public var listens: [Listen] = []
    public var lines: [Line] = []
    public var remotePools: [Pool] = []
    /// `max-links N`: links at once, all sources together.
    public var maxLinks: Int = 10_000
    /// `max-links-per-listener N`: links at once from one listener; nil: only max-links applies.
    public var maxLinksPerListener: Int?
    /// `max-connection-rate N`: new connections per second from one source address; 0: no limit.
    public var maxConnectionRate: Int = 0
    /// `control-socket PATH`.
    public var controlSocket: String = "/run/chapd/control"
    /// `metrics-listen HOST:PORT`: Prometheus metrics over HTTP; nil (default): off.
    public var metricsListen: (host: String, port: Int)?
    /// `link-input-limit N`: octets per second one link may feed us before its reads pause.
    public var linkInputLimit: Int = 64 * 1024 * 1024
    /// `link-control-limit N`: control packets per second one link may have us process
    /// (negotiation needs a handful, echoes one a second); 0: no limit.
    public var linkControlLimit: Int = 200
    /// `shutdown-timeout N`: seconds SIGTERM waits for links to end politely.
    public var shutdownTimeout: Int = 5

    public init() {}

    public static func == (a: ServerOptions, b: ServerOptions) -> Bool {
        a.listens == b.listens && a.lines == b.lines && a.remotePools == b.remotePools && a.maxLinks == b.maxLinks
            && a.maxLinksPerListener == b.maxLinksPerListener && a.maxConnectionRate == b.maxConnectionRate
            && a.controlSocket == b.controlSocket && a.metricsListen?.host == b.metricsListen?.host
            && a.metricsListen?.port == b.metricsListen?.port && a.linkInputLimit == b.linkInputLimit
            && a.linkControlLimit == b.linkControlLimit
            && a.shutdownTimeout == b.shutdownTimeout
    }
}
