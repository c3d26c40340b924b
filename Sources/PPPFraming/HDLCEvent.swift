/// Why the decoder discarded a frame.
public enum HDLCDropReason: Hashable, Sendable, CustomStringConvertible {
    /// FCS check failed (line noise, or our ACCM disagrees with what the peer sends).
    case badFCS
    /// Fewer than 4 octets between flags (after unescaping, FCS included).
    case tooShort
    /// Longer than MRU + header + FCS, or information field longer than the MRU.
    case tooLong
    /// The sender aborted the frame with `7d 7e`.
    case aborted
    /// Address/control or protocol field malformed, or compressed without agreement.
    case badHeader

    public var description: String {
        switch self {
        case .badFCS: "bad FCS"
        case .tooShort: "frame too short"
        case .tooLong: "frame too long"
        case .aborted: "frame aborted"
        case .badHeader: "bad address/control/protocol header"
        }
    }
}

/// What the decoder reports for each flag-delimited frame.
public enum HDLCEvent: Hashable, Sendable {
    case frame(PPPFrame)
    /// `octets` is the frame's unescaped length (FCS included) as received.
    case dropped(HDLCDropReason, octets: Int)
}

/// A frame lent by `HDLCDecoder.decodeBorrowing`: the information field points into the
/// decoder's storage and is valid only inside the callback it is passed to.
public struct HDLCFrameView {
    public let protocolNumber: UInt16
    public let information: UnsafeRawBufferPointer

    public init(protocolNumber: UInt16, information: UnsafeRawBufferPointer) {
        self.protocolNumber = protocolNumber
        self.information = information
    }

    /// An owned copy.
    public var frame: PPPFrame { PPPFrame(protocolNumber: protocolNumber, information: Array(information)) }
}

/// What `HDLCDecoder.decodeBorrowing` reports for each flag-delimited frame.
public enum HDLCBorrowedEvent {
    case frame(HDLCFrameView)
    /// As `HDLCEvent.dropped`.
    case dropped(HDLCDropReason, octets: Int)
}

/// Running totals kept by the decoder (cumulative; never reset by config changes).
public struct HDLCCounters: Hashable, Sendable {
    public var framesDecoded = 0
    public var badFCS = 0
    public var tooShort = 0
    public var tooLong = 0
    public var aborted = 0
    public var badHeader = 0
    /// Unescaped octets in the receive ACCM that were discarded (e.g. XON/XOFF from a modem).
    public var controlCharactersDiscarded = 0

    public init() {}

    /// Total frames dropped for any reason.
    public var dropped: Int { badFCS + tooShort + tooLong + aborted + badHeader }

    mutating func count(_ reason: HDLCDropReason) {
        switch reason {
        case .badFCS: badFCS += 1
        case .tooShort: tooShort += 1
        case .tooLong: tooLong += 1
        case .aborted: aborted += 1
        case .badHeader: badHeader += 1
        }
    }
}
