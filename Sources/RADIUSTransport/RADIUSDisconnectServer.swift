import ChapSecrets
import NIOCore
import NIOPosix
import RADIUS

/// The RFC 5176 listener over UDP: verifies Disconnect-Requests with the sans-IO
/// `RADIUSDynamicAuthorizationListener`, asks the daemon's `decide` which link (if any)
/// matches and ends it, and sends the signed ACK or NAK back.
public final class RADIUSDisconnectServer: Sendable {
    /// The daemon's part: end the link matching the request (by Acct-Session-Id, User-Name or
    /// Framed-IP-Address) and say `.ack`, or `.nak(.sessionContextNotFound)`. Runs on the
    /// listener's event loop; it may complete later.
    public typealias Decide = @Sendable (RADIUSDisconnectRequest, any EventLoop) -> EventLoopFuture<RADIUSDisconnectVerdict>

    private let channel: any Channel
    private let handler: NIOLoopBound<Handler>

    private init(channel: any Channel, handler: Handler) {
        self.channel = channel
        self.handler = NIOLoopBound(handler, eventLoop: channel.eventLoop)
    }

    public static func start(host: String, port: Int, clients: [String: Secret], group: any EventLoopGroup,
                             log: @escaping RADIUSLogSink = { _, _ in }, decide: @escaping Decide) -> EventLoopFuture<RADIUSDisconnectServer> {
        let loop = group.next()
        return loop.flatSubmit {
            let handler = Handler(listener: RADIUSDynamicAuthorizationListener(clients: clients), decide: decide, log: log)
            return DatagramBootstrap(group: loop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler) }
                }
                .bind(host: host, port: port)
                .map { RADIUSDisconnectServer(channel: $0, handler: handler) }
        }
    }

    public var localPort: Int? { channel.localAddress?.port }

    public func dropped() -> EventLoopFuture<[RADIUSDynamicAuthorizationDropReason: Int]> {
        channel.eventLoop.submit { self.handler.value.listener.dropped }
    }

    public func close() -> EventLoopFuture<Void> { channel.close().recover { _ in } }

    /// Touched only on the channel's event loop.
    final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        typealias OutboundOut = AddressedEnvelope<ByteBuffer>
        var listener: RADIUSDynamicAuthorizationListener
        let decide: Decide
        let log: RADIUSLogSink

        init(listener: RADIUSDynamicAuthorizationListener, decide: @escaping Decide, log: @escaping RADIUSLogSink) {
            self.listener = listener
            self.decide = decide
            self.log = log
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = unwrapInboundIn(data)
            let remote = envelope.remoteAddress
            guard let ip = remote.ipAddress, let port = remote.port, let p16 = UInt16(exactly: port) else { return }
            switch listener.receive(Array(envelope.data.readableBytesView), from: RADIUSServerAddress(host: ip, port: p16)) {
            case .dropped(let reason):
                log(.warning, "RADIUS Disconnect-Request from \(ip):\(port) dropped: \(reason)")
            case .reply(let bytes, _):
                send(bytes, to: remote, context: context)
            case .disconnect(let request):
                let loop = context.eventLoop
                let bound = NIOLoopBound((self, context), eventLoop: loop)
                decide(request, loop).hop(to: loop).whenComplete { result in
                    let (h, ctx) = bound.value
                    let verdict: RADIUSDisconnectVerdict
                    switch result {
                    case .success(let v): verdict = v
                    case .failure: verdict = .nak(.otherProxyProcessingError)
                    }
                    h.log(.info, "RADIUS Disconnect-Request from \(ip):\(port) id \(request.identifier): \(verdict)")
                    h.send(h.listener.answer(request, verdict), to: remote, context: ctx)
                }
            }
        }

        func send(_ bytes: [UInt8], to remote: SocketAddress, context: ChannelHandlerContext) {
            guard !bytes.isEmpty else { return }
            var buffer = context.channel.allocator.buffer(capacity: bytes.count)
            buffer.writeBytes(bytes)
            context.writeAndFlush(wrapOutboundOut(AddressedEnvelope(remoteAddress: remote, data: buffer)), promise: nil)
        }
    }
}
