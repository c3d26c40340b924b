import PPPCore
import PPPPackets
import Testing

private func ip(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> UInt32 {
    UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
}

private func addr(_ a: UInt32) -> [UInt8] { IPCPOption.ipAddress(a).raw.bytes }
private func dns1(_ a: UInt32) -> [UInt8] { IPCPOption.primaryDNS(a).raw.bytes }
private func dns2(_ a: UInt32) -> [UInt8] { IPCPOption.secondaryDNS(a).raw.bytes }

/// `usepeerdns` (RFC 1877, as pppd's ipcp.c): ask with 0.0.0.0 in options 129 and 131, take
/// the values the peer Naks with, stop asking for what it rejects.
@Suite struct PeerDNSTests {
    typealias Machine = NegotiationAutomaton<IPCPPolicy>

    /// A dial-out client: no local address of its own, `noipdefault usepeerdns`.
    func client() -> (Machine, ControlPacket) {
        var c = IPCPConfiguration()
        c.requestDNS = true
        var m = Machine(protocolNumber: .ipcp, policy: IPCPPolicy(configuration: c))
        _ = m.open(now: .zero)
        let request = m.up(now: .zero).negSent[0]
        return (m, request)
    }

    @Test func firstRequestAsksForBothAddressesWithZeros() {
        let (_, request) = client()
        // pppd's order: address, DNS 129, DNS 131.
        #expect(request == ControlPacket(code: 1, identifier: 1, data: addr(0) + dns1(0) + dns2(0)))
        #expect(request.bytes == unhex("01010016" + "030600000000" + "810600000000" + "830600000000"))
    }

    @Test func withoutUsepeerdnsNoDNSIsAsked() {
        var m = Machine(protocolNumber: .ipcp, policy: IPCPPolicy(configuration: IPCPConfiguration()))
        _ = m.open(now: .zero)
        #expect(m.up(now: .zero).negSent[0].data == addr(0))
    }

    @Test func nakdValuesAreAskedForAndReportedWhenIPCPOpens() {
        var (m, _) = client()
        let nak = ControlPacket(code: 3, identifier: 1,
                                data: addr(ip(10, 1, 0, 2)) + dns1(ip(192, 0, 2, 53)) + dns2(ip(192, 0, 2, 54)))
        let next = m.receive(nak, now: .zero).negSent
        let want = addr(ip(10, 1, 0, 2)) + dns1(ip(192, 0, 2, 53)) + dns2(ip(192, 0, 2, 54))
        #expect(next == [ControlPacket(code: 1, identifier: 2, data: want)])
        _ = m.receive(ControlPacket(code: 2, identifier: 2, data: want), now: .zero)
        let up = m.receive(ControlPacket(code: 1, identifier: 7, data: addr(ip(10, 1, 0, 1))), now: .zero)
        #expect(up.contains(.thisLayerUp))
        #expect(m.policy.negotiatedDNS?.primary == ip(192, 0, 2, 53))
        #expect(m.policy.negotiatedDNS?.secondary == ip(192, 0, 2, 54))
    }

    @Test func rejectedDNSIsNoLongerAskedForAndCountsAsNone() {
        var (m, _) = client()
        let next = m.receive(ControlPacket(code: 4, identifier: 1, data: dns1(0) + dns2(0)), now: .zero).negSent
        #expect(next == [ControlPacket(code: 1, identifier: 2, data: addr(0))])
        _ = m.receive(ControlPacket(code: 3, identifier: 2, data: addr(ip(10, 1, 0, 2))), now: .zero)
        _ = m.receive(ControlPacket(code: 2, identifier: 3, data: addr(ip(10, 1, 0, 2))), now: .zero)
        _ = m.receive(ControlPacket(code: 1, identifier: 7, data: addr(ip(10, 1, 0, 1))), now: .zero)
        #expect(m.policy.negotiatedDNS?.primary == 0)
        #expect(m.policy.negotiatedDNS?.secondary == 0)
    }

    /// A Reject naming a value we did not send is bad (pppd's rejci): the request stays.
    @Test func rejectOfAnotherValueIsIgnored() {
        var (m, _) = client()
        let out = m.receive(ControlPacket(code: 4, identifier: 1, data: dns1(ip(1, 2, 3, 4))), now: .zero)
        #expect(out.negSent.isEmpty)
    }

    /// Against chapd's own `ms-dns` side: the server Naks the zeros with its addresses and
    /// the client's next request is Ack'd as it stands.
    @Test func clientAndMsDnsServerAgree() {
        var sc = IPCPConfiguration()
        sc.localAddress = ip(10, 1, 0, 1)
        sc.remoteAddress = ip(10, 1, 0, 2)
        sc.primaryDNS = ip(192, 0, 2, 53)
        sc.secondaryDNS = ip(192, 0, 2, 54)
        var server = Machine(protocolNumber: .ipcp, policy: IPCPPolicy(configuration: sc))
        _ = server.open(now: .zero)
        let serverRequest = server.up(now: .zero).negSent[0]
        var (client, request) = client()

        let nak = server.receive(request, now: .zero).negSent
        #expect(nak == [ControlPacket(code: 3, identifier: 1,
                                      data: addr(ip(10, 1, 0, 2)) + dns1(ip(192, 0, 2, 53)) + dns2(ip(192, 0, 2, 54)))])
        let again = client.receive(nak[0], now: .zero).negSent
        #expect(server.receive(again[0], now: .zero).negSent.first?.code == 2)
        _ = client.receive(ControlPacket(code: 2, identifier: again[0].identifier, data: again[0].data), now: .zero)
        let up = client.receive(serverRequest, now: .zero)
        #expect(up.contains(.thisLayerUp))
        #expect(client.policy.negotiatedDNS?.primary == ip(192, 0, 2, 53))
        #expect(client.policy.negotiatedDNS?.secondary == ip(192, 0, 2, 54))
    }
}

/// The whole link: alice with usepeerdns against a server with two ms-dns addresses logs
/// pppd's lines and holds the addresses while IPCP is up.
@Suite struct PeerDNSLinkTests {
    @Test func usepeerdnsClientLearnsTheServersMsDns() {
        var server = LinkFixtures.server()
        server.ipcp?.primaryDNS = ip(192, 0, 2, 53)
        server.ipcp?.secondaryDNS = ip(192, 0, 2, 54)
        var alice = LinkFixtures.alice()
        alice.ipcp?.requestDNS = true
        var pair = LinkPair(a: server, b: alice, secrets: LinkFixtures.secrets)
        pair.run(until: .seconds(30)) { $0.logB.contains("local  IP address 10.1.0.2") }
        #expect(pair.logB.contains("primary   DNS address 192.0.2.53"), "\(pair.logB)")
        #expect(pair.logB.contains("secondary DNS address 192.0.2.54"), "\(pair.logB)")
        #expect(pair.b.peerDNS?.primary == ip(192, 0, 2, 53))
        #expect(pair.b.peerDNS?.secondary == ip(192, 0, 2, 54))
        // The server asked for nothing.
        #expect(pair.a.peerDNS == nil)
    }
}
