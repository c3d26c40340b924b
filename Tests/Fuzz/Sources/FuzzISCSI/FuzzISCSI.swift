import ChapSecrets
import FuzzCommon
import ISCSIChap
import PPPCore

/// The initiator's secret (12 octets, the policy's minimum) and the target's own for mutual CHAP.
let initiatorSecret = Secret("fuzz-initiator")
let targetSecret = Secret("fuzz-target-secret")

/// Input: flags (1 octet: target configuration and whether to answer the challenge right),
/// chunk size (1 octet), then a TCP byte stream of iSCSI PDUs. The stream goes through
/// `ISCSIPDUDecoder` in chunks and whole; every PDU through `ISCSILoginPDU`, its text keys
/// through `ISCSIBinaryValue`, and the login keys in turn through `ISCSIChapTarget`
/// (CHAP_A, then CHAP_N/CHAP_R, then the verdict from a fixed secret). The stream is also
/// read as one text data segment.
/// Checks: no trap; chunking changes nothing; every PDU re-encodes to one that decodes to it;
/// a Login PDU re-encodes to itself (NSG is zero unless Transit); text keys re-encode to the
/// same pairs; binary values survive hex and base64 re-encoding; the target's challenge is in
/// an algorithm it accepts and is what it then verifies against.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzISCSI(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    var input = FuzzInput(start, count)
    let flags = input.u8()
    let chunk = Int(input.u8() % 64) + 1
    let stream = input.rest()
    let maximum = flags & 0x80 != 0 ? 64 : 1 << 20

    let whole = drain(stream, chunk: stream.count + 1, maximum: maximum)
    let chunked = drain(stream, chunk: chunk, maximum: maximum)
    fuzzCheck(whole.pdus == chunked.pdus && whole.failed == chunked.failed, "chunks of \(chunk) change the PDUs")

    if let pairs = checkedText(stream) { checkValues(pairs) }

    var target = makeTarget(flags)
    var rng = SeededRandom(seed: UInt64(flags) &+ 1)
    var challenge: (algorithm: ISCSIChapAlgorithm, identifier: UInt8, value: [UInt8])?
    for pdu in whole.pdus {
        fuzzCheck(drain(pdu.encoded(), chunk: 4096, maximum: maximum).pdus == [pdu], "a PDU does not re-encode to itself")
        _ = pdu.opcode
        guard let login = try? ISCSILoginPDU(pdu) else { continue }
        var expected = login
        if !login.transit { expected.nextStage = 0 }
        fuzzCheck((try? ISCSILoginPDU(login.pdu)) == expected, "a Login PDU does not re-encode to itself")
        _ = ISCSILoginStatus.describe(statusClass: login.statusClass, statusDetail: login.statusDetail)
        checkValues(login.keys)
        guard var t = target else { continue }
        switch t.state {
        case .idle:
            if case .success(let answer) = t.receiveAlgorithms(login.keys, random: &rng) {
                guard let a = answer[key: "CHAP_A"].flatMap(UInt8.init).flatMap(ISCSIChapAlgorithm.init(rawValue:)),
                      let i = answer[key: "CHAP_I"].flatMap(UInt8.init),
                      let c = answer[key: "CHAP_C"].flatMap({ try? ISCSIBinaryValue.decode($0, key: "CHAP_C") }) else {
                    fatalError("the target's challenge does not parse: \(answer)")
                }
                fuzzCheck(t.configuration.algorithms.contains(a), "the target chose \(a), not configured")
                challenge = (a, i, c)
            }
        case .challenged:
            var keys = login.keys
            if flags & 0x40 != 0, let (a, i, c) = challenge, let digest = CHAPDigestRegistry.iscsi.digest(algorithm: a.rawValue) {
                // The right answer, so accepted and mutual exchanges are reached too.
                let right = ISCSIBinaryValue.encodeHex(digest.makeResponse(identifier: i, secret: initiatorSecret, challenge: c))
                keys = keys.filter { $0.key != "CHAP_R" } + [ISCSITextPair("CHAP_R", right)]
            }
            if case .success(let request) = t.receiveResponse(keys), let (a, i, c) = challenge {
                fuzzCheck(request.algorithm == a && request.identifier == i && request.challenge == c,
                          "the target verifies against another challenge than it sent")
            }
        case .verifying:
            let result = t.verify(with: flags & 0x20 != 0 ? initiatorSecret : nil)
            if case .success(let mine) = result {
                fuzzCheck(mine.isEmpty || mine[key: "CHAP_R"] != nil, "a mutual answer without CHAP_R")
            }
        case .done, .failed:
            break
        }
        target = t
    }
    return 0
}

func makeTarget(_ flags: UInt8) -> ISCSIChapTarget? {
    let all: [ISCSIChapAlgorithm] = [.sha256, .sha1, .md5, .sha3_256]
    let algorithms = all.enumerated().filter { flags >> $0.offset & 1 == 1 }.map(\.element)
    let outgoing = flags & 0x10 != 0 ? (name: "fuzz-target", secret: targetSecret) : nil
    return try? ISCSIChapTarget(.init(algorithms: algorithms.isEmpty ? [.md5] : algorithms, outgoing: outgoing))
}

/// The PDUs of `stream` fed `chunk` octets at a time, and whether the decoder refused one.
func drain(_ stream: [UInt8], chunk: Int, maximum: Int) -> (pdus: [ISCSIPDU], failed: Bool) {
    var decoder = ISCSIPDUDecoder(maximumDataLength: maximum)
    var pdus: [ISCSIPDU] = []
    var offset = 0
    while offset < stream.count {
        decoder.append(stream[offset..<min(offset + chunk, stream.count)])
        offset += chunk
        do {
            while let pdu = try decoder.next() { pdus.append(pdu) }
        } catch {
            return (pdus, true)
        }
    }
    return (pdus, false)
}

/// A data segment's pairs, checked to re-encode to themselves.
func checkedText(_ data: [UInt8]) -> [ISCSITextPair]? {
    guard let pairs = try? ISCSIText.decode(data) else { return nil }
    fuzzCheck((try? ISCSIText.decode(ISCSIText.encode(pairs))) == pairs, "text keys do not re-encode to themselves")
    return pairs
}

func checkValues(_ pairs: [ISCSITextPair]) {
    for pair in pairs {
        _ = try? ISCSIChapInitiator.parseIdentifier(pair.value)
        guard let value = try? ISCSIBinaryValue.decode(pair.value, key: pair.key) else { continue }
        fuzzCheck(!value.isEmpty, "an empty binary value from \(pair.value)")
        fuzzCheck((try? ISCSIBinaryValue.decode(ISCSIBinaryValue.encodeHex(value), key: "hex")) == value, "hex round trip")
        fuzzCheck((try? ISCSIBinaryValue.decode(ISCSIBinaryValue.encodeBase64(value), key: "b64")) == value, "base64 round trip")
    }
}
