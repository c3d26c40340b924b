import PPPCore
import PPPPackets
import Testing

@Suite struct LCPPolicyTests {
    func started(_ edit: (inout LCPConfiguration) -> Void = { _ in }) -> (LCPMachine, ControlPacket) {
        var m = makeLCP(edit)
        _ = m.open(now: .zero)
        let req = m.up(now: .zero).negSent
        return (m, req[0])
    }

    func magicBytes(_ m: LCPMachine) -> [UInt8] {
        LCPOption.magicNumber(m.policy.request.magic ?? 0).raw.data
    }

    /// refuse-chap vector (frames.txt): the authenticator's ConfReq id=1 is
    /// 02060000000003 05c22305 0506<magic> 0702 0802; the client Naks with
    /// 0305c22381 (<auth chap MS-v2>); the authenticator's ConfReq id=2 drops auth.
    @Test func refuseChapVectorSequence() {
        let (start, first) = started { $0.requireCHAP = true }
        var m = start
        let magic = magicBytes(m)
        #expect(first == .lcp(.configureRequest, 1, unhex("020600000000") + unhex("0305c22305") + unhex("0506") + magic + unhex("07020802")))
        let second = m.receive(.lcp(.configureNak, 1, unhex("0305c22381")), now: .zero).negSent
        #expect(second == [.lcp(.configureRequest, 2, unhex("020600000000") + unhex("0506") + magic + unhex("07020802"))])
        #expect(m.policy.peerRefusedCHAP)
        // The client's own request, as in the vector, is acknowledged.
        let peerReq = unhex("020600000000" + "05063873fc86" + "07020802")
        #expect(m.receive(.lcp(.configureRequest, 1, peerReq), now: .zero).negSent == [.lcp(.configureAck, 1, peerReq)])
        let up = m.receive(.lcp(.configureAck, 2, second[0].data), now: .zero)
        #expect(up.contains(.thisLayerUp))
        #expect(!m.policy.agreed.peerAuthenticatesWithCHAP)
        #expect(m.policy.agreed.peerMagic == 0x3873_fc86)
    }

    @Test func peerRejectingOurAuthIsRecordedToo() {
        var (m, _) = started { $0.requireCHAP = true }
        let next = m.receive(.lcp(.configureReject, 1, unhex("0305c22305")), now: .zero).negSent
        #expect(next.first?.identifier == 2)
        #expect(!next[0].data.contains(0xc2))
        #expect(m.policy.peerRefusedCHAP)
        // Rejecting something we never sent is a bad Reject: discarded.
        #expect(m.receive(.lcp(.configureReject, 2, unhex("0104 05dc")), now: .zero).negSent.isEmpty)
        #expect(m.counters.discardedBadReply == 1)
    }

    @Test func nakSuggestingOurOwnAlgorithmIsBad() {
        var (m, _) = started { $0.requireCHAP = true }
        #expect(m.receive(.lcp(.configureNak, 1, unhex("0305c22305")), now: .zero).negSent.isEmpty)
        #expect(m.policy.request.chapMD5)
    }

    @Test(arguments: ["0305c22381", "0305c22380", "0304c023", "0304c227"])
    func otherAuthProtocolsAreNakdToChapMD5(option: String) {
        var (m, _) = started()
        let reply = m.receive(.lcp(.configureRequest, 5, unhex(option) + unhex("05060badcafe")), now: .zero).negSent
        #expect(reply == [.lcp(.configureNak, 5, unhex("0305c22305"))])
    }

    @Test func chapMD5IsAckedWhenWeCanAuthenticate() {
        var (m, _) = started()
        let req = unhex("0305c22305" + "05060badcafe")
        #expect(m.receive(.lcp(.configureRequest, 5, req), now: .zero).negSent == [.lcp(.configureAck, 5, req)])
        #expect(m.policy.agreed.weAuthenticateWithCHAP)
    }

    @Test func refuseChapRejectsAnyAuth() {
        var (m, _) = started { $0.canAuthenticateWithCHAP = false }
        let reply = m.receive(.lcp(.configureRequest, 1, unhex("020600000000" + "0305c22305" + "05060badcafe")), now: .zero).negSent
        #expect(reply == [.lcp(.configureReject, 1, unhex("0305c22305"))])
    }

    @Test func unknownAndQualityOptionsAreRejectedVerbatim() {
        var (m, _) = started()
        let req = unhex("0d0301" + "0408c025000003e8" + "05060badcafe")
        #expect(m.receive(.lcp(.configureRequest, 3, req), now: .zero).negSent
                == [.lcp(.configureReject, 3, unhex("0d0301" + "0408c025000003e8"))])
    }

    @Test func tinyMRUIsNakdAndMTUCapsThePeers() {
        var (m, _) = started { $0.mtu = 1400 }
        #expect(m.receive(.lcp(.configureRequest, 1, unhex("01040040")), now: .zero).negSent
                == [.lcp(.configureNak, 1, unhex("01040080"))])
        let req = unhex("010405dc")
        #expect(m.receive(.lcp(.configureRequest, 2, req), now: .zero).negSent == [.lcp(.configureAck, 2, req)])
        #expect(m.policy.agreed.peerMRU == 1400)
    }

    @Test func requestHonoursOptionWords() {
        let (_, req) = started {
            $0.mru = 1000
            $0.asyncMap = nil
            $0.magicNumber = false
            $0.protocolCompression = false
        }
        #expect(req.data == unhex("010403e8" + "0802"))
        var (m, _) = started { $0.magicNumber = false; $0.protocolCompression = false; $0.asyncMap = nil }
        #expect(m.receive(.lcp(.configureRequest, 1, unhex("020600000000" + "05060badcafe" + "0702")), now: .zero).negSent
                == [.lcp(.configureReject, 1, unhex("020600000000" + "05060badcafe" + "0702"))])
    }

    @Test func ourOwnMagicIsNakdWithAnother() {
        var (m, _) = started()
        let ours = magicBytes(m)
        let reply = m.receive(.lcp(.configureRequest, 1, unhex("0506") + ours), now: .zero).negSent
        #expect(reply.count == 1 && reply[0].code == 3)
        #expect(reply[0].data.prefix(2) == [5, 6] && Array(reply[0].data.dropFirst(2)) != ours)
    }

    @Test func nakOfMagicPicksANewOneAndCountsOnlyOurOwnNumberComingBack() {
        var (m, _) = started()
        let before = m.policy.request.magic
        // A Nak carrying a number we never suggested: a collision with a real peer, no loop.
        _ = m.receive(.lcp(.configureNak, 1, unhex("050612345678")), now: .zero)
        #expect(m.policy.request.magic != before)
        #expect(m.policy.loopCount == 0)
        // Our own request comes back: we Nak it with a suggestion; that suggestion coming
        // back in a Nak of our request is the evidence (RFC 1661 §6.4).
        let ours = magicBytes(m)
        let nak = m.receive(.lcp(.configureRequest, 2, unhex("0506") + ours), now: .zero).negSent
        #expect(nak.count == 1 && nak[0].code == 3)
        _ = m.receive(.lcp(.configureNak, m.requestIdentifier, nak[0].data), now: .zero)
        #expect(m.policy.loopCount == 1)
        _ = m.receive(.lcp(.configureNak, m.requestIdentifier, unhex("020600000001")), now: .zero)
        #expect(m.policy.loopCount == 0)
    }

    @Test func maxFailureTurnsNaksIntoRejects() {
        var (m, _) = started()
        for id in 1...5 as ClosedRange<UInt8> {
            #expect(m.receive(.lcp(.configureRequest, id, unhex("0304c023")), now: .zero).negSent.first?.code == 3)
        }
        #expect(m.receive(.lcp(.configureRequest, 6, unhex("0304c023")), now: .zero).negSent
                == [.lcp(.configureReject, 6, unhex("0304c023"))])
    }

    func opened() -> LCPMachine {
        var (m, req) = started()
        _ = m.receive(.lcp(.configureAck, 1, req.data), now: .zero)
        _ = m.receive(.lcp(.configureRequest, 1, unhex("05060badcafe")), now: .zero)
        return m
    }

    @Test func echoRequestAnsweredWithOurMagicOnlyWhenOpened() {
        var (closed, _) = started()
        #expect(closed.receive(.lcp(.echoRequest, 4, unhex("0badcafe01")), now: .zero).negSent.isEmpty)
        var m = opened()
        #expect(m.state == .opened)
        let reply = m.receive(.lcp(.echoRequest, 4, unhex("0badcafe01")), now: .zero).negSent
        #expect(reply == [.lcp(.echoReply, 4, magicBytes(m) + [1])])
        #expect(m.receive(.lcp(.discardRequest, 5, unhex("0badcafe")), now: .zero).negSent.isEmpty)
    }

    @Test func echoRepliesAreSurfacedUnlessOurOwn() {
        var m = opened()
        #expect(m.receive(.lcp(.echoReply, 0, unhex("0badcafe")), now: .zero).contains(.echoReplyReceived(identifier: 0)))
        let own = m.receive(.lcp(.echoReply, 1, magicBytes(m)), now: .zero)
        #expect(!own.contains(.echoReplyReceived(identifier: 1)))
        #expect(own.negLogs.contains("appear to have received our own echo-reply!"))
    }

    @Test func protocolRejectIsSurfacedAndLCPRejectIsFatal() {
        var m = opened()
        #expect(m.receive(.lcp(.protocolReject, 9, unhex("80210101")), now: .zero).contains(.protocolRejected(.ipcp)))
        #expect(m.state == .opened)
        let fatal = m.receive(.lcp(.protocolReject, 10, unhex("c021")), now: .zero)
        #expect(fatal.contains(.thisLayerDown))
        #expect(m.state == .stopping)
    }

    @Test func unknownCodeIsCodeRejected() {
        var m = opened()
        let out = m.receive(ControlPacket(code: 42, identifier: 3, data: [1, 2]), now: .zero).negSent
        #expect(out.count == 1 && out[0].code == 7 && out[0].data == [42, 3, 0, 6, 1, 2])
    }

    @Test func terminateRequestFromPeerIsLoggedAsPppdDoes() {
        var m = opened()
        let out = m.receive(.lcp(.terminateRequest, 2, Array("User request".utf8)), now: .zero)
        #expect(out.negLogs.contains("LCP terminated by peer (User request)"))
        #expect(out.negSent == [.lcp(.terminateAck, 2)])
    }
}
