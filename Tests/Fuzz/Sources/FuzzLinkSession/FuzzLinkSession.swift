import ChapSecrets
import FuzzCommon
import PPPCore
import PPPPackets

/// A whole LinkSession (LCP, CHAP both ways, IPCP, IPV6CP, echo) fed events the input
/// chooses: frames (protocol + information, raw or with a valid control header), a Configure-Ack
/// of the last Configure-Request we sent on a protocol (so runs get past negotiation),
/// timeouts at the armed deadline, verdicts, lower-down and close.
/// Checks: no trap; at most maxActionsPerEvent actions per event; every packet sent parses with
/// our own codec and prints; nothing is sent after `.finished` in the same event.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLinkSession(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    var input = FuzzInput(start, count)
    let flags = input.u16()
    var lcp = LCPConfiguration()
    lcp.requireCHAP = flags & 1 != 0
    lcp.canAuthenticateWithCHAP = flags & 2 != 0
    lcp.magicNumber = flags & 4 == 0
    lcp.asyncMap = flags & 8 != 0 ? nil : 0
    var ipcp: IPCPConfiguration? = nil
    if flags & 16 == 0 {
        var c = IPCPConfiguration()
        c.localAddress = 0x0a00_0001
        if flags & 32 != 0 { c.remoteAddress = 0x0a00_0002 }
        ipcp = c
    }
    var authenticator = CHAPAuthenticatorConfiguration(name: "server")
    if flags & 64 != 0 { authenticator.rechallengeInterval = .seconds(2) }
    var config = LinkConfiguration(
        lcp: lcp, ipcp: ipcp, requirePeerAuthentication: flags & 1 != 0,
        authenticator: authenticator,
        peer: flags & 2 != 0 ? CHAPPeerConfiguration(name: "alice", password: Secret("s3cret")) : nil)
    if flags & 128 != 0 { config.ipv6cp = IPV6CPConfiguration() }
    if flags & 256 != 0 { config.echoInterval = .seconds(1); config.echoFailure = Int(flags >> 12) }
    config.echoAdaptive = flags & 512 != 0
    config.verifyExternally = flags & 1024 != 0
    let seed = UInt64(flags) &+ 11
    var session = LinkSession(configuration: config, secrets: LinkSecrets(),
                              random: SeededRandom(seed: seed), magicNumbers: .seeded(SeededRandom(seed: seed &+ 1)))

    var now = Instant(nanoseconds: 0)
    var deadline: Instant?
    var finished = false
    var lastRequest: [UInt16: ControlPacket] = [:]
    var lastVerify: UInt8?
    func check(_ actions: [LinkAction]) {
        fuzzCheck(actions.count <= maxActionsPerEvent, "\(actions.count) actions for one event")
        for action in actions {
            switch action {
            case .send(let proto, let information):
                fuzzCheck(!finished, "sent a packet after the link finished")
                checkEmitted(protocolNumber: proto, information: information)
                if let p = try? ControlPacket(parsing: information), p.code == 1, proto != 0xc223 { lastRequest[proto] = p }
            case .setTimer(let at):
                // A deadline may lie in the past: another machine's timer fell due while this
                // event was handled; the edge then fires at once.
                deadline = at
            case .verify(let request): lastVerify = request.identifier
            case .finished: finished = true
            default: break
            }
        }
    }
    check(session.lowerUp(now: now))
    var events = 0
    // After `.finished` the edge closes the line: no further events reach the session.
    while !input.isAtEnd && events < 256 && !finished {
        events += 1
        let op = input.u8()
        now = now + .milliseconds(Int64(op >> 4) * 150)
        switch op % 12 {
        case 0, 1:
            check(session.receive(protocolNumber: pickProtocol(&input), information: input.blob(), now: now))
        case 2, 3, 4:
            let proto = pickProtocol(&input)
            let packet = ControlPacket(code: input.u8() % 16, identifier: input.u8(), data: input.blob())
            check(session.receive(protocolNumber: proto, information: packet.bytes, now: now))
        case 5, 6:
            // The peer acknowledges our last Configure-Request on LCP, IPCP or IPV6CP.
            let proto: UInt16 = [0xc021, 0x8021, 0x8057][Int(input.u8() % 3)]
            if let request = lastRequest[proto] {
                let ack = ControlPacket(code: 2, identifier: request.identifier, data: request.data)
                check(session.receive(protocolNumber: proto, information: ack.bytes, now: now))
            }
        case 7, 8:
            if let at = deadline, at > now { now = at }
            check(session.timeout(now: now))
        case 9:
            let verdict: CHAPVerdict = input.bool()
                ? .accept(CHAPAuthorization(addresses: [], remoteAddress: input.bool() ? input.u32() : nil,
                                            sessionTimeout: input.bool() ? .seconds(Int64(input.u8())) : nil))
                : .reject(.wrongResponse, message: nil)
            let id = input.bool() ? (lastVerify ?? 0) : input.u8()
            check(session.verdict(verdict, identifier: id, now: now))
        case 10:
            // A frame on an IP protocol or any other number, raw.
            check(session.receive(protocolNumber: input.u16(), information: input.blob(), now: now))
        default:
            if input.bool() { check(session.lowerDown(now: now)) }
            else { check(session.close(reason: "fuzz", exitStatus: 5, now: now)) }
        }
    }
    return 0
}

struct LinkSecrets: SecretLookup {
    func lookup(client: [UInt8], server: [UInt8]) -> SecretMatch? {
        SecretMatch(client: client, server: server, secret: Secret("s3cret"))
    }
}
