import ChapSecrets
import FuzzCommon
import PPPCore
import PPPPackets

/// The CHAP authenticator and peer machines fed CHAP packets (raw or structured), timeouts,
/// verdicts and stops the input chooses.
/// Checks: no trap; at most maxActionsPerEvent actions per event; every packet sent parses
/// back with CHAPPacket to the same packet; timers never in the past.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCHAP(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    var input = FuzzInput(start, count)
    let flags = input.u8()
    var rng = SeededRandom(seed: UInt64(input.u16()) &+ 7)
    let secrets = FixedSecrets()
    var now = Instant(nanoseconds: 0)

    if flags & 1 == 0 {
        var c = CHAPAuthenticatorConfiguration(name: "server")
        if flags & 2 != 0 { c.remoteName = Array("alice".utf8) }
        if flags & 4 != 0 { c.rechallengeInterval = .seconds(5) }
        c.maxBadAuth = Int(flags >> 5)
        c.maxChallenges = Int((flags >> 3) & 3) + 1
        if flags & 128 != 0 { c.challengeLengths = 1...1 }
        var machine = try! CHAPAuthenticator(configuration: c)
        var deadline: Instant?
        let external = flags & 16 != 0
        func check(_ actions: [CHAPAuthenticator.Action]) {
            fuzzCheck(actions.count <= maxActionsPerEvent, "\(actions.count) actions for one event")
            for action in actions { checkCHAP(action, now: now, deadline: &deadline) }
        }
        check(machine.start(now: now, using: &rng))
        var events = 0
        while !input.isAtEnd && events < 256 {
            events += 1
            let op = input.u8()
            now = now + .milliseconds(Int64(op >> 3) * 200)
            switch op % 6 {
            case 0, 1, 2:
                guard let packet = nextPacket(&input) else { continue }
                if external { check(machine.receive(packet, now: now, using: &rng)) }
                else { check(machine.receive(packet, now: now, secrets: secrets, using: &rng)) }
            case 3:
                if let at = deadline, at > now { now = at }
                check(machine.timeout(now: now, using: &rng))
            case 4:
                let verdict: CHAPVerdict = input.bool()
                    ? .accept(CHAPAuthorization(addresses: [], successMessage: input.bool() ? input.blob() : nil))
                    : .reject(.wrongResponse, message: input.bool() ? input.blob() : nil)
                check(machine.verdict(verdict, identifier: input.u8(), now: now, using: &rng))
            default:
                check(machine.stop())
            }
        }
    } else {
        var c = CHAPPeerConfiguration(name: "alice", password: flags & 2 != 0 ? Secret("s3cret") : nil)
        if flags & 4 != 0 { c.remoteName = Array("server".utf8) }
        c.waitForPeerAuthentication = flags & 8 != 0
        c.ignoreOwnName = flags & 16 == 0
        c.maxResponses = Int(flags >> 5) + 1
        if flags & 64 != 0 { c.timeout = nil }
        var machine = try! CHAPPeer(configuration: c)
        var deadline: Instant?
        func check(_ actions: [CHAPPeer.Action]) {
            fuzzCheck(actions.count <= maxActionsPerEvent, "\(actions.count) actions for one event")
            for action in actions { checkCHAP(action, now: now, deadline: &deadline) }
        }
        check(machine.start(now: now))
        var events = 0
        while !input.isAtEnd && events < 256 {
            events += 1
            let op = input.u8()
            now = now + .milliseconds(Int64(op >> 3) * 200)
            switch op % 6 {
            case 0, 1, 2:
                guard let packet = nextPacket(&input) else { continue }
                check(machine.receive(packet, now: now, secrets: secrets))
            case 3:
                if let at = deadline, at > now { now = at }
                check(machine.timeout(now: now))
            case 4:
                check(machine.peerAuthenticatedToUs(now: now, secrets: secrets))
            default:
                check(machine.stop())
            }
        }
    }
    return 0
}

/// A CHAP packet: raw octets through the codec, or built from fields.
private func nextPacket(_ input: inout FuzzInput) -> CHAPPacket? {
    let kind = input.u8()
    let id = input.u8()
    switch kind % 5 {
    case 0: return try? CHAPPacket(parsing: input.blob())
    case 1: return .challenge(identifier: id, value: input.blob(), name: input.bool() ? Array("server".utf8) : input.blob())
    case 2: return .response(identifier: id, value: input.blob(), name: input.bool() ? Array("alice".utf8) : input.blob())
    case 3: return .success(identifier: id, message: input.blob())
    default: return .failure(identifier: id, message: input.blob())
    }
}

private func checkCHAP<O>(_ action: CHAPAction<O>, now: Instant, deadline: inout Instant?) {
    switch action {
    case .send(let packet):
        checkEmitted(protocolNumber: 0xc223, information: packet.bytes)
        fuzzCheck(try! CHAPPacket(parsing: packet.bytes) == packet, "sent CHAP packet does not parse back to itself")
    case .setTimer(let at):
        fuzzCheck(at >= now, "timer set in the past")
        deadline = at
    case .cancelTimer:
        deadline = nil
    default:
        break
    }
}

/// alice/server share a secret; every other pair has none.
struct FixedSecrets: SecretLookup {
    func lookup(client: [UInt8], server: [UInt8]) -> SecretMatch? {
        guard client == Array("alice".utf8) || server == Array("alice".utf8) else { return nil }
        return SecretMatch(client: client, server: server, secret: Secret("s3cret"))
    }
}
