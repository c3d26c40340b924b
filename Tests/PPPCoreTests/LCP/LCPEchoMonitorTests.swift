import PPPCore
import PPPPackets
import Testing

@Suite struct LCPEchoMonitorTests {
    @Test func sendsRightAwayAndEveryInterval() {
        var e = LCPEchoMonitor(interval: .seconds(5), maxFailures: 3, magic: 0x0102_0304)
        let first = e.start(now: .zero)
        #expect(first == [.send(.lcp(.echoRequest, 0, [1, 2, 3, 4])), .setTimer(.seconds(5))])
        #expect(e.timeout(now: .seconds(1)).isEmpty) // before the deadline
        let second = e.timeout(now: .seconds(5))
        #expect(second == [.send(.lcp(.echoRequest, 1, [1, 2, 3, 4])), .setTimer(.seconds(10))])
    }

    @Test func declaresThePeerDeadAfterMUnanswered() {
        var e = LCPEchoMonitor(interval: .seconds(1), maxFailures: 3, magic: 9)
        _ = e.start(now: .zero)
        _ = e.timeout(now: .seconds(1))
        _ = e.timeout(now: .seconds(2))
        #expect(e.pending == 3)
        let dead = e.timeout(now: .seconds(3))
        #expect(dead == [.log(.info, "No response to 3 echo-requests"),
                         .log(.notice, "Serial link appears to be disconnected."), .peerDead])
    }

    @Test func aReplyResetsTheCount() {
        var e = LCPEchoMonitor(interval: .seconds(1), maxFailures: 2, magic: 9)
        _ = e.start(now: .zero)
        _ = e.timeout(now: .seconds(1))
        _ = e.replyReceived(identifier: 1, now: .seconds(1))
        #expect(e.pending == 0)
        #expect(!e.timeout(now: .seconds(2)).contains(.peerDead))
        #expect(e.stop() == [.cancelTimer])
        #expect(e.timeout(now: .seconds(3)).isEmpty)
    }

    @Test func adaptiveSkipsEchoesWhileThePeerIsTalking() {
        var e = LCPEchoMonitor(interval: .seconds(1), maxFailures: 2, magic: 9)
        e.adaptive = true
        _ = e.start(now: .zero)
        #expect(e.pending == 1)
        e.trafficReceived()
        // Traffic arrived during the interval: no request, the count is cleared.
        #expect(e.timeout(now: .seconds(1)) == [.setTimer(.seconds(2))])
        #expect(e.pending == 0)
        // A silent interval sends a request again.
        #expect(e.timeout(now: .seconds(2)) == [.send(.lcp(.echoRequest, 1, [0, 0, 0, 9])), .setTimer(.seconds(3))])
    }

    @Test func trafficIsIgnoredWithoutAdaptive() {
        var e = LCPEchoMonitor(interval: .seconds(1), maxFailures: 2, magic: 9)
        _ = e.start(now: .zero)
        e.trafficReceived()
        _ = e.timeout(now: .seconds(1))
        #expect(e.pending == 2)
    }
}
