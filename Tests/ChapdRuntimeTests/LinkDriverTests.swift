import Logging
import NIOCore
import NIOEmbedded
import PPPCore
import PPPFraming
import PPPPackets
import Testing
@testable import ChapdRuntime

/// The link driver on an EmbeddedChannel: what it writes to the line, frame by frame, when
/// the line stops taking output.
final class DriverHarness {
    let channel = EmbeddedChannel()
    let driver: LinkDriver
    private var decoder = HDLCDecoder()
    private let encoder = HDLCEncoder()
    /// Every frame written so far.
    private(set) var seen: [PPPFrame] = []

    init() throws {
        var ipcp = IPCPConfiguration()
        ipcp.localAddress = 0x0a01_0001
        ipcp.remoteAddress = 0x0a01_0002
        var lcp = LCPConfiguration()
        lcp.asyncMap = nil
        let configuration = LinkConfiguration(lcp: lcp, ipcp: ipcp, requirePeerAuthentication: false,
                                              authenticator: nil, peer: nil)
        let session = LinkSession(configuration: configuration, secrets: nil, random: SeededRandom(seed: 1),
                                  magicNumbers: .seeded(SeededRandom(seed: 2)))
        var logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        logger.logLevel = .critical
        driver = LinkDriver(session: session, logger: logger, capture: nil, hooks: nil,
                            hookFacts: .init(interfaceName: "chapd0", device: "test", speed: 0), onFinished: { _ in })
        try channel.pipeline.syncOperations.addHandler(driver)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
    }

    func feed(_ proto: UInt16, _ info: [UInt8]) throws {
        try channel.writeInbound(ByteBuffer(bytes: encoder.encode(PPPFrame(protocolNumber: proto, information: info))))
    }

    /// Frames the driver wrote to the line since the last call.
    func written() throws -> [PPPFrame] {
        var frames: [PPPFrame] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) {
            decoder.decode(Array(buffer.readableBytesView)) { if case .frame(let f) = $0 { frames.append(f) } }
        }
        seen += frames
        return frames
    }

    /// Plays the peer up to IPCP Opened.
    func establish() throws {
        _ = try written()
        let lcpRequest = try #require(seen.last { $0.protocolNumber == 0xc021 && $0.information.first == 1 })
        let req = try ControlPacket(parsing: lcpRequest.information)
        try feed(0xc021, ControlPacket(code: 1, identifier: 1, data: LCPOption.magicNumber(0x1234_5678).raw.bytes).bytes)
        try feed(0xc021, ControlPacket(code: 2, identifier: req.identifier, data: req.data).bytes)
        _ = try written()
        let ipcpRequest = try #require(seen.last { $0.protocolNumber == 0x8021 && $0.information.first == 1 })
        let ipReq = try ControlPacket(parsing: ipcpRequest.information)
        try feed(0x8021, ControlPacket(code: 1, identifier: 1, data: IPCPOption.ipAddress(0x0a01_0002).raw.bytes).bytes)
        try feed(0x8021, ControlPacket(code: 2, identifier: ipReq.identifier, data: ipReq.data).bytes)
        _ = try written()
    }

    func echoRequest(_ id: UInt8) -> [UInt8] {
        ControlPacket(code: 9, identifier: id, data: [0x12, 0x34, 0x56, 0x78]).bytes
    }
}

@Suite struct LinkDriverTests {
    @Test func aFullLineDropsAndCountsInsteadOfQueueing() throws {
        let h = try DriverHarness()
        try h.establish()
        try h.feed(0xc021, h.echoRequest(1))
        #expect(try h.written().map(\.information.first) == [10])   // Echo-Reply

        h.channel.isWritable = false
        h.channel.pipeline.fireChannelWritabilityChanged()
        for id in 2...201 { try h.feed(0xc021, h.echoRequest(UInt8(id))) }
        #expect(try h.written().isEmpty)
        #expect(h.driver.outputDrops == 200)

        // An IP packet from the interface is not framed while the line is full.
        let packet = ByteBuffer(bytes: [0x45] + [UInt8](repeating: 0, count: 19))
        h.driver.packetFromInterface(packet)
        #expect(h.driver.counters.ipPacketsOutDropped == 1)
        #expect(h.driver.counters.ipPacketsOut == 0)

        h.channel.isWritable = true
        h.channel.pipeline.fireChannelWritabilityChanged()
        try h.feed(0xc021, h.echoRequest(0x42))
        #expect(try h.written().map { [$0.information[0], $0.information[1]] } == [[10, 0x42]])
        h.driver.packetFromInterface(packet)
        h.driver.flushLine()
        #expect(try h.written().map(\.protocolNumber) == [0x0021])
        #expect(h.driver.counters.ipPacketsOut == 1)
        #expect(h.driver.counters.ipOctetsOut == 20)
    }

    @Test func ipFromTheInterfaceIsDroppedUntilIPCPOpensAndIPv6WithoutIPV6CP() throws {
        let h = try DriverHarness()
        let v4 = ByteBuffer(bytes: [0x45] + [UInt8](repeating: 0, count: 19))
        h.driver.packetFromInterface(v4)
        h.driver.flushLine()
        #expect(try h.written().filter { $0.protocolNumber == 0x0021 }.isEmpty)
        #expect(h.driver.counters.ipPacketsOutDropped == 1)
        try h.establish()
        h.driver.packetFromInterface(ByteBuffer(bytes: [0x60] + [UInt8](repeating: 0, count: 39)))
        h.driver.flushLine()
        #expect(try h.written().isEmpty)
        #expect(h.driver.counters.ipPacketsOutDropped == 2)
        // IP from the line with no interface (nodataplane here) is counted and dropped.
        try h.feed(0x0021, [0x45] + [UInt8](repeating: 0, count: 19))
        #expect(h.driver.counters.ipPacketsDropped == 1)
    }
}
