import FuzzCommon
import PPPPackets

/// Every packet codec of PPPPackets plus pppd's text printer on arbitrary information fields.
/// Input: a protocol selector (see pickProtocol), then the information field.
/// Checks: no trap; what parses re-encodes to the same octets where the codec round-trips
/// (ControlPacket, RawOption lists, LCP/IPCP/IPV6CP option lists, CHAPPacket); log lines stay
/// within pppd's 1023 characters.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPackets(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    var input = FuzzInput(start, count)
    let proto = pickProtocol(&input)
    let information = input.rest()

    _ = PPPDebugText.describe(protocolNumber: proto, information: information)
    _ = PPPDebugText.format(protocolNumber: proto, information: information)
    let line = PPPDebugText.logLine(sent: false, protocolNumber: proto, information: information)
    fuzzCheck(line.utf8.count <= PPPDebugText.maxLogLine, "log line of \(line.utf8.count) characters")

    // Option lists on the whole field as well as on a packet's data.
    checkOptionLists(information)

    if let packet = try? ControlPacket(parsing: information) {
        let length = Int(information[2]) << 8 | Int(information[3])
        fuzzCheck(packet.bytes == Array(information[0 ..< length]), "ControlPacket does not re-encode to its octets")
        checkOptionLists(packet.data)
        if let chap = try? CHAPPacket(packet) {
            fuzzCheck(chap.controlPacket == packet, "CHAPPacket does not re-encode to its packet")
            fuzzCheck(try! CHAPPacket(parsing: chap.bytes) == chap, "CHAPPacket bytes do not parse back")
        }
    }
    if let chap = try? CHAPPacket(parsing: information) {
        _ = chap.identifier
        _ = PPPDebugText.describe(protocolNumber: 0xc223, information: chap.bytes)
    }
    return 0
}

private func checkOptionLists(_ data: [UInt8]) {
    guard let raw = try? RawOption.parseList(data) else {
        fuzzCheck((try? LCPOption.parseList(data)) == nil, "LCP list parses where the raw list does not")
        return
    }
    fuzzCheck(RawOption.serializeList(raw) == data, "raw option list does not re-encode")
    if let lcp = try? LCPOption.parseList(data) {
        fuzzCheck(LCPOption.serializeList(lcp) == data, "LCP option list does not re-encode")
        fuzzCheck(lcp.map(\.raw) == raw, "LCP options differ from the raw options")
    } else { fatalError("LCP list fails where the raw list parses") }
    if let ipcp = try? IPCPOption.parseList(data) {
        fuzzCheck(IPCPOption.serializeList(ipcp) == data, "IPCP option list does not re-encode")
    } else { fatalError("IPCP list fails where the raw list parses") }
    if let ipv6cp = try? IPV6CPOption.parseList(data) {
        fuzzCheck(ipv6cp.flatMap(\.raw.bytes) == data, "IPV6CP option list does not re-encode")
    } else { fatalError("IPV6CP list fails where the raw list parses") }
}
