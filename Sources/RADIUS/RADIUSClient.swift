import ChapSecrets

/// A point on a monotonic clock in nanoseconds from an arbitrary origin. The transport maps
/// NIO's clock onto it; tests drive it by hand.
public struct RADIUSInstant: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var nanoseconds: Int64
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }
    public static let zero = RADIUSInstant(nanoseconds: 0)
    public static func seconds(_ s: Double) -> RADIUSInstant { RADIUSInstant(nanoseconds: Int64(s * 1e9)) }
    public static func < (a: RADIUSInstant, b: RADIUSInstant) -> Bool { a.nanoseconds < b.nanoseconds }
    public static func + (a: RADIUSInstant, d: Duration) -> RADIUSInstant {
        let (s, atto) = d.components
        return RADIUSInstant(nanoseconds: a.nanoseconds + s * 1_000_000_000 + atto / 1_000_000_000)
    }
    public static func - (a: RADIUSInstant, b: RADIUSInstant) -> Duration { .nanoseconds(a.nanoseconds - b.nanoseconds) }
    public var description: String { "t=\(Double(nanoseconds) / 1e9)s" }
}

/// Names one submitted request until its outcome.
public struct RADIUSRequestHandle: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let raw: UInt64
    public static func < (a: Self, b: Self) -> Bool { a.raw < b.raw }
    public var description: String { "#\(raw)" }
}

public enum RADIUSRequestKind: Sendable, Hashable, CustomStringConvertible {
    case access, accounting
    public var description: String { self == .access ? "Access-Request" : "Accounting-Request" }
}

/// A verified reply: who answered, and every attribute it carried.
public struct RADIUSReply: Sendable, Hashable {
    public var server: RADIUSServerAddress
    public var attributes: [RADIUSAttribute]
    public init(server: RADIUSServerAddress, attributes: [RADIUSAttribute]) {
        self.server = server
        self.attributes = attributes
    }
    /// Every Reply-Message, joined by newlines (RFC 2865 §5.18: several are concatenated).
    public var replyMessage: String? {
        let parts = attributes.filter { $0.type == RADIUSAttributeType.replyMessage.rawValue }.map(\.textValue)
        return parts.isEmpty ? nil : parts.joined(separator: "\n")
    }
}

/// How one request ended.
public enum RADIUSOutcome: Sendable, Hashable {
    case accept(RADIUSReply)
    case reject(RADIUSReply)
    case challenge(RADIUSReply)
    case accountingResponse(RADIUSReply)
    /// Every server was tried `retries` times without a believable reply.
    case timedOut(reason: String)
}

/// Why a request was not taken.
public enum RADIUSRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    case tooManyPending(limit: Int)
    case noServers(RADIUSRequestKind)
    case noIdentifierFree
    case encoding(RADIUSEncodeError)
    public var description: String {
        switch self {
        case .tooManyPending(let l): "too many RADIUS requests pending (limit \(l))"
        case .noServers(let k): "no RADIUS server configured for \(k)"
        case .noIdentifierFree: "every RADIUS identifier toward every server is in use"
        case .encoding(let e): "cannot encode the request: \(e)"
        }
    }
}

/// Why a datagram was dropped; each is counted.
public enum RADIUSDropReason: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case malformed = "malformed packet"
    case unknownSource = "not from a configured server"
    case unknownIdentifier = "no request pending with that identifier"
    case unexpectedCode = "code does not answer the request"
    case badResponseAuthenticator = "Response Authenticator does not verify"
    case badMessageAuthenticator = "Message-Authenticator does not verify"
    case missingMessageAuthenticator = "Message-Authenticator required but absent"
    public var description: String { rawValue }
}

public enum RADIUSLogLevel: Int, Sendable, Hashable, Comparable {
    case debug, info, warning, error
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

public enum RADIUSClientAction: Sendable, Hashable {
    case send([UInt8], to: RADIUSServerAddress)
    case complete(RADIUSRequestHandle, RADIUSOutcome)
    case log(RADIUSLogLevel, String)
}

/// The RADIUS client as a sans-IO machine: requests and datagrams come in with `now`,
/// datagrams to send and outcomes come out. One identifier space (256 ids) per server
/// address; a reply is matched by (source, identifier) and believed only once its
/// Response Authenticator (and Message-Authenticator, if present or required) verifies.
/// Each server gets `retries` transmissions `timeout` apart, then the next in order; a
/// server that used up its tries is passed over for `deadtime`. Accounting retransmissions
/// carry an updated Acct-Delay-Time, hence a new identifier and authenticator (RFC 2866 §5.2).
public struct RADIUSClient: Sendable {
    public let configuration: RADIUSClientConfiguration
    /// 16 fresh random octets per Access-Request Request Authenticator (injected; tests seed it).
    private var randomAuthenticator: @Sendable () -> [UInt8]

    private struct Pending: Sendable {
        var kind: RADIUSRequestKind
        var attributes: [RADIUSAttribute]
        var candidates: [Int]
        var candidate: Int
        var transmissions: Int
        var identifier: UInt8
        var requestAuthenticator: [UInt8]
        var encoded: [UInt8]
        var deadline: RADIUSInstant
        var submitted: RADIUSInstant
        var initialDelay: UInt32
        var tried: [String]
    }

    private struct IdentifierSpace: Sendable {
        var inUse: [UInt8: RADIUSRequestHandle] = [:]
        var next: UInt8 = 0
        mutating func allocate(_ handle: RADIUSRequestHandle) -> UInt8? {
            guard inUse.count < 256 else { return nil }
            while inUse[next] != nil { next &+= 1 }
            let id = next
            next &+= 1
            inUse[id] = handle
            return id
        }
    }

    private var pending: [RADIUSRequestHandle: Pending] = [:]
    private var identifiers: [RADIUSServerAddress: IdentifierSpace] = [:]
    private var deadUntil: [RADIUSServerAddress: RADIUSInstant] = [:]
    private var nextHandle: UInt64 = 1

    /// Datagrams dropped, by reason.
    public private(set) var dropped: [RADIUSDropReason: Int] = [:]
    public private(set) var transmissions = 0
    public private(set) var retransmissions = 0
    public private(set) var timeouts = 0

    public init(configuration: RADIUSClientConfiguration, randomAuthenticator: @escaping @Sendable () -> [UInt8] = RADIUSClient.systemRandom) {
        self.configuration = configuration
        self.randomAuthenticator = randomAuthenticator
    }

    public static let systemRandom: @Sendable () -> [UInt8] = {
        var g = SystemRandomNumberGenerator()
        return (0..<16).map { _ in UInt8.random(in: 0...255, using: &g) }
    }

    public var pendingCount: Int { pending.count }

    /// The earliest retransmission deadline, for the owner's single timer.
    public var nextDeadline: RADIUSInstant? { pending.values.map(\.deadline).min() }

    /// Servers passed over until the given instant.
    public func isDead(_ server: RADIUSServerAddress, now: RADIUSInstant) -> Bool {
        deadUntil[server].map { now < $0 } ?? false
    }

    private func servers(_ kind: RADIUSRequestKind) -> [RADIUSServer] {
        kind == .access ? configuration.authServers : configuration.acctServers
    }

    /// Takes a request: Access-Request attributes (a Message-Authenticator is added to every
    /// one) or Accounting-Request attributes (Acct-Delay-Time is kept up to date).
    public mutating func submit(_ kind: RADIUSRequestKind, attributes: [RADIUSAttribute], now: RADIUSInstant)
        -> Result<(RADIUSRequestHandle, [RADIUSClientAction]), RADIUSRefusal>
    {
        guard pending.count < configuration.maximumPending else { return .failure(.tooManyPending(limit: configuration.maximumPending)) }
        let list = servers(kind)
        guard !list.isEmpty else { return .failure(.noServers(kind)) }
        let alive = list.indices.filter { !isDead(list[$0].address, now: now) }
        let candidates = alive.isEmpty ? Array(list.indices) : alive
        let handle = RADIUSRequestHandle(raw: nextHandle)
        nextHandle += 1
        let delayType = RADIUSAttributeType.acctDelayTime.rawValue
        let initialDelay = attributes.first { $0.type == delayType }?.integerValue ?? 0
        var p = Pending(kind: kind, attributes: kind == .accounting ? attributes.filter { $0.type != delayType } : attributes,
                        candidates: candidates, candidate: 0, transmissions: 0, identifier: 0,
                        requestAuthenticator: [], encoded: [], deadline: now, submitted: now, initialDelay: initialDelay, tried: [])
        var actions: [RADIUSClientAction] = []
        while p.candidate < p.candidates.count {
            switch startOnCurrentServer(&p, handle: handle, now: now) {
            case .success(let a):
                actions += a
                pending[handle] = p
                return .success((handle, actions))
            case .failure(.noIdentifierFree):
                p.candidate += 1
            case .failure(let other):
                return .failure(other)
            }
        }
        return .failure(.noIdentifierFree)
    }

    /// Gives up on a request (its link ended): no outcome will come; late replies are dropped.
    public mutating func cancel(_ handle: RADIUSRequestHandle) {
        guard let p = pending.removeValue(forKey: handle) else { return }
        release(p, handle: handle)
    }

    private mutating func release(_ p: Pending, handle: RADIUSRequestHandle) {
        guard !p.encoded.isEmpty else { return }
        let address = servers(p.kind)[p.candidates[p.candidate]].address
        if identifiers[address]?.inUse[p.identifier] == handle { identifiers[address]?.inUse[p.identifier] = nil }
    }

    /// First transmission to the current candidate: a new identifier there, a fresh
    /// authenticator.
    private mutating func startOnCurrentServer(_ p: inout Pending, handle: RADIUSRequestHandle, now: RADIUSInstant)
        -> Result<[RADIUSClientAction], RADIUSRefusal>
    {
        let server = servers(p.kind)[p.candidates[p.candidate]]
        guard let id = identifiers[server.address, default: IdentifierSpace()].allocate(handle) else { return .failure(.noIdentifierFree) }
        p.identifier = id
        p.transmissions = 0
        if case .failure(let e) = encode(&p, server: server, now: now) {
            identifiers[server.address]?.inUse[id] = nil
            return .failure(e)
        }
        return .success(transmit(&p, server: server, now: now))
    }

    private mutating func encode(_ p: inout Pending, server: RADIUSServer, now: RADIUSInstant) -> Result<Void, RADIUSRefusal> {
        do throws(RADIUSEncodeError) {
            switch p.kind {
            case .access:
                let auth = randomAuthenticator()
                let packet = RADIUSPacket(code: .accessRequest, identifier: p.identifier, attributes: p.attributes)
                p.encoded = try RADIUSSigning.accessRequest(packet, requestAuthenticator: auth, secret: server.secret)
                p.requestAuthenticator = auth
            case .accounting:
                let elapsed = max(0, (now.nanoseconds - p.submitted.nanoseconds) / 1_000_000_000)
                let delay = p.initialDelay &+ UInt32(clamping: elapsed)
                let packet = RADIUSPacket(code: .accountingRequest, identifier: p.identifier,
                                          attributes: p.attributes + [.integer(.acctDelayTime, delay)])
                p.encoded = try RADIUSSigning.hashedRequest(packet, secret: server.secret)
                p.requestAuthenticator = Array(p.encoded[4..<20])
            }
            return .success(())
        } catch {
            return .failure(.encoding(error))
        }
    }

    private mutating func transmit(_ p: inout Pending, server: RADIUSServer, now: RADIUSInstant) -> [RADIUSClientAction] {
        p.transmissions += 1
        p.deadline = now + configuration.timeout
        transmissions += 1
        if p.transmissions > 1 { retransmissions += 1 }
        return [.send(p.encoded, to: server.address)]
    }

    /// Retransmits, fails over, or times out every request whose deadline has come.
    public mutating func timerFired(now: RADIUSInstant) -> [RADIUSClientAction] {
        var actions: [RADIUSClientAction] = []
        for handle in pending.keys.sorted() {
            guard var p = pending[handle], p.deadline <= now else { continue }
            let list = servers(p.kind)
            let server = list[p.candidates[p.candidate]]
            if p.transmissions < max(1, configuration.retries) {
                if p.kind == .accounting {
                    // A new Acct-Delay-Time is a new packet: new identifier, new authenticator.
                    identifiers[server.address]?.inUse[p.identifier] = nil
                    if let id = identifiers[server.address, default: IdentifierSpace()].allocate(handle) {
                        p.identifier = id
                        if case .failure(let e) = encode(&p, server: server, now: now) {
                            pending[handle] = nil
                            actions.append(.complete(handle, .timedOut(reason: "\(e)")))
                            continue
                        }
                    } else {
                        identifiers[server.address]?.inUse[p.identifier] = handle
                    }
                }
                actions += transmit(&p, server: server, now: now)
                pending[handle] = p
                continue
            }
            // This server used up its tries.
            release(p, handle: handle)
            p.tried.append("\(server.address) (\(p.transmissions) tries)")
            if configuration.deadtime > .zero {
                deadUntil[server.address] = now + configuration.deadtime
                actions.append(.log(.warning, "RADIUS server \(server.address) not answering; passed over for \(configuration.deadtime.components.seconds) s"))
            } else {
                actions.append(.log(.warning, "RADIUS server \(server.address) not answering"))
            }
            var started = false
            while !started {
                p.candidate += 1
                guard p.candidate < p.candidates.count else { break }
                switch startOnCurrentServer(&p, handle: handle, now: now) {
                case .success(let a):
                    actions += a
                    started = true
                case .failure:
                    p.tried.append("\(list[p.candidates[p.candidate]].address) (no identifier free)")
                }
            }
            if started {
                pending[handle] = p
            } else {
                pending[handle] = nil
                timeouts += 1
                actions.append(.complete(handle, .timedOut(reason: "no reply to \(p.kind) from " + p.tried.joined(separator: ", "))))
            }
        }
        return actions
    }

    /// A datagram arrived from `source`.
    public mutating func receive(_ bytes: [UInt8], from source: RADIUSServerAddress, now: RADIUSInstant) -> [RADIUSClientAction] {
        let packet: RADIUSPacket
        do { packet = try RADIUSPacket.decode(bytes) } catch {
            return drop(.malformed, from: source, detail: "\(error)")
        }
        guard let space = identifiers[source] else { return drop(.unknownSource, from: source, detail: "") }
        guard let handle = space.inUse[packet.identifier], let p = pending[handle] else {
            return drop(.unknownIdentifier, from: source, detail: "id \(packet.identifier)")
        }
        let server = servers(p.kind)[p.candidates[p.candidate]]
        let expected: Set<RADIUSCode> = p.kind == .access ? [.accessAccept, .accessReject, .accessChallenge] : [.accountingResponse]
        guard expected.contains(packet.code) else { return drop(.unexpectedCode, from: source, detail: "\(packet.code)") }
        guard RADIUSSigning.verifyResponseAuthenticator(bytes, requestAuthenticator: p.requestAuthenticator, secret: server.secret) else {
            return drop(.badResponseAuthenticator, from: source, detail: "\(packet.code) id \(packet.identifier)")
        }
        switch RADIUSSigning.checkMessageAuthenticator(bytes, basis: .requestAuthenticator(p.requestAuthenticator), secret: server.secret) {
        case .invalid:
            return drop(.badMessageAuthenticator, from: source, detail: "\(packet.code) id \(packet.identifier)")
        case .absent where p.kind == .access && server.requireMessageAuthenticator:
            return drop(.missingMessageAuthenticator, from: source, detail: "\(packet.code) id \(packet.identifier)")
        default:
            break
        }
        pending[handle] = nil
        identifiers[source]?.inUse[packet.identifier] = nil
        deadUntil[source] = nil
        let reply = RADIUSReply(server: source, attributes: packet.attributes.filter { $0.type != RADIUSAttributeType.messageAuthenticator.rawValue })
        let outcome: RADIUSOutcome
        switch packet.code {
        case .accessAccept: outcome = .accept(reply)
        case .accessReject: outcome = .reject(reply)
        case .accessChallenge: outcome = .challenge(reply)
        default: outcome = .accountingResponse(reply)
        }
        return [.complete(handle, outcome)]
    }

    private mutating func drop(_ reason: RADIUSDropReason, from source: RADIUSServerAddress, detail: String) -> [RADIUSClientAction] {
        dropped[reason, default: 0] += 1
        return [.log(.warning, "RADIUS reply from \(source) dropped: \(reason)" + (detail.isEmpty ? "" : " (\(detail))"))]
    }
}
