import NIOCore

/// Streaming RFC 1662 async-HDLC decoder. Feed it bytes in chunks of any size; it reports each
/// frame (or why it was dropped) as soon as the closing flag arrives. Memory is bounded: the
/// in-progress frame never grows past MRU + header + FCS, whatever arrives on the line.
public struct HDLCDecoder: Sendable {
    /// May be changed at any time (e.g. when LCP opens); applies from the next octet.
    public var config: HDLCReceiveConfig
    public private(set) var counters = HDLCCounters()

    /// Unescaped octets of the frame in progress; its `count` is the storage limit, reused.
    private var storage: [UInt8]
    /// Unescaped octets seen since the last flag (may exceed `storage.count`: then too long).
    private var length = 0
    private var escaped = false
    private var fcs = FCS16.initial

    /// Largest header (ff 03 + 2-byte protocol) plus FCS.
    static let overhead = 6
    /// Upper bound on the configured MRU so a bad config cannot ask for a huge buffer.
    static let maximumMRU = 65_535

    public init(config: HDLCReceiveConfig = .init()) {
        self.config = config
        self.storage = [UInt8](repeating: 0, count: Self.limit(for: config))
    }

    static func limit(for config: HDLCReceiveConfig) -> Int {
        min(max(config.mru, 0), maximumMRU) + overhead
    }

    /// True while octets of an unfinished frame are buffered.
    public var hasPartialFrame: Bool { length > 0 || escaped }

    /// Forgets any frame in progress without reporting it (e.g. after the line is reopened).
    public mutating func discardPartialFrame() {
        length = 0
        escaped = false
        fcs = FCS16.initial
    }

    /// Decodes a chunk of line bytes, calling `onEvent` for every frame completed in it.
    public mutating func decode(_ bytes: some Collection<UInt8>, _ onEvent: (HDLCEvent) -> Void) {
        decode(bytes, rawFrame: nil, onEvent)
    }

    public mutating func decode(_ buffer: ByteBuffer, _ onEvent: (HDLCEvent) -> Void) {
        buffer.withUnsafeReadableBytes { run($0, rawFrame: nil, onEvent) }
    }

    /// As `decode(_:_:)`, and also calls `rawFrame` with every frame that passed the length and
    /// FCS checks — address/control/protocol/information exactly as received, FCS stripped —
    /// before its `.frame` or `.dropped(.badHeader)` event. For captures (DLT_PPP_WITH_DIR).
    public mutating func decode(_ bytes: some Collection<UInt8>, rawFrame: (([UInt8]) -> Void)?, _ onEvent: (HDLCEvent) -> Void) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { pointer in
            run(UnsafeRawBufferPointer(pointer), rawFrame: rawFrame, onEvent)
        }
        if done == nil {
            let copy = Array(bytes)
            copy.withUnsafeBytes { run($0, rawFrame: rawFrame, onEvent) }
        }
    }

    public mutating func decode(_ buffer: ByteBuffer, rawFrame: (([UInt8]) -> Void)?, _ onEvent: (HDLCEvent) -> Void) {
        buffer.withUnsafeReadableBytes { run($0, rawFrame: rawFrame, onEvent) }
    }

    private mutating func run(_ input: UnsafeRawBufferPointer, rawFrame: (([UInt8]) -> Void)?, _ onEvent: (HDLCEvent) -> Void) {
        let limit = Self.limit(for: config)
        // Work on a uniquely held local buffer so the loop can write through a raw pointer.
        var work = storage
        storage = []
        if work.count < limit { work = [UInt8](repeating: 0, count: limit) }
        work.withUnsafeMutableBufferPointer { frame in
            scan(input, frame: frame, limit: limit, rawFrame: rawFrame, onEvent)
        }
        storage = work
    }

    /// The decoding loop. State lives in locals (registers) and is stored back at the end.
    /// Runs of ordinary octets (no flag, no escape, no control character the ACCM could
    /// drop) are found a word at a time, copied in bulk and folded into the FCS by
    /// slicing-by-8; the octets that end a run go through the per-octet rules below.
    private mutating func scan(_ input: UnsafeRawBufferPointer, frame: UnsafeMutableBufferPointer<UInt8>,
                               limit: Int, rawFrame: (([UInt8]) -> Void)?, _ onEvent: (HDLCEvent) -> Void) {
        guard let base = input.baseAddress, let out = frame.baseAddress else { return }
        let accm = config.accm
        let controls = accm != 0
        let slices = FCS16.slices
        let end = input.count
        var length = self.length
        var escaped = self.escaped
        var fcs = self.fcs
        var discarded = 0
        var index = 0
        while index < end {
            if !escaped {
                let runEnd = HDLCScan.next(base, from: index, end: end, controls: controls)
                let run = runEnd &- index
                if run > 0 {
                    if length < limit {
                        (UnsafeMutableRawPointer(out) + length).copyMemory(from: base + index, byteCount: min(run, limit &- length))
                    }
                    length &+= run
                    fcs = FCS16.update(fcs, base + index, count: run, slices: slices)
                    index = runEnd
                    if index == end { break }
                }
            }
            let byte = base.load(fromByteOffset: index, as: UInt8.self)
            index &+= 1
            if byte == 0x7e {
                finish(frame, length: length, escaped: escaped, fcs: fcs, limit: limit, rawFrame: rawFrame, onEvent)
                length = 0
                escaped = false
                fcs = FCS16.initial
                continue
            }
            if byte < 0x20, accm & (1 << UInt32(byte)) != 0 {
                discarded &+= 1
                continue
            }
            var octet = byte
            if escaped {
                octet ^= 0x20
                escaped = false
            } else if byte == 0x7d {
                escaped = true
                continue
            }
            if length < limit { out[length] = octet }
            length &+= 1
            fcs = (fcs >> 8) ^ slices[Int(UInt8(truncatingIfNeeded: fcs) ^ octet)]
        }
        counters.controlCharactersDiscarded += discarded
        self.length = length
        self.escaped = escaped
        self.fcs = fcs
    }

    /// End-of-frame processing at a flag.
    private mutating func finish(_ frame: UnsafeMutableBufferPointer<UInt8>, length: Int, escaped: Bool, fcs: UInt16,
                                 limit: Int, rawFrame: (([UInt8]) -> Void)?, _ onEvent: (HDLCEvent) -> Void) {
        if escaped {
            drop(.aborted, length, onEvent)
            return
        }
        if length == 0 { return }  // back-to-back or shared flags
        if length > limit {
            drop(.tooLong, length, onEvent)
            return
        }
        if length < 4 {
            drop(.tooShort, length, onEvent)
            return
        }
        if fcs != FCS16.good {
            drop(.badFCS, length, onEvent)
            return
        }
        let raw = UnsafeBufferPointer(rebasing: frame[0 ..< length - 2])
        rawFrame?(Array(raw))
        guard let (proto, start) = HDLCHeaderCodec.parse(raw, config: config) else {
            drop(.badHeader, length, onEvent)
            return
        }
        if raw.count - start > config.mru {
            drop(.tooLong, length, onEvent)
            return
        }
        counters.framesDecoded += 1
        onEvent(.frame(PPPFrame(protocolNumber: proto, information: Array(UnsafeBufferPointer(rebasing: raw[start...])))))
    }

    private mutating func drop(_ reason: HDLCDropReason, _ octets: Int, _ onEvent: (HDLCEvent) -> Void) {
        counters.count(reason)
        onEvent(.dropped(reason, octets: octets))
    }
}
