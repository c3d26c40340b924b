import ChapSecrets
import PPPCore
import PPPPackets
import Testing

/// Every Challenge/Response pair that real pppd 2.4.9 exchanged must agree with our digest.
@Suite struct CHAPVectorTests {
    struct Pair {
        var challenge: CHAPPacket
        var response: CHAPPacket
    }

    static func pairs(_ session: RecordedVectors.Session) -> [Pair] {
        let packets = session.log.split(separator: "\n").compactMap(parseCHAPLogLine)
        var challenges: [UInt8: CHAPPacket] = [:]
        var out: [Pair] = []
        for packet in packets {
            if case .challenge = packet { challenges[packet.identifier] = packet }
            if case .response = packet, let c = challenges[packet.identifier] { out.append(Pair(challenge: c, response: packet)) }
        }
        return out
    }

    @Test func everyLogLineParses() {
        for session in RecordedVectors.sessions {
            let lines = session.log.split(separator: "\n")
            #expect(lines.compactMap(parseCHAPLogLine).count == lines.count, "\(session.folder)")
        }
        #expect(Self.pairs(RecordedVectors.sessions[0]).count == 2)
        #expect(Self.pairs(RecordedVectors.sessions[1]).count == 1)
        #expect(Self.pairs(RecordedVectors.sessions[2]).count == 9)
    }

    @Test(arguments: RecordedVectors.sessions.map(\.folder))
    func recordedResponsesMatchOurDigest(folder: String) throws {
        let session = try #require(RecordedVectors.sessions.first { $0.folder == folder })
        let table = TableSecrets(session.secrets)
        let md5 = CHAPMD5Digest()
        let pairs = Self.pairs(session)
        #expect(!pairs.isEmpty)
        for pair in pairs {
            guard case .challenge(let id, let challenge, let server) = pair.challenge,
                  case .response(let rid, let value, let client) = pair.response else {
                Issue.record("pair shapes"); continue
            }
            #expect(id == rid)
            let match = try #require(table.lookup(client: client, server: server))
            if let password = session.clientPassword {
                // The client answered with its `password`, so the file's secret must refuse it.
                #expect(!md5.verify(response: value, identifier: id, secret: match.secret, challenge: challenge))
                #expect(md5.makeResponse(identifier: id, secret: Secret(password), challenge: challenge) == value)
            } else {
                #expect(md5.makeResponse(identifier: id, secret: match.secret, challenge: challenge) == value)
                #expect(md5.verify(response: value, identifier: id, secret: match.secret, challenge: challenge))
            }
        }
    }

    /// Our peer machine, configured as each pppd client was, sends the very same Response packet.
    @Test(arguments: RecordedVectors.sessions.map(\.folder))
    func ourPeerAnswersAsPppdDid(folder: String) throws {
        let session = try #require(RecordedVectors.sessions.first { $0.folder == folder })
        let table = TableSecrets(session.secrets)
        for pair in Self.pairs(session) {
            guard case .response(_, _, let user) = pair.response,
                  case .challenge(_, _, let challenger) = pair.challenge else { continue }
            var config = CHAPPeerConfiguration(name: user, remoteName: challenger)
            config.password = session.clientPassword.map { Secret($0) }
            var peer = try CHAPPeer(configuration: config)
            _ = peer.start(now: .zero)
            #expect(peer.receive(pair.challenge, now: .zero, secrets: table).sent() == [pair.response])
        }
    }
}
