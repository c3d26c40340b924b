import ChapdControl
import Foundation
import NIOCore
import NIOPosix

/// The control socket: a unix stream socket, mode 0600, one JSON request line in, one JSON
/// response line out (ChapdControl's protocol).
enum ControlServer {
    struct AlreadyRunning: Error, CustomStringConvertible {
        let path: String
        var description: String { "another chapd serve answers on the control socket \(path)" }
    }

    static func start(path: String, group: EventLoopGroup, server: Server) throws -> Channel {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty && !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        }
        // A socket file left by a chapd that died is replaced; one a live chapd answers on is not.
        if isAnswering(path) { throw AlreadyRunning(path: path) }
        let channel = try ServerBootstrap(group: group)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(ControlHandler(server: server))
                }
            }
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).wait()
        chmod(path, 0o600)
        return channel
    }

    private static func isAnswering(_ path: String) -> Bool {
        guard case .success(let fd) = ControlClient.connectUnixStream(path: path, timeoutSeconds: 2) else { return false }
        close(fd)
        return true
    }
}

/// One control connection: reads a line (bounded), answers, closes.
final class ControlHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private let server: Server
    private var pending: [UInt8] = []
    private var answered = false

    init(server: Server) { self.server = server }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        let buffer = unwrapInboundIn(data)
        pending += buffer.readableBytesView
        if let newline = pending.firstIndex(of: 0x0a) {
            answered = true
            decide(Array(pending[..<newline]), context: context)
        } else if pending.count > ControlProtocol.maxRequestLength {
            answered = true
            reply(.failure("request longer than \(ControlProtocol.maxRequestLength) octets"), context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {}

    private func decide(_ line: [UInt8], context: ChannelHandlerContext) {
        let request: ControlRequest
        do {
            request = try JSONDecoder().decode(ControlRequest.self, from: Data(line))
        } catch {
            reply(.failure("malformed request"), context: context)
            return
        }
        let loop = context.eventLoop
        server.handle(request, on: loop).whenComplete { [self] result in
            loop.execute {
                switch result {
                case .success(let response): self.reply(response, context: context)
                case .failure(let error): self.reply(.failure("\(error)"), context: context)
                }
            }
        }
    }

    private func reply(_ response: ControlResponse, context: ChannelHandlerContext) {
        var bytes = (try? JSONEncoder().encode(response)) ?? Data(#"{"ok":false,"error":"encoding failed"}"#.utf8)
        bytes.append(0x0a)
        let buffer = context.channel.allocator.buffer(bytes: bytes)
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in context.close(promise: nil) }
    }
}
