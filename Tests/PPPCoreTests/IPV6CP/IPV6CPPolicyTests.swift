import ChapSecrets
import PPPCore
import PPPPackets
import Testing

typealias IPV6CPMachine = NegotiationAutomaton<IPV6CPPolicy>

func makeIPV6CP(seed: UInt64 = 3, _ edit: (inout IPV6CPConfiguration) -> Void = { _ in }) -> IPV6CPMachine {
    var config = IPV6CPConfiguration()
    edit(&config)
    return NegotiationAutomaton(protocolNumber: .ipv6cp,
                                policy: IPV6CPPolicy(configuration: config, random: .seeded(SeededRandom(seed: seed))))
}

func ifid(_ v: UInt64) -> [UInt8] { IPV6CPOption.interfaceIdentifier(v).raw.bytes }

@Suite struct IPV6CPPolicyTests {
    func started(_ edit: (inout IPV6CPConfiguration) -> Void = { _ in }) -> (IPV6CPMachine, ControlPacket) {
        var m = makeIPV6CP(edit)
        _ = m.open(now: .zero)
        let request = m.up(now: .zero).negSent[0]
        return (m, request)
    }

    @Test func requestsARandomNonZeroLocallyAdministeredIdentifier() {
        let (m, req) = started()
        let ours = m.policy.ourIdentifier
        #expect(ours != 0)
        #expect(ours & (UInt64(2) << 56) == 0)
        #expect(req == .init(code: 1, identifier: 1, data: ifid(ours)))
    }

    @Test func configuredIdentifierIsRequestedAsIs() {
        let (_, req) = started { $0.localIdentifier = 1 }
        #expect(req.data == ifid(1))
    }

    @Test func collisionWithOurIdentifierIsNakdWithAnother() {
        var (m, _) = started()
        let ours = m.policy.ourIdentifier
        let reply = m.receive(.init(code: 1, identifier: 7, data: ifid(ours)), now: .zero).negSent
        #expect(reply.count == 1)
        #expect(reply.first?.code == ControlCode.configureNak.rawValue)
        let suggested = reply.first.flatMap { try? IPV6CPOption.parseList($0.data).first }
        if case .interfaceIdentifier(let v) = suggested {
            #expect(v != 0 && v != ours)
        } else {
            Issue.record("no identifier in the Nak: \(String(describing: suggested))")
        }
    }

    @Test func zeroIdentifierIsNakdWithTheConfiguredRemote() {
        var (m, _) = started { $0.remoteIdentifier = 2 }
        #expect(m.receive(.init(code: 1, identifier: 7, data: ifid(0)), now: .zero).negSent
                == [.init(code: 3, identifier: 7, data: ifid(2))])
    }

    @Test func aDistinctIdentifierIsAcknowledgedAndCompressionRejected() {
        var (m, _) = started()
        #expect(m.receive(.init(code: 1, identifier: 7, data: ifid(0x1234)), now: .zero).negSent
                == [.init(code: 2, identifier: 7, data: ifid(0x1234))])
        let compress = IPV6CPOption.compressionProtocol(protocol: 0x004f, data: []).raw.bytes
        #expect(m.receive(.init(code: 1, identifier: 8, data: ifid(0x1234) + compress), now: .zero).negSent
                == [.init(code: 4, identifier: 8, data: compress)])
    }

    @Test func nakOfOurIdentifierIsTakenOnlyWhenWeMayAcceptOne() {
        var (free, _) = started()
        let next = free.receive(.init(code: 3, identifier: 1, data: ifid(0x55)), now: .zero).negSent
        #expect(next.map(\.data) == [ifid(0x55)])
        var (fixed, _) = started { $0.localIdentifier = 1 }
        let again = fixed.receive(.init(code: 3, identifier: 1, data: ifid(0x55)), now: .zero).negSent
        #expect(again.map(\.data) == [ifid(1)])
    }

    @Test func opensWithBothIdentifiers() {
        var (m, req) = started { $0.localIdentifier = 1 }
        _ = m.receive(.init(code: 1, identifier: 7, data: ifid(2)), now: .zero)
        let up = m.receive(.init(code: 2, identifier: req.identifier, data: req.data), now: .zero)
        #expect(up.contains(.thisLayerUp))
        #expect(m.policy.negotiatedIdentifiers.map { [$0.local, $0.remote] } == [1, 2])
    }

    @Test func linkLocalTextIsPppds() {
        #expect(linkLocalText(1) == "fe80::0000:0000:0000:0001")
        #expect(linkLocalText(0x0123_4567_89ab_cdef) == "fe80::0123:4567:89ab:cdef")
    }
}

@Suite struct IPV6CPLinkTests {
    static func withIPv6(_ c: LinkConfiguration, _ edit: (inout IPV6CPConfiguration) -> Void = { _ in }) -> LinkConfiguration {
        var c = c
        var v6 = IPV6CPConfiguration()
        edit(&v6)
        c.ipv6cp = v6
        return c
    }

    @Test func bothEndsAgreeOnCrossedIdentifiersBesideIPCP() {
        var pair = LinkPair(a: Self.withIPv6(LinkFixtures.server()) { $0.localIdentifier = 1; $0.remoteIdentifier = 2 },
                            b: Self.withIPv6(LinkFixtures.alice()), secrets: LinkFixtures.secrets)
        pair.run(until: .seconds(30)) { $0.actionsB.contains(.ipv6Up(local: 2, remote: 1)) && $0.actionsA.contains(.ipv6Up(local: 1, remote: 2)) }
        #expect(pair.actionsA.contains(.ipv6Up(local: 1, remote: 2)), "\(pair.logA)")
        #expect(pair.actionsB.contains(.ipv6Up(local: 2, remote: 1)), "\(pair.logB)")
        #expect(pair.logA.contains("local  LL address fe80::0000:0000:0000:0001"))
        #expect(pair.logB.contains("remote LL address fe80::0000:0000:0000:0001"))
        #expect(pair.actionsA.contains(.ipUp(local: 0x0a01_0001, remote: 0x0a01_0002)))
        #expect(pair.a.carriesIPv6 && pair.a.carriesIPv4)
    }

    @Test func randomIdentifiersOnBothEndsDiffer() {
        var pair = LinkPair(a: Self.withIPv6(LinkFixtures.server()), b: Self.withIPv6(LinkFixtures.alice()), secrets: LinkFixtures.secrets)
        pair.run(until: .seconds(30)) { $0.a.carriesIPv6 && $0.b.carriesIPv6 }
        let upA = pair.actionsA.compactMap { if case .ipv6Up(let l, let r) = $0 { [l, r] } else { nil } }.first
        let upB = pair.actionsB.compactMap { if case .ipv6Up(let l, let r) = $0 { [l, r] } else { nil } }.first
        #expect(upA != nil && upA?[0] != upA?[1])
        #expect(upA.map { [$0[1], $0[0]] } == upB)
    }

    @Test func ipv6AloneCarriesTheLinkWithoutIPCP() {
        var pair = LinkPair(a: Self.withIPv6(LinkFixtures.server(ip: false)), b: Self.withIPv6(LinkFixtures.alice(ip: false)),
                            secrets: LinkFixtures.secrets)
        pair.run(until: .seconds(30)) { $0.a.carriesIPv6 && $0.b.carriesIPv6 }
        #expect(pair.a.carriesIPv6)
        #expect(!pair.a.carriesIPv4)
        #expect(!pair.logA.contains { $0.contains("No network protocols running") })
        pair.closeA(reason: "User request", status: ExitStatus.userRequest)
        pair.run(until: .seconds(30))
        #expect(pair.exitB == ExitStatus.ok)
    }

    @Test func peerWithoutIPV6CPLeavesIPCPRunning() {
        var pair = LinkPair(a: Self.withIPv6(LinkFixtures.server()), b: LinkFixtures.alice(), secrets: LinkFixtures.secrets)
        pair.run(until: .seconds(60)) { $0.a.carriesIPv4 && $0.logA.contains { $0.contains("Protocol-Reject for IPV6CP") } }
        #expect(pair.a.carriesIPv4, "\(pair.logA)")
        #expect(!pair.a.carriesIPv6)
        #expect(pair.exitA == nil)
    }
}
