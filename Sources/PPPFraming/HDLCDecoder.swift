import NIOCore

/// Streaming RFC 1662 async-HDLC decoder. Feed it bytes in chunks of any size; it reports each
/// frame (or why it was dropped) as soon as the closing flag arrives. Memory is bounded: the
/// in-progress frame never grows past MRU + header + FCS, whatever arrives on the line.
public struct HDLCDecoder: Sendable {
    /// May be changed at any time (e.g. when LCP opens); applies from the next octet.
    public var config: HDLCReceiveConfig
    public private(set) var counters = HDLCCounters()

    /// Unescaped octets of the frame in progress, reused: the frame limit plus `slack`, so the
    /// fast path can store a whole word whenever the frame is still within its limit.
    private var storage: [UInt8]
    /// Unescaped octets seen since the last flag (may exceed `storage.count`: then too long).
    private var length = 0
    private var escaped = false
    /// FCS register over the frame's octets `0 ..< folded`. Octets `folded ..< length` are all
    /// in `storage` and are folded in (slicing-by-8) only when the frame ends, or before an
    /// octet has to go unstored (far too long a frame) or the storage is replaced.
    private var fcs = FCS16.initial
    private var folded = 0

    /// Per octet value: 1 when the octet leaves the fast path (flag, or dropped by the receive
    /// ACCM). Rebuilt when the ACCM changes.
    private var stops: [UInt8] = []
    private var stopsAccm: UInt32 = 0

    /// Storage beyond the frame limit, for word stores.
    static let slack = 8

    /// Largest header (ff 03 + 2-byte protocol) plus FCS.
    static let overhead = 6
    /// Upper bound on the configured MRU so a bad config cannot ask for a huge buffer.
    static let maximumMRU = 65_535

    public init(config: HDLCReceiveConfig = .init()) {
        self.config = config
        self.storage = [UInt8](repeating: 0, count: Self.limit(for: config) + Self.slack)
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
        folded = 0
    }

    /// Decodes a chunk of line bytes, calling `onEvent` for every frame completed in it.
    public mutating func decode(_ bytes: some Collection<UInt8>, _ onEvent: (HDLCEvent) -> Void) {
        decode(bytes, rawFrame: nil, onEvent)
    }

    public mutating func decode(_ buffer: ByteBuffer, _ onEvent: (HDLCEvent) -> Void) {
        buffer.withUnsafeReadableBytes { run($0, rawFrame: nil) { Self.deliver($0, onEvent) } }
    }

    /// As `decode(_:_:)`, and also calls `rawFrame` with every frame that passed the length and
    /// FCS checks — address/control/protocol/information exactly as received, FCS stripped —
    /// before its `.frame` or `.dropped(.badHeader)` event. For captures (DLT_PPP_WITH_DIR).
    public mutating func decode(_ bytes: some Collection<UInt8>, rawFrame: (([UInt8]) -> Void)?, _ onEvent: (HDLCEvent) -> Void) {
        Self.withContiguousBytes(bytes) { run($0, rawFrame: rawFrame) { Self.deliver($0, onEvent) } }
    }

    public mutating func decode(_ buffer: ByteBuffer, rawFrame: (([UInt8]) -> Void)?, _ onEvent: (HDLCEvent) -> Void) {
        buffer.withUnsafeReadableBytes { run($0, rawFrame: rawFrame) { Self.deliver($0, onEvent) } }
    }

    /// As `decode(_:_:)`, but each frame's information field is lent straight from the
    /// decoder's storage instead of copied into a new array: nothing is allocated per frame.
    /// The view is valid only inside the callback; copy what must outlive it.
    public mutating func decodeBorrowing(_ buffer: ByteBuffer, _ onEvent: (HDLCBorrowedEvent) -> Void) {
        buffer.withUnsafeReadableBytes { run($0, rawFrame: nil, onEvent) }
    }

    public mutating func decodeBorrowing(_ bytes: some Collection<UInt8>, _ onEvent: (HDLCBorrowedEvent) -> Void) {
        Self.withContiguousBytes(bytes) { run($0, rawFrame: nil, onEvent) }
    }

    private static func withContiguousBytes(_ bytes: some Collection<UInt8>, _ body: (UnsafeRawBufferPointer) -> Void) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { body(UnsafeRawBufferPointer($0)) }
        if done == nil {
            let copy = Array(bytes)
            copy.withUnsafeBytes { body($0) }
        }
    }

    /// A borrowed event as the owning `HDLCEvent` (the information field copied once).
    @inline(__always)
    private static func deliver(_ event: HDLCBorrowedEvent, _ onEvent: (HDLCEvent) -> Void) {
        switch event {
        case .frame(let view):
            let information = [UInt8](unsafeUninitializedCapacity: view.information.count) { out, count in
                if let source = view.information.baseAddress, view.information.count > 0 {
                    UnsafeMutableRawPointer(out.baseAddress!).copyMemory(from: source, byteCount: view.information.count)
                }
                count = view.information.count
            }
            onEvent(.frame(PPPFrame(protocolNumber: view.protocolNumber, information: information)))
        case .dropped(let reason, let octets):
            onEvent(.dropped(reason, octets: octets))
        }
    }

    private mutating func run(_ input: UnsafeRawBufferPointer, rawFrame: (([UInt8]) -> Void)?, _ onEvent: (HDLCBorrowedEvent) -> Void) {
        let limit = Self.limit(for: config)
        // Work on a uniquely held local buffer so the loop can write through a raw pointer.
        var work = storage
        storage = []
        if work.count < limit + Self.slack {
            // The MRU grew: new storage (as before, octets already buffered are not carried
            // over), but the FCS register first takes in the octets it has not seen yet.
            if folded < length {
                fcs = work.withUnsafeBytes { FCS16.update(fcs, $0.baseAddress! + folded, count: min(length, work.count) - folded, slices: FCS16.slices) }
                folded = length
            }
            work = [UInt8](repeating: 0, count: limit + Self.slack)
        }
        var table = stops
        stops = []
        if table.isEmpty || stopsAccm != config.accm {
            let accm = config.accm
            table = (0 ..< 256).map { octet in octet == 0x7e || (octet < 0x20 && accm & (1 << UInt32(octet)) != 0) ? 1 : 0 }
            stopsAccm = accm
        }
        work.withUnsafeMutableBufferPointer { frame in
            table.withUnsafeBufferPointer { table in
                scan(input, frame: frame, stops: table.baseAddress!, limit: limit, rawFrame: rawFrame, onEvent)
            }
        }
        storage = work
        stops = table
    }

    /// The decoding loop. State lives in locals (registers) and is stored back at the end.
    /// Words with no flag, escape or control octet the ACCM could drop are found a word at a
    /// time (SWAR) and stored whole; other octets are unescaped without branching on the
    /// escape; flags, ACCM-dropped octets and octets past the storage take the per-octet rules.
    /// The FCS is left to the end of the frame, where slicing runs over the stored octets.
    private mutating func scan(_ input: UnsafeRawBufferPointer, frame: UnsafeMutableBufferPointer<UInt8>,
                               stops: UnsafePointer<UInt8>, limit: Int, rawFrame: (([UInt8]) -> Void)?, _ onEvent: (HDLCBorrowedEvent) -> Void) {
        guard let base = input.baseAddress, let out = frame.baseAddress else { return }
        let accm = config.accm
        let below = accm != 0 ? HDLCScan.ones &* 0x20 : 0
        let slices = FCS16.slices
        let capacity = frame.count
        let end = input.count
        var length = self.length
        var escape: UInt8 = self.escaped ? 0x20 : 0
        var fcs = self.fcs
        var folded = self.folded
        var discarded = 0
        var index = 0
        while index < end {
            if escape == 0 {
                while index &+ 8 <= end, length &+ 8 <= capacity {
                    let word = (base + index).loadUnaligned(as: UInt64.self)
                    if HDLCScan.mask(UInt64(littleEndian: word), below: below) != 0 { break }
                    (UnsafeMutableRawPointer(out) + length).storeBytes(of: word, as: UInt64.self)
                    index &+= 8
                    length &+= 8
                }
            }
            // Up to the next word's worth of octets one at a time.
            let stop = min(end, index &+ 8)
            while index < stop {
                let byte = base.load(fromByteOffset: index, as: UInt8.self)
                index &+= 1
                // One predictable branch: flag, an octet the ACCM drops, or no room.
                let full: UInt8 = length < capacity ? 0 : 1
                if _fastPath(stops[Int(byte)] | full == 0) {
                    out[length] = byte ^ escape
                    let isEscape = byte == 0x7d && escape == 0
                    escape = isEscape ? 0x20 : 0
                    length &+= isEscape ? 0 : 1
                    continue
                }
                if byte == 0x7e {
                    finish(frame, length: length, escaped: escape != 0, fcs: fcs, folded: folded, limit: limit,
                           slices: slices, rawFrame: rawFrame, onEvent)
                    length = 0
                    escape = 0
                    fcs = FCS16.initial
                    folded = 0
                    continue
                }
                if byte < 0x20, accm & (1 << UInt32(byte)) != 0 {
                    discarded &+= 1
                    continue
                }
                // Past the storage (the frame is already too long): fold octets in as they come.
                var octet = byte
                if escape != 0 {
                    octet ^= 0x20
                    escape = 0
                } else if byte == 0x7d {
                    escape = 0x20
                    continue
                }
                if folded < length {
                    fcs = FCS16.update(fcs, out + folded, count: length &- folded, slices: slices)
                }
                fcs = (fcs >> 8) ^ slices[Int(UInt8(truncatingIfNeeded: fcs) ^ octet)]
                length &+= 1
                folded = length
            }
        }
        counters.controlCharactersDiscarded += discarded
        self.length = length
        self.escaped = escape != 0
        self.fcs = fcs
        self.folded = folded
    }

    /// End-of-frame processing at a flag.
    private mutating func finish(_ frame: UnsafeMutableBufferPointer<UInt8>, length: Int, escaped: Bool, fcs: UInt16,
                                 folded: Int, limit: Int, slices: UnsafePointer<UInt16>,
                                 rawFrame: (([UInt8]) -> Void)?, _ onEvent: (HDLCBorrowedEvent) -> Void) {
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
        if FCS16.update(fcs, frame.baseAddress! + folded, count: length - folded, slices: slices) != FCS16.good {
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
        let information = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(raw)[start...])
        onEvent(.frame(HDLCFrameView(protocolNumber: proto, information: information)))
    }

    private mutating func drop(_ reason: HDLCDropReason, _ octets: Int, _ onEvent: (HDLCBorrowedEvent) -> Void) {
        counters.count(reason)
        onEvent(.dropped(reason, octets: octets))
    }
}
