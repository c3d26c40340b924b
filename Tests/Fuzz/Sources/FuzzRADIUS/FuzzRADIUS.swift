import ChapSecrets
import FuzzCommon
import RADIUS

/// The secret shared with the one configured client; seed.py signs its packets with it.
let secret = Secret("fuzz-radius-secret")
let client = RADIUSServerAddress(host: "192.0.2.10", port: 3799)
/// The Request Authenticator replies are checked against (seed.py's replies answer it).
let requestAuthenticator = [UInt8](repeating: 0x5a, count: 16)

/// The whole input as a RADIUS datagram: the packet codec, attribute accessors, the
/// authenticator checks, and the Disconnect/CoA listener (from the configured client and from
/// an unknown one). Then the same input as radiusclient.conf text (servers file from memory).
/// Checks: no trap; a packet that decodes re-encodes to exactly its first Length octets (the
/// codec is canonical: padding after Length is the only thing decode drops); the listener
/// accepts only what verifies, and its answers decode and carry a valid Response
/// Authenticator; a config that parses has at least one auth server and no empty host.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRADIUS(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = FuzzInput(start, count).bytes
    fuzzPacket(bytes)
    fuzzListener(bytes)
    fuzzConfig(bytes)
    return 0
}

func fuzzPacket(_ bytes: [UInt8]) {
    guard let packet = try? RADIUSPacket.decode(bytes) else { return }
    let length = Int(bytes[2]) << 8 | Int(bytes[3])
    do {
        let encoded = try packet.encode()
        fuzzCheck(encoded == Array(bytes[0..<length]), "encode(decode(x)) differs from x's first \(length) octets")
    } catch {
        fatalError("a decoded packet does not encode: \(error)")
    }
    _ = packet.code.description
    for attribute in packet.attributes {
        _ = attribute.displayText
        _ = attribute.integerValue
        _ = attribute.textValue
    }
    for type in RADIUSAttributeType.allCases {
        fuzzCheck(packet.first(type) == packet.all(type).first, "first and all disagree on \(type)")
    }
    _ = RADIUSSigning.verifyResponseAuthenticator(bytes, requestAuthenticator: requestAuthenticator, secret: secret)
    _ = RADIUSSigning.verifyHashedRequest(bytes, secret: secret)
    for basis: RADIUSSigning.MessageAuthenticatorBasis in [.packetAsIs, .zeros, .requestAuthenticator(requestAuthenticator)] {
        _ = RADIUSSigning.checkMessageAuthenticator(bytes, basis: basis, secret: secret)
    }
}

func fuzzListener(_ bytes: [UInt8]) {
    var listener = RADIUSDynamicAuthorizationListener(clients: [client.host: secret])
    if case .dropped(let reason) = listener.receive(bytes, from: RADIUSServerAddress(host: "198.51.100.1", port: 3799)) {
        fuzzCheck(reason == .malformed || reason == .unknownClient, "unknown client dropped for \(reason)")
    } else {
        fatalError("a datagram from an unknown client was accepted")
    }
    switch listener.receive(bytes, from: client) {
    case .disconnect(let request):
        fuzzCheck(RADIUSSigning.verifyHashedRequest(bytes, secret: secret), "accepted a request that does not verify")
        _ = request.userName
        _ = request.acctSessionId
        _ = request.framedIPAddress
        for verdict: RADIUSDisconnectVerdict in [.ack, .nak(.sessionContextNotFound)] {
            checkAnswer(listener.answer(request, verdict), to: request.requestAuthenticator,
                        codes: [.disconnectACK, .disconnectNAK], messageAuthenticator: request.hadMessageAuthenticator)
        }
    case .reply(let answer, let to):
        fuzzCheck(to == client, "a reply addressed to \(to)")
        checkAnswer(answer, to: Array(bytes[4..<20]), codes: [.coaNAK], messageAuthenticator: nil)
    case .dropped:
        break
    }
}

/// An answer must decode, be of the expected code, and verify against the request.
func checkAnswer(_ answer: [UInt8], to requestAuthenticator: [UInt8], codes: Set<RADIUSCode>, messageAuthenticator: Bool?) {
    guard let packet = try? RADIUSPacket.decode(answer) else { fatalError("the listener's answer does not decode: \(answer)") }
    fuzzCheck(codes.contains(packet.code), "answered with \(packet.code)")
    fuzzCheck(RADIUSSigning.verifyResponseAuthenticator(answer, requestAuthenticator: requestAuthenticator, secret: secret),
              "the answer's Response Authenticator does not verify")
    let check = RADIUSSigning.checkMessageAuthenticator(answer, basis: .requestAuthenticator(requestAuthenticator), secret: secret)
    if let messageAuthenticator {
        fuzzCheck(check == (messageAuthenticator ? .valid : .absent), "answer's Message-Authenticator is \(check)")
    } else {
        fuzzCheck(check != .invalid, "answer's Message-Authenticator is invalid")
    }
}

func fuzzConfig(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    struct Unreadable: Error {}
    let result = try? RADIUSClientConfigFile.parse(text, path: "/fuzz/radiusclient.conf") { path in
        // The servers file: the input again when it names "servers", else unreadable.
        guard path.hasSuffix("servers") else { throw Unreadable() }
        return text
    }
    guard let result else { return }
    let c = result.configuration
    fuzzCheck(!c.authServers.isEmpty, "parsed with no auth server")
    for server in c.authServers + c.acctServers {
        fuzzCheck(!server.address.host.isEmpty && server.address.port > 0, "server \(server.address)")
        _ = server.description
    }
    for w in result.warnings { _ = w.description }
    _ = RADIUSClientConfigFile.parseIPv4(text)
}
