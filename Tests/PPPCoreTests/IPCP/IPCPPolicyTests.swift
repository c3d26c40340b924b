import ChapSecrets
import PPPCore
import PPPPackets
import Testing

private func ip(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> UInt32 {
    UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
}

private func addr(_ a: UInt32) -> [UInt8] { IPCPOption.ipAddress(a).raw.bytes }

@Suite struct IPCPPolicyTests {
    typealias Machine = NegotiationAutomaton<IPCPPolicy>

    func started(rules: [AddressRule]? = nil, _ edit: (inout IPCPConfiguration) -> Void = { _ in }) -> (Machine, ControlPacket) {
        var c = IPCPConfiguration()
        c.localAddress = ip(10, 1, 0, 1)
        c.remoteAddress = ip(10, 1, 0, 2)
        edit(&c)
        var m = Machine(protocolNumber: .ipcp, policy: IPCPPolicy(configuration: c, allowedRemote: rules))
        _ = m.open(now: .zero)
        let request = m.up(now: .zero).negSent[0]
        return (m, request)
    }

    /// rechallenge vector: the client asks <addr 0.0.0.0>, the authenticator Naks with
    /// REMOTE; on the wire (frames.txt) that Nak is 03 01 00 0a 03 06 0a 01 00 02.
    /// chapd additionally rejects the VJ option the client adds.
    @Test func rechallengeVectorExchange() {
        var (m, ours) = started()
        #expect(ours == ControlPacket(code: 1, identifier: 1, data: addr(ip(10, 1, 0, 1))))
        let vj = unhex("0206002d0f01")
        #expect(m.receive(ControlPacket(code: 1, identifier: 1, data: vj + addr(0)), now: .zero).negSent
                == [ControlPacket(code: 4, identifier: 1, data: vj)])
        let nak = m.receive(ControlPacket(code: 1, identifier: 2, data: addr(0)), now: .zero).negSent
        #expect(nak.map(\.bytes) == [unhex("0302000a03060a010002")])
        _ = m.receive(ControlPacket(code: 2, identifier: 1, data: ours.data), now: .zero)
        let up = m.receive(ControlPacket(code: 1, identifier: 3, data: addr(ip(10, 1, 0, 2))), now: .zero)
        #expect(up.contains(.thisLayerUp))
        #expect(m.policy.negotiatedAddresses?.local == ip(10, 1, 0, 1))
        #expect(m.policy.negotiatedAddresses?.remote == ip(10, 1, 0, 2))
    }

    @Test func differentAddressIsNakdUnlessAcceptRemote() {
        var (m, _) = started()
        #expect(m.receive(ControlPacket(code: 1, identifier: 1, data: addr(ip(10, 9, 9, 9))), now: .zero).negSent
                == [ControlPacket(code: 3, identifier: 1, data: addr(ip(10, 1, 0, 2)))])
        var (n, _) = started { $0.acceptRemote = true }
        #expect(n.receive(ControlPacket(code: 1, identifier: 1, data: addr(ip(10, 9, 9, 9))), now: .zero).negSent.first?.code == 2)
    }

    @Test func addressesNotAllowedBySecretsAreNakdToRemote() {
        var (m, _) = started(rules: [.network(address: ip(10, 1, 0, 0), prefixLength: 24, negated: false)]) { $0.acceptRemote = true }
        #expect(m.receive(ControlPacket(code: 1, identifier: 1, data: addr(ip(10, 2, 0, 5))), now: .zero).negSent
                == [ControlPacket(code: 3, identifier: 1, data: addr(ip(10, 1, 0, 2)))])
        #expect(m.receive(ControlPacket(code: 1, identifier: 2, data: addr(ip(10, 1, 0, 77))), now: .zero).negSent.first?.code == 2)
    }

    @Test func unauthorizedRemoteClosesWhenIPCPOpens() {
        let rules: [AddressRule] = [.network(address: ip(10, 1, 0, 2), prefixLength: 32, negated: true), .any]
        var (m, ours) = started(rules: rules)
        _ = m.receive(ControlPacket(code: 2, identifier: 1, data: ours.data), now: .zero)
        let out = m.receive(ControlPacket(code: 1, identifier: 1, data: addr(ip(10, 1, 0, 2))), now: .zero)
        #expect(out.negLogs.contains("Peer is not authorized to use remote address 10.1.0.2"))
        #expect(!out.contains(.thisLayerUp))
        #expect(out.negSent.last == ControlPacket(code: 5, identifier: 2, data: Array("Unauthorized remote IP address".utf8)))
        #expect(m.state == .closing)
        #expect(m.policy.negotiatedAddresses == nil)
    }

    @Test func singleHostFromSecretsIsSuggested() {
        var (m, _) = started(rules: [.network(address: ip(10, 5, 5, 5), prefixLength: 32, negated: false)]) { $0.remoteAddress = nil }
        #expect(m.receive(ControlPacket(code: 1, identifier: 1, data: addr(0)), now: .zero).negSent
                == [ControlPacket(code: 3, identifier: 1, data: addr(ip(10, 5, 5, 5)))])
    }

    @Test func dashAllowsNothingAndLoopbackIsNeverAllowed() {
        var (m, ours) = started(rules: [.none]) { $0.acceptRemote = true }
        _ = m.receive(ControlPacket(code: 2, identifier: 1, data: ours.data), now: .zero)
        let out = m.receive(ControlPacket(code: 1, identifier: 1, data: addr(ip(10, 1, 0, 2))), now: .zero)
        #expect(m.state == .closing)
        #expect(!out.contains(.thisLayerUp))
        // Loopback: Nak'd to REMOTE when there is one, refused at open when there is none.
        var (n, _) = started { $0.acceptRemote = true }
        #expect(n.receive(ControlPacket(code: 1, identifier: 1, data: addr(ip(127, 0, 0, 1))), now: .zero).negSent
                == [ControlPacket(code: 3, identifier: 1, data: addr(ip(10, 1, 0, 2)))])
        var (k, ours3) = started { $0.remoteAddress = nil }
        _ = k.receive(ControlPacket(code: 2, identifier: 1, data: ours3.data), now: .zero)
        _ = k.receive(ControlPacket(code: 1, identifier: 1, data: addr(ip(127, 0, 0, 1))), now: .zero)
        #expect(k.state == .closing)
    }

    @Test func dnsAnsweredFromMsDnsOrRejected() {
        var (m, _) = started { $0.primaryDNS = ip(8, 8, 8, 8) }
        let ask = addr(ip(10, 1, 0, 2)) + IPCPOption.primaryDNS(0).raw.bytes + IPCPOption.secondaryDNS(0).raw.bytes
        #expect(m.receive(ControlPacket(code: 1, identifier: 1, data: ask), now: .zero).negSent
                == [ControlPacket(code: 4, identifier: 1, data: IPCPOption.secondaryDNS(0).raw.bytes)])
        let ask2 = addr(ip(10, 1, 0, 2)) + IPCPOption.primaryDNS(0).raw.bytes
        #expect(m.receive(ControlPacket(code: 1, identifier: 2, data: ask2), now: .zero).negSent
                == [ControlPacket(code: 3, identifier: 2, data: IPCPOption.primaryDNS(ip(8, 8, 8, 8)).raw.bytes)])
    }

    @Test func peerNakOfOurAddress() {
        var (m, _) = started()
        let next = m.receive(ControlPacket(code: 3, identifier: 1, data: addr(ip(10, 7, 7, 7))), now: .zero).negSent
        #expect(next == [ControlPacket(code: 1, identifier: 2, data: addr(ip(10, 1, 0, 1)))])
        var (n, first) = started { $0.localAddress = nil }
        #expect(first.data == addr(0))
        let taken = n.receive(ControlPacket(code: 3, identifier: 1, data: addr(ip(10, 7, 7, 7))), now: .zero).negSent
        #expect(taken == [ControlPacket(code: 1, identifier: 2, data: addr(ip(10, 7, 7, 7)))])
    }

    @Test func peerWithoutAddressIsAskedOnceForRemote() {
        var (m, _) = started()
        #expect(m.receive(ControlPacket(code: 1, identifier: 1, data: []), now: .zero).negSent
                == [ControlPacket(code: 3, identifier: 1, data: addr(ip(10, 1, 0, 2)))])
        #expect(m.receive(ControlPacket(code: 1, identifier: 2, data: []), now: .zero).negSent.first?.code == 2)
    }
}
