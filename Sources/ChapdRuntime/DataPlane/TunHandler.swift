import NIOCore

/// The TUN channel's end: each read is one IP packet from the kernel, handed to the link's
/// driver (same event loop) to frame onto the line; a batch of reads leaves in one flush.
final class TunHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    private weak var driver: LinkDriver?

    init(driver: LinkDriver) {
        self.driver = driver
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        driver?.packetFromInterface(unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        driver?.flushLine()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        driver?.interfaceFailed(error)
    }
}
