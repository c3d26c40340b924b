import PPPCore
import PPPPackets
import Testing

@Suite struct LCPSimulationTests {
    static let lossy = LCPLineSimulation.Faults(drop: 0.2, duplicate: 0.15, maxJitter: .milliseconds(800))

    @Test func cleanLineOpensBothEnds() {
        var sim = LCPLineSimulation(seed: 1, faults: .init())
        sim.run()
        #expect(sim.machines.map(\.state) == [.opened, .opened])
        let a = sim.machines[0].policy.agreed, b = sim.machines[1].policy.agreed
        #expect(a.ourMagic == b.peerMagic && b.ourMagic == a.peerMagic)
        #expect(a.ourMagic != a.peerMagic)
        #expect(a.peerAsyncMap == 0 && a.peerProtocolCompression && a.peerAddressControlCompression)
    }

    @Test func sameSeedSameTranscript() {
        var one = LCPLineSimulation(seed: 42, faults: Self.lossy)
        var two = LCPLineSimulation(seed: 42, faults: Self.lossy)
        one.run()
        two.run()
        #expect(one.transcript == two.transcript)
        #expect(one.transcript.count > 4)
        var other = LCPLineSimulation(seed: 43, faults: Self.lossy)
        other.run()
        #expect(other.transcript != one.transcript)
    }

    @Test(arguments: 0..<200 as Range<UInt64>)
    func lossyDuplicatingReorderingLineConverges(seed: UInt64) {
        var sim = LCPLineSimulation(seed: seed, faults: Self.lossy)
        sim.run()
        #expect(sim.machines.map(\.state) == [.opened, .opened], "seed \(seed): \(sim.transcript.suffix(12))")
        #expect(sim.surfaced.flatMap { $0 }.filter { $0 == .thisLayerFinished || $0 == .loopbackDetected }.isEmpty)
    }

    /// A pty whose far end is not yet raw echoes everything back for a while.
    @Test(arguments: [1, 2, 3, 5, 8, 12])
    func ttyEchoAtStartConverges(echoed: Int) {
        var faults = LCPLineSimulation.Faults()
        faults.echoToSender = echoed
        var sim = LCPLineSimulation(seed: UInt64(echoed), faults: faults)
        sim.run()
        #expect(sim.machines.map(\.state) == [.opened, .opened], "\(sim.transcript)")
        #expect(!sim.surfaced[0].contains(.loopbackDetected))
    }

    @Test func loopbackForeverIsDetected() {
        var faults = LCPLineSimulation.Faults()
        faults.loopback = true
        var sim = LCPLineSimulation(seed: 7, faults: faults)
        sim.run()
        #expect(sim.surfaced[0].contains(.loopbackDetected))
        #expect(sim.machines[0].policy.loopCount >= 10)
        // It closed with pppd's reason and then finished.
        #expect(sim.transcript.contains { $0.contains("A sends code=5") && $0.contains(Array("Loopback detected".utf8).description) })
        #expect(sim.machines[0].state == .closed)
    }
}
