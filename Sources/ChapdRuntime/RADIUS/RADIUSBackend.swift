import ChapSecrets
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import PPPCore
import RADIUS
import RADIUSTransport

/// pppd's radius plugin, built in: CHAP Responses are decided by the RADIUS servers of
/// radiusclient.conf (`plugin radius.so`), and sessions are accounted there.
public final class RADIUSBackend: ExternalVerifier, Sendable {
    let transport: RADIUSClientTransport
    let logger: Logger
    /// `radius-acct-interim`: when the Access-Accept carries no Acct-Interim-Interval.
    let defaultInterim: Duration?

    public init(transport: RADIUSClientTransport, logger: Logger, defaultInterim: Duration?) {
        self.transport = transport
        self.logger = logger
        self.defaultInterim = defaultInterim
    }

    public func verify(_ request: CHAPVerificationRequest, context: VerificationContext,
                       completion: @escaping @Sendable (CHAPVerdict) -> Void) {
        // User-Name is the Response's name; CHAP-Password is identifier ‖ response.
        let access = RADIUSCHAPAccess(
            userName: request.responseName, chapIdentifier: request.identifier, challenge: request.challenge,
            response: request.response, nasPort: UInt32(clamping: context.port),
            nasPortType: context.isSerial ? .async : .virtual,
            callingStationId: context.callingStationId)
        let logger = self.logger
        let defaultInterim = self.defaultInterim
        transport.authenticate(access).whenComplete { result in
            switch result {
            case .success(.accept(let reply)):
                completion(.accept(Self.authorization(RADIUSAuthorization(reply), defaultInterim: defaultInterim)))
            case .success(.reject(let reply)):
                completion(.reject(.wrongResponse, message: reply.replyMessage.map { Array($0.utf8) }))
            case .success(.challenge):
                logger.error("RADIUS: Access-Challenge is not supported for CHAP; treating it as a reject")
                completion(.reject(.wrongResponse, message: nil))
            case .success(.accountingResponse):
                completion(.reject(.backendUnavailable, message: nil))
            case .success(.timedOut(let reason)):
                logger.error("RADIUS: no server answered: \(reason)")
                completion(.reject(.backendUnavailable, message: nil))
            case .failure(let error):
                logger.error("RADIUS: \(error)")
                completion(.reject(.backendUnavailable, message: nil))
            }
        }
    }

    /// What an Access-Accept grants, as the link applies it.
    static func authorization(_ a: RADIUSAuthorization, defaultInterim: Duration?) -> CHAPAuthorization {
        var granted = CHAPAuthorization(addresses: [.any])
        switch a.framedIPAddress {
        case .address(let address):
            granted.remoteAddress = address
            granted.addresses = [.network(address: address, prefixLength: 32, negated: false)]
        case .peerChooses:
            granted.peerChoosesAddress = true
        case .fromPool, nil:
            // 0xFFFFFFFE or nothing: the server's remote-pool gives one (if it has a pool).
            break
        }
        granted.successMessage = a.replyMessage.map { Array($0.utf8) }
        granted.sessionTimeout = a.sessionTimeout.flatMap { $0 > 0 ? .seconds(Int64($0)) : nil }
        granted.idleTimeout = a.idleTimeout.flatMap { $0 > 0 ? .seconds(Int64($0)) : nil }
        granted.interimInterval = a.acctInterimInterval.flatMap { $0 > 0 ? .seconds(Int64(max($0, 60))) : nil } ?? defaultInterim
        granted.radiusClass = a.classes
        // Framed-MTU below IPv4's minimum datagram (68) or above what PPP negotiates is ignored.
        granted.framedMTU = a.framedMTU.flatMap { (68...65535).contains($0) ? Int($0) : nil }
        return granted
    }

    // MARK: Accounting

    /// One accounted session: Start when the network phase begins, Interim-Updates, a Stop at
    /// the end. Requests are retransmitted by the client until answered or every server gave
    /// up; an abandoned Stop is logged, never lost silently.
    public final class Session: @unchecked Sendable {
        let backend: RADIUSBackend
        let id: String
        var record: RADIUSAccountingRecord
        let started: Date
        var interim: RepeatedTask?

        init(backend: RADIUSBackend, id: String, record: RADIUSAccountingRecord) {
            self.backend = backend
            self.id = id
            self.record = record
            self.started = Date()
        }
    }

    /// A unique Acct-Session-Id: this process, this moment, a counter.
    static let sessionCounter = NIOLockedValueBox<UInt32>(0)
    static func newSessionId() -> String {
        let n = sessionCounter.withLockedValue { c -> UInt32 in c &+= 1; return c }
        let seconds = UInt32(truncatingIfNeeded: Int(Date().timeIntervalSince1970))
        return String(format: "%08X%04X%04X", seconds, UInt16(truncatingIfNeeded: getpid()), UInt16(truncatingIfNeeded: n))
    }

    public func start(userName: [UInt8], framedAddress: UInt32?, context: VerificationContext, classes: [[UInt8]]) -> Session {
        let id = Self.newSessionId()
        let record = RADIUSAccountingRecord(
            statusType: .start, sessionId: id, userName: userName, nasPort: UInt32(clamping: context.port),
            nasPortType: context.isSerial ? .async : .virtual, framedIPAddress: framedAddress,
            callingStationId: context.callingStationId, classes: classes,
            eventTimestamp: UInt32(truncatingIfNeeded: Int(Date().timeIntervalSince1970)))
        let session = Session(backend: self, id: id, record: record)
        send(record, what: "Start", session: id)
        return session
    }

    public func interim(_ session: Session, counters: LinkCounters) {
        var r = fill(session, counters: counters)
        r.statusType = .interimUpdate
        send(r, what: "Interim-Update", session: session.id)
    }

    /// The Stop; completes once the server answered or every retry was spent.
    public func stop(_ session: Session, counters: LinkCounters, end: LinkEnd) -> EventLoopFuture<Void> {
        session.interim?.cancel()
        var r = fill(session, counters: counters)
        r.statusType = .stop
        r.terminateCause = Self.terminateCause(end)
        return send(r, what: "Stop", session: session.id)
    }

    private func fill(_ session: Session, counters: LinkCounters) -> RADIUSAccountingRecord {
        var r = session.record
        r.sessionTime = UInt32(clamping: Int(Date().timeIntervalSince(session.started)))
        r.inputOctets = UInt64(counters.ipOctetsIn)
        r.outputOctets = UInt64(counters.ipOctetsOut)
        r.inputPackets = UInt32(clamping: counters.ipPacketsIn)
        r.outputPackets = UInt32(clamping: counters.ipPacketsOut)
        r.eventTimestamp = UInt32(truncatingIfNeeded: Int(Date().timeIntervalSince1970))
        return r
    }

    @discardableResult
    private func send(_ record: RADIUSAccountingRecord, what: String, session: String) -> EventLoopFuture<Void> {
        let logger = self.logger
        return transport.account(record).map { outcome in
            switch outcome {
            case .accountingResponse:
                logger.debug("RADIUS: accounting \(what) for session \(session) acknowledged")
            case .timedOut(let reason):
                logger.error("RADIUS: accounting \(what) for session \(session) abandoned: \(reason)")
            default:
                logger.error("RADIUS: unexpected answer to accounting \(what) for session \(session)")
            }
        }.recover { error in
            logger.error("RADIUS: accounting \(what) for session \(session) not sent: \(error)")
        }
    }

    /// RFC 2866 §5.10 from why the link ended.
    static func terminateCause(_ end: LinkEnd) -> RADIUSTerminateCause {
        switch end {
        case .negotiationEnded, .userRequest: return .userRequest
        case .administrativeReset: return .adminReset
        case .hangup: return .lostCarrier
        case .echoTimeout: return .lostService
        case .sessionTimeout: return .sessionTimeout
        case .idleTimeout: return .idleTimeout
        case .peerAuthenticationFailed, .authenticationToPeerFailed: return .userError
        case .loopback: return .portError
        case .fatalError: return .nasError
        }
    }
}

extension VerificationContext {
    /// The TCP peer's address for a socket link, else pppd's `ipparam` (nil when neither).
    var callingStationId: String? { peerAddress ?? (ipparam.isEmpty ? nil : ipparam) }
}

/// What the daemon needs to run RADIUS, from the options and radiusclient.conf.
public struct RADIUSPlan: Sendable {
    public var configuration: RADIUSClientConfiguration
    public var defaultInterim: Duration?
    /// `radius-dae-listen HOST:PORT`; nil: off.
    public var disconnectListen: (host: String, port: Int)?
    /// Who may send Disconnect-Requests: the configured servers, with their secrets.
    public var disconnectClients: [String: Secret] {
        var clients: [String: Secret] = [:]
        for server in configuration.authServers + configuration.acctServers { clients[server.address.host] = server.secret }
        return clients
    }
}

extension RADIUSLogLevel {
    var swiftLogLevel: Logger.Level {
        switch self {
        case .debug: return .debug
        case .info: return .info
        case .warning: return .warning
        case .error: return .error
        }
    }
}
