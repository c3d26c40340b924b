import FuzzCommon
import PPPFraming

/// The streaming HDLC decoder on arbitrary line bytes, cut into chunks the input chooses.
/// Input: flags, ACCM, MRU, 4 chunk-size octets, then the line bytes.
/// Checks: no trap; every frame's information within the MRU; the counters agree with the
/// events; chunking changes nothing (same events and counters as one whole-buffer decode);
/// every frame re-encodes and decodes back to itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHDLCDecoder(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    var input = FuzzInput(start, count)
    let flags = input.u8()
    var config = HDLCReceiveConfig()
    config.acceptAddressControlCompression = flags & 1 != 0
    config.acceptProtocolCompression = flags & 2 != 0
    let accm = input.u32()
    config.accm = flags & 4 != 0 ? accm : 0xffff_ffff
    let mru = Int(input.u16())
    // Mostly small MRUs (short frames overflow them), sometimes the full 16-bit range.
    config.mru = flags & 8 != 0 ? mru : mru % 128
    let sizes = input.take(4).map { Int($0) + 1 }
    let line = input.rest()

    var chunked = HDLCDecoder(config: config)
    var events: [HDLCEvent] = []
    var rawFrames = 0
    var i = 0
    var s = 0
    while i < line.count {
        let n = min(sizes.isEmpty ? line.count : sizes[s % sizes.count], line.count - i)
        s += 1
        chunked.decode(line[i ..< i + n], rawFrame: { _ in rawFrames += 1 }) { events.append($0) }
        i += n
    }

    var whole = HDLCDecoder(config: config)
    var wholeEvents: [HDLCEvent] = []
    whole.decode(line) { wholeEvents.append($0) }
    fuzzCheck(events == wholeEvents, "chunking changed the decoded events")
    fuzzCheck(chunked.counters == whole.counters, "chunking changed the counters")

    var frames = 0
    var drops: [HDLCDropReason: Int] = [:]
    // One decoder for every round trip: a decoder zeroes a buffer of its MRU when made, which
    // per frame was a fifth of the target's time. A whole frame leaves it with nothing pending.
    var again = HDLCDecoder(config: config)
    for event in events {
        switch event {
        case .frame(let frame):
            frames += 1
            fuzzCheck(frame.information.count <= config.mru,
                      "frame information \(frame.information.count) exceeds MRU \(config.mru)")
            roundTrip(frame, config, &again)
        case .dropped(let reason, let octets):
            drops[reason, default: 0] += 1
            // Only an abort (7d 7e) can end a frame that holds no octet.
            fuzzCheck(octets > 0 || reason == .aborted, "dropped a frame of \(octets) octets for \(reason)")
        }
    }
    let c = chunked.counters
    fuzzCheck(c.framesDecoded == frames, "framesDecoded \(c.framesDecoded) != \(frames) frame events")
    fuzzCheck(c.badFCS == drops[.badFCS, default: 0] && c.tooShort == drops[.tooShort, default: 0]
              && c.tooLong == drops[.tooLong, default: 0] && c.aborted == drops[.aborted, default: 0]
              && c.badHeader == drops[.badHeader, default: 0], "drop counters disagree with events")
    fuzzCheck(c.dropped == events.count - frames, "dropped total disagrees")
    fuzzCheck(rawFrames >= frames, "a frame was reported without its raw frame")
    fuzzCheck(c.controlCharactersDiscarded <= line.count, "more control characters discarded than received")
    return 0
}

/// A decoded frame, framed again by our encoder, decodes to the same frame.
private func roundTrip(_ frame: PPPFrame, _ receive: HDLCReceiveConfig, _ decoder: inout HDLCDecoder) {
    let send = HDLCSendConfig(accm: 0xffff_ffff | receive.accm,
                              addressControlCompression: receive.acceptAddressControlCompression,
                              protocolCompression: receive.acceptProtocolCompression)
    let bytes = HDLCEncoder(config: send).encode(frame)
    fuzzCheck(!decoder.hasPartialFrame, "a round trip left a partial frame behind")
    var again: [HDLCEvent] = []
    decoder.decode(bytes) { again.append($0) }
    fuzzCheck(again == [.frame(frame)], "re-encoded frame decodes as \(again), not \(frame)")
}
