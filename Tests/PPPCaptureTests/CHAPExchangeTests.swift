import Testing
import PPPCapture
import PPPPackets

@Suite struct CHAPExchangeTests {
    func exchanges(_ name: String) throws -> CHAPAnalysis {
        let (path, _) = try Vectors.writeCapture(name)
        return CHAPExchange.analyze(try CaptureReader(path: path).read().records)
    }

    @Test func twoWayHasOneSuccessfulExchangeEachWay() throws {
        let analysis = try exchanges("two-way")
        #expect(analysis.malformed.isEmpty)
        let e = analysis.exchanges
        #expect(e.count == 2)
        let byServer = try #require(e.first { $0.challengeDirection == .received })
        let byAlice = try #require(e.first { $0.challengeDirection == .sent })
        #expect(byServer.identifier == 0xc6)
        #expect(byServer.challengerName == Array("server".utf8))
        #expect(byServer.responderName == Array("alice".utf8))
        #expect(byServer.outcome == .success)
        #expect(byServer.message == Array("Access granted".utf8))
        #expect(byAlice.identifier == 0x43)
        #expect(byAlice.challengerName == Array("alice".utf8))
        #expect(byAlice.responderName == Array("server".utf8))
        #expect(byAlice.outcome == .success)
        for x in e {
            #expect((x.challengeToResponseMicroseconds ?? -1) >= 0)
            #expect((x.responseToOutcomeMicroseconds ?? -1) >= 0)
            #expect(x.challengeFrame! < x.responseFrame! && x.responseFrame! < x.outcomeFrame!)
        }
    }

    @Test func wrongSecretEndsInFailure() throws {
        let e = try exchanges("wrong-secret").exchanges
        #expect(e.count == 1)
        #expect(e.first?.outcome == .failure)
        #expect(e.first?.message == Array("Access denied".utf8))
        #expect(e.first?.challengeDirection == .received)
    }

    @Test func rechallengeGivesOneExchangePerIdentifier() throws {
        let e = try exchanges("rechallenge").exchanges
        #expect(e.count >= 3)
        #expect(Set(e.map(\.identifier)).count == e.count)
        #expect(e.allSatisfy { $0.outcome == .success && $0.responderName == Array("alice".utf8) })
    }

    @Test func refuseChapHasNoExchange() throws {
        #expect(try exchanges("refuse-chap").exchanges.isEmpty)
    }

    /// Retransmissions fold into one exchange; Success/Failure travel with the Challenge.
    @Test func retransmissionsAndOrphans() {
        let t = { (us: Int32) in CaptureTimestamp(seconds: 10, microseconds: us) }
        let chal = CHAPPacket.challenge(identifier: 7, value: [1, 2, 3], name: Array("srv".utf8)).bytes
        let resp = CHAPPacket.response(identifier: 7, value: Array(repeating: 9, count: 16), name: Array("cli".utf8)).bytes
        let ok = CHAPPacket.success(identifier: 7, message: []).bytes
        let records: [(CaptureDirection, [UInt8])] = [
            (.sent, chal), (.sent, chal), (.received, resp), (.received, resp), (.sent, ok), (.sent, ok),
            (.received, CHAPPacket.response(identifier: 9, value: [1], name: []).bytes),  // no Challenge
            (.received, [1, 2, 0, 9]),  // malformed: length beyond the data
        ]
        let analysis = CHAPExchange.analyze(records.enumerated().map { i, r in
            CaptureRecord(frameNumber: i + 1, timestamp: t(Int32(i) * 1000), direction: r.0, protocolNumber: 0xc223, information: r.1)
        })
        #expect(analysis.exchanges.count == 2)
        let first = analysis.exchanges[0]
        #expect(first.challengeRetransmissions == 1)
        #expect(first.responseRetransmissions == 1)
        #expect(first.outcomeRepeats == 1)
        #expect(first.challengeFrame == 1 && first.responseFrame == 3 && first.outcomeFrame == 5)
        #expect(first.challengeToResponseMicroseconds == 2000)
        #expect(first.responseToOutcomeMicroseconds == 2000)
        let orphan = analysis.exchanges[1]
        #expect(orphan.challengeFrame == nil && orphan.responseFrame == 7 && orphan.outcome == .none)
        #expect(orphan.challengeDirection == .sent)
        #expect(analysis.malformed.map(\.frameNumber) == [8])
    }
}
