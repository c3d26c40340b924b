import ChapSecrets
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import RADIUS

/// Log lines from the transport and the machine it drives; the daemon maps them onto swift-log.
public typealias RADIUSLogSink = @Sendable (RADIUSLogLevel, String) -> Void

/// Counters for metrics and `chapctl`.
public struct RADIUSClientStatistics: Sendable, Hashable {
    public var transmissions: Int
    public var retransmissions: Int
    public var timeouts: Int
    public var pending: Int
    public var dropped: [RADIUSDropReason: Int]
}

public enum RADIUSTransportError: Error, Sendable, Hashable, CustomStringConvertible {
    case refused(RADIUSRefusal)
    case closed
    case cannotResolve(String)
    public var description: String {
        switch self {
        case .refused(let r): "\(r)"
        case .closed: "the RADIUS client is closed"
        case .cannotResolve(let h): "cannot resolve RADIUS server \(h)"
        }
    }
}

/// The RADIUS client over one UDP socket (SwiftNIO `DatagramBootstrap`): the sans-IO
/// `RADIUSClient` runs on the socket's event loop, its single retransmission timer is an
/// event-loop timer, and callers get futures (from async code: `try await c.authenticate(x).get()`).
/// Nothing here blocks an event loop: host names are resolved once, at start, on NIO's thread pool.
public final class RADIUSClientTransport: Sendable {
    /// 4 MiB of replies: SO_RCVBUFFORCE as root (past net.core.rmem_max), else SO_RCVBUF up to it.
    static func enlargeReceiveBuffer(_ channel: any Channel) {
        guard let sync = channel as? any SocketOptionProvider else { return }
        let size: Int32 = 4 << 20
        _ = sync.unsafeSetSocketOption(level: .socket, name: .init(rawValue: SO_RCVBUFFORCE), value: size)
            .flatMapError { _ in sync.unsafeSetSocketOption(level: .socket, name: .so_rcvbuf, value: size) }
    }

    public let configuration: RADIUSClientConfiguration
    public let eventLoop: any EventLoop
    private let channel: any Channel
    private let handler: NIOLoopBound<Handler>

    private init(configuration: RADIUSClientConfiguration, channel: any Channel, handler: Handler) {
        self.configuration = configuration
        self.eventLoop = channel.eventLoop
        self.channel = channel
        self.handler = NIOLoopBound(handler, eventLoop: channel.eventLoop)
    }

    /// Resolves the servers (IP literals stay as they are), binds a UDP socket on `bindHost`
    /// (port chosen by the system) and returns the running client.
    public static func start(configuration: RADIUSClientConfiguration, group: any EventLoopGroup, bindHost: String = "0.0.0.0",
                             randomAuthenticator: @escaping @Sendable () -> [UInt8] = RADIUSClient.systemRandom,
                             log: @escaping RADIUSLogSink = { _, _ in }) -> EventLoopFuture<RADIUSClientTransport> {
        let loop = group.next()
        return NIOThreadPool.singleton.runIfActive(eventLoop: loop) { () throws -> (RADIUSClientConfiguration, [RADIUSServerAddress: SocketAddress]) in
            var map: [RADIUSServerAddress: SocketAddress] = [:]
            func resolve(_ servers: [RADIUSServer]) throws -> [RADIUSServer] {
                try servers.map { s in
                    guard let address = try? SocketAddress.makeAddressResolvingHost(s.address.host, port: Int(s.address.port)),
                          let ip = address.ipAddress else { throw RADIUSTransportError.cannotResolve(s.address.host) }
                    var r = s
                    r.address = RADIUSServerAddress(host: ip, port: s.address.port)
                    map[r.address] = address
                    return r
                }
            }
            var c = configuration
            c.authServers = try resolve(c.authServers)
            c.acctServers = try resolve(c.acctServers)
            return (c, map)
        }.flatMap { (resolved, map) in
            for s in resolved.authServers where !s.requireMessageAuthenticator {
                log(.warning, "server \(s.address): Access replies without a Message-Authenticator are accepted "
                    + "(BlastRADIUS); once it runs FreeRADIUS 3.2.5 or later, add require-message-authenticator to its servers line")
            }
            let handler = Handler(machine: RADIUSClient(configuration: resolved, randomAuthenticator: randomAuthenticator), addresses: map, log: log)
            return DatagramBootstrap(group: loop)
                .channelOption(.socketOption(.so_reuseaddr), value: 1)
                // Replies for many links arrive in bursts while the loop serves those links: a
                // larger queue and more datagrams per wake-up, or the kernel drops replies
                // (RcvbufErrors) and each costs a radius_timeout retransmission.
                .channelOption(.maxMessagesPerRead, value: 64)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(handler)
                        Self.enlargeReceiveBuffer(channel)
                    }
                }
                .bind(host: bindHost, port: 0)
                .map { channel in RADIUSClientTransport(configuration: resolved, channel: channel, handler: handler) }
        }
    }

    /// The local port replies come back to.
    public var localPort: Int? { channel.localAddress?.port }

    /// Sends an Access-Request (with a Message-Authenticator) and completes with its outcome.
    public func authenticate(attributes: [RADIUSAttribute]) -> EventLoopFuture<RADIUSOutcome> {
        submit(.access, attributes)
    }

    /// An Access-Request for a CHAP-MD5 Response, with the configured NAS attributes.
    public func authenticate(_ access: RADIUSCHAPAccess) -> EventLoopFuture<RADIUSOutcome> {
        submit(.access, access.attributes(configuration))
    }

    /// Sends an Accounting-Request; completes with `.accountingResponse` or `.timedOut`.
    public func account(_ record: RADIUSAccountingRecord) -> EventLoopFuture<RADIUSOutcome> {
        submit(.accounting, record.attributes(configuration))
    }

    public func account(attributes: [RADIUSAttribute]) -> EventLoopFuture<RADIUSOutcome> {
        submit(.accounting, attributes)
    }

    public func statistics() -> EventLoopFuture<RADIUSClientStatistics> {
        eventLoop.submit { self.handler.value.statistics }
    }

    /// Closes the socket; requests still pending fail with `RADIUSTransportError.closed`.
    public func close() -> EventLoopFuture<Void> {
        channel.close().recover { _ in }
    }

    private func submit(_ kind: RADIUSRequestKind, _ attributes: [RADIUSAttribute]) -> EventLoopFuture<RADIUSOutcome> {
        let promise = eventLoop.makePromise(of: RADIUSOutcome.self)
        eventLoop.execute {
            self.handler.value.submit(kind, attributes, promise: promise)
        }
        return promise.futureResult
    }

    /// Touched only on the channel's event loop.
    final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        typealias OutboundOut = AddressedEnvelope<ByteBuffer>

        var machine: RADIUSClient
        let addresses: [RADIUSServerAddress: SocketAddress]
        let log: RADIUSLogSink
        var promises: [RADIUSRequestHandle: EventLoopPromise<RADIUSOutcome>] = [:]
        var context: ChannelHandlerContext?
        var timer: Scheduled<Void>?
        var timerDeadline: RADIUSInstant?
        var closed = false

        init(machine: RADIUSClient, addresses: [RADIUSServerAddress: SocketAddress], log: @escaping RADIUSLogSink) {
            self.machine = machine
            self.addresses = addresses
            self.log = log
        }

        var statistics: RADIUSClientStatistics {
            RADIUSClientStatistics(transmissions: machine.transmissions, retransmissions: machine.retransmissions,
                                   timeouts: machine.timeouts, pending: machine.pendingCount, dropped: machine.dropped)
        }

        static func now() -> RADIUSInstant { RADIUSInstant(nanoseconds: Int64(NIODeadline.now().uptimeNanoseconds)) }

        func handlerAdded(context: ChannelHandlerContext) { self.context = context }

        func channelInactive(context: ChannelHandlerContext) {
            closed = true
            timer?.cancel()
            let waiting = promises
            promises = [:]
            for (_, p) in waiting { p.fail(RADIUSTransportError.closed) }
            context.fireChannelInactive()
        }

        func submit(_ kind: RADIUSRequestKind, _ attributes: [RADIUSAttribute], promise: EventLoopPromise<RADIUSOutcome>) {
            guard !closed else { promise.fail(RADIUSTransportError.closed); return }
            switch machine.submit(kind, attributes: attributes, now: Self.now()) {
            case .failure(let refusal):
                log(.warning, "RADIUS \(kind) refused: \(refusal)")
                promise.fail(RADIUSTransportError.refused(refusal))
            case .success(let (handle, actions)):
                promises[handle] = promise
                perform(actions)
            }
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = unwrapInboundIn(data)
            guard let ip = envelope.remoteAddress.ipAddress, let port = envelope.remoteAddress.port, let p16 = UInt16(exactly: port) else { return }
            let bytes = Array(envelope.data.readableBytesView)
            perform(machine.receive(bytes, from: RADIUSServerAddress(host: ip, port: p16), now: Self.now()))
        }

        func perform(_ actions: [RADIUSClientAction]) {
            var wrote = false
            for action in actions {
                switch action {
                case .send(let bytes, let to):
                    guard let context, let address = addresses[to] else { continue }
                    var buffer = context.channel.allocator.buffer(capacity: bytes.count)
                    buffer.writeBytes(bytes)
                    context.write(wrapOutboundOut(AddressedEnvelope(remoteAddress: address, data: buffer)), promise: nil)
                    wrote = true
                case .complete(let handle, let outcome):
                    promises.removeValue(forKey: handle)?.succeed(outcome)
                case .log(let level, let text):
                    log(level, text)
                }
            }
            if wrote { context?.flush() }
            rearm()
        }

        /// One timer, at the machine's earliest deadline.
        func rearm() {
            let next = machine.nextDeadline
            guard next != timerDeadline else { return }
            timer?.cancel()
            timer = nil
            timerDeadline = next
            guard let next, let context else { return }
            let loop = context.eventLoop
            let deadline = NIODeadline.uptimeNanoseconds(UInt64(max(0, next.nanoseconds)))
            let bound = NIOLoopBound(self, eventLoop: loop)
            timer = loop.scheduleTask(deadline: deadline) {
                let h = bound.value
                h.timerDeadline = nil
                h.timer = nil
                h.perform(h.machine.timerFired(now: Self.now()))
            }
        }
    }
}
