// The control socket's protocol, shared by chapd (server side) and chapctl (client side).
//
// A unix stream socket (mode 0600). The client writes one request as a single line of JSON
// and reads one response as a single line of JSON; the server then closes the connection.
// Lines are at most `ControlProtocol.maxRequestLength` octets; a longer or malformed request
// gets `{"ok":false,"error":"..."}`.

import Foundation

public enum ControlProtocol {
    public static let defaultSocketPath = "/run/chapd/control"
    public static let maxRequestLength = 4096
}

/// What the operator asks.
public enum ControlRequest: Codable, Sendable, Equatable {
    /// `chapctl show sessions`
    case showSessions
    /// `chapctl show stat`
    case showStat
    /// `chapctl terminate ID | --peer NAME | --all`
    case terminate(ControlTarget)
    /// `chapctl reload`: re-read secrets and the server's configuration (as SIGHUP).
    case reload
}

public enum ControlTarget: Codable, Sendable, Equatable {
    case id(Int)
    case peer(String)
    case all
}

/// The answer: exactly one of the payloads, or an error.
public struct ControlResponse: Codable, Sendable, Equatable {
    public var ok: Bool
    public var error: String?
    public var sessions: [SessionRow]?
    public var stat: ServerStat?
    /// `terminate`: the ids of the links asked to end.
    public var terminated: [Int]?
    /// `reload`: what was done, one line each.
    public var messages: [String]?

    public init(ok: Bool, error: String? = nil, sessions: [SessionRow]? = nil, stat: ServerStat? = nil,
                terminated: [Int]? = nil, messages: [String]? = nil) {
        self.ok = ok
        self.error = error
        self.sessions = sessions
        self.stat = stat
        self.terminated = terminated
        self.messages = messages
    }

    public static func failure(_ text: String) -> ControlResponse { ControlResponse(ok: false, error: text) }
}

/// One row of `show sessions`.
public struct SessionRow: Codable, Sendable, Equatable {
    public var id: Int
    /// The line (`ttyS3`) or the peer's address (`tcp 127.0.0.1:40112`, `unix`).
    public var line: String
    /// The authenticated peer name; empty before authentication.
    public var peer: String
    /// pppd's phase: dead, establish, authenticate, network, terminate.
    public var phase: String
    public var uptimeSeconds: Double
    public var localAddress: String?
    public var remoteAddress: String?
    public var interface: String?
    public var octetsIn: Int
    public var octetsOut: Int
    public var packetsIn: Int
    public var packetsOut: Int
    /// RADIUS Acct-Session-Id, when the link is accounted.
    public var acctSessionId: String?

    public init(id: Int, line: String, peer: String, phase: String, uptimeSeconds: Double,
                localAddress: String? = nil, remoteAddress: String? = nil, interface: String? = nil,
                octetsIn: Int = 0, octetsOut: Int = 0, packetsIn: Int = 0, packetsOut: Int = 0, acctSessionId: String? = nil) {
        self.acctSessionId = acctSessionId
        self.id = id
        self.line = line
        self.peer = peer
        self.phase = phase
        self.uptimeSeconds = uptimeSeconds
        self.localAddress = localAddress
        self.remoteAddress = remoteAddress
        self.interface = interface
        self.octetsIn = octetsIn
        self.octetsOut = octetsOut
        self.packetsIn = packetsIn
        self.packetsOut = packetsOut
    }
}

/// `show stat`: the server's counters since it started.
public struct ServerStat: Codable, Sendable, Equatable {
    public var uptimeSeconds: Double
    /// Live links by phase name.
    public var linksByPhase: [String: Int]
    /// Links accepted since start (all sources).
    public var linksTotal: Int
    public var handshakesOK: Int
    /// Failed handshakes by reason (`wrong-response`, `no-secret`, `timeout`, `peer-refused`, ...).
    public var handshakesFailed: [String: Int]
    /// Frames dropped by reason (`bad-fcs`, `too-long`, `output-full`, ...).
    public var framesDropped: [String: Int]
    /// Connections refused by reason (`max-links`, `max-links-per-listener`, `rate`).
    public var connectionsRefused: [String: Int]
    public var secretsReloads: Int
    /// Pool addresses not in use (nil: no pool).
    public var poolFree: Int?

    public init(uptimeSeconds: Double, linksByPhase: [String: Int], linksTotal: Int, handshakesOK: Int,
                handshakesFailed: [String: Int], framesDropped: [String: Int], connectionsRefused: [String: Int],
                secretsReloads: Int, poolFree: Int?) {
        self.uptimeSeconds = uptimeSeconds
        self.linksByPhase = linksByPhase
        self.linksTotal = linksTotal
        self.handshakesOK = handshakesOK
        self.handshakesFailed = handshakesFailed
        self.framesDropped = framesDropped
        self.connectionsRefused = connectionsRefused
        self.secretsReloads = secretsReloads
        self.poolFree = poolFree
    }
}
