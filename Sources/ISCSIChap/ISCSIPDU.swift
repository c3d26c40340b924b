/// iSCSI PDUs as far as a login needs them (RFC 7143 §11): the 48-octet Basic Header Segment,
/// optional AHS, and a data segment padded to 4 octets. No digests: they are only negotiated
/// in the login itself, so login PDUs never carry them.
public struct ISCSIPDU: Hashable, Sendable {
    public enum Opcode: UInt8, Sendable {
        case nopOut = 0x00, scsiCommand = 0x01, taskManagementRequest = 0x02, loginRequest = 0x03
        case textRequest = 0x04, dataOut = 0x05, logoutRequest = 0x06, snackRequest = 0x10
        case nopIn = 0x20, scsiResponse = 0x21, taskManagementResponse = 0x22, loginResponse = 0x23
        case textResponse = 0x24, dataIn = 0x25, logoutResponse = 0x26, r2t = 0x31
        case asyncMessage = 0x32, reject = 0x3f
    }

    /// The 48 octets of the BHS.
    public var header: [UInt8]
    public var ahs: [UInt8]
    /// The data segment without padding.
    public var data: [UInt8]

    public init(header: [UInt8], ahs: [UInt8] = [], data: [UInt8] = []) {
        precondition(header.count == 48, "a BHS is 48 octets")
        self.header = header
        self.ahs = ahs
        self.data = data
    }

    public var opcodeValue: UInt8 { header[0] & 0x3f }
    public var opcode: Opcode? { Opcode(rawValue: opcodeValue) }
    public var isImmediate: Bool { header[0] & 0x40 != 0 }

    /// BHS, AHS and data with its length fields set and padding added.
    public func encoded() -> [UInt8] {
        var h = header
        h[4] = UInt8(ahs.count / 4)
        h[5] = UInt8(data.count >> 16 & 0xff)
        h[6] = UInt8(data.count >> 8 & 0xff)
        h[7] = UInt8(data.count & 0xff)
        var out = h + ahs + data
        out += [UInt8](repeating: 0, count: (4 - data.count % 4) % 4)
        return out
    }

    func u32(_ at: Int) -> UInt32 {
        UInt32(header[at]) << 24 | UInt32(header[at + 1]) << 16 | UInt32(header[at + 2]) << 8 | UInt32(header[at + 3])
    }
    mutating func setU32(_ at: Int, _ v: UInt32) {
        header[at] = UInt8(v >> 24 & 0xff); header[at + 1] = UInt8(v >> 16 & 0xff)
        header[at + 2] = UInt8(v >> 8 & 0xff); header[at + 3] = UInt8(v & 0xff)
    }
    func u16(_ at: Int) -> UInt16 { UInt16(header[at]) << 8 | UInt16(header[at + 1]) }
    mutating func setU16(_ at: Int, _ v: UInt16) { header[at] = UInt8(v >> 8); header[at + 1] = UInt8(v & 0xff) }

    public var initiatorTaskTag: UInt32 { u32(16) }
}

/// Splits a TCP byte stream into PDUs, whatever the segmenting. Memory is bounded: a PDU
/// announcing more than `maximumDataLength` octets of data is an error, not an allocation.
public struct ISCSIPDUDecoder: Sendable {
    public var maximumDataLength: Int
    private var buffer: [UInt8] = []
    private var start = 0

    public init(maximumDataLength: Int = 1 << 20) { self.maximumDataLength = maximumDataLength }

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if start > 4096 && start * 2 > buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Octets received but not yet part of a whole PDU.
    public var pendingCount: Int { buffer.count - start }

    /// The next whole PDU, or nil when more octets are needed.
    public mutating func next() throws(ISCSIChapFailure) -> ISCSIPDU? {
        guard buffer.count - start >= 48 else { return nil }
        let h = Array(buffer[start..<(start + 48)])
        let ahsLength = Int(h[4]) * 4
        let dataLength = Int(h[5]) << 16 | Int(h[6]) << 8 | Int(h[7])
        guard dataLength <= maximumDataLength else {
            throw ISCSIChapFailure(.protocolViolation, "a PDU announces \(dataLength) octets of data (at most \(maximumDataLength) accepted)")
        }
        let padded = (dataLength + 3) & ~3
        let total = 48 + ahsLength + padded
        guard buffer.count - start >= total else { return nil }
        let ahs = Array(buffer[(start + 48)..<(start + 48 + ahsLength)])
        let dataStart = start + 48 + ahsLength
        let data = Array(buffer[dataStart..<(dataStart + dataLength)])
        start += total
        return ISCSIPDU(header: h, ahs: ahs, data: data)
    }
}

/// Login stages (RFC 7143 §11.12.3: CSG/NSG).
public enum ISCSILoginStage: UInt8, Hashable, Sendable, CustomStringConvertible {
    case securityNegotiation = 0
    case loginOperationalNegotiation = 1
    case fullFeaturePhase = 3
    public var description: String {
        switch self {
        case .securityNegotiation: return "SecurityNegotiation"
        case .loginOperationalNegotiation: return "LoginOperationalNegotiation"
        case .fullFeaturePhase: return "FullFeaturePhase"
        }
    }
}

/// A Login Request (opcode 0x03) or Login Response (0x23), fields by name.
public struct ISCSILoginPDU: Hashable, Sendable {
    public var isResponse: Bool
    public var transit: Bool
    public var `continue`: Bool
    public var currentStage: UInt8
    public var nextStage: UInt8
    public var isid: [UInt8]
    public var tsih: UInt16
    public var initiatorTaskTag: UInt32
    /// Request: CID (high 16 bits of octets 20–23). Response: unused.
    public var connectionID: UInt16
    /// Request: CmdSN. Response: StatSN.
    public var sequenceNumber: UInt32
    /// Request: ExpStatSN. Response: ExpCmdSN.
    public var expectedSequenceNumber: UInt32
    /// Response only: MaxCmdSN.
    public var maxCommandSequenceNumber: UInt32
    public var statusClass: UInt8
    public var statusDetail: UInt8
    public var versionMax: UInt8
    public var versionOther: UInt8
    public var keys: [ISCSITextPair]

    public init(isResponse: Bool, transit: Bool, continue: Bool = false, currentStage: UInt8, nextStage: UInt8,
                isid: [UInt8], tsih: UInt16 = 0, initiatorTaskTag: UInt32, connectionID: UInt16 = 0,
                sequenceNumber: UInt32, expectedSequenceNumber: UInt32, maxCommandSequenceNumber: UInt32 = 0,
                statusClass: UInt8 = 0, statusDetail: UInt8 = 0, versionMax: UInt8 = 0, versionOther: UInt8 = 0,
                keys: [ISCSITextPair]) {
        self.isResponse = isResponse; self.transit = transit; self.continue = `continue`
        self.currentStage = currentStage; self.nextStage = nextStage; self.isid = isid; self.tsih = tsih
        self.initiatorTaskTag = initiatorTaskTag; self.connectionID = connectionID
        self.sequenceNumber = sequenceNumber; self.expectedSequenceNumber = expectedSequenceNumber
        self.maxCommandSequenceNumber = maxCommandSequenceNumber; self.statusClass = statusClass
        self.statusDetail = statusDetail; self.versionMax = versionMax; self.versionOther = versionOther
        self.keys = keys
    }

    /// Reads a login PDU; its text keys are decoded and checked.
    public init(_ pdu: ISCSIPDU) throws(ISCSIChapFailure) {
        switch pdu.opcode {
        case .loginRequest?: isResponse = false
        case .loginResponse?: isResponse = true
        default:
            throw ISCSIChapFailure(.protocolViolation, "opcode 0x\(String(pdu.opcodeValue, radix: 16)) is not a Login PDU")
        }
        let flags = pdu.header[1]
        transit = flags & 0x80 != 0
        self.continue = flags & 0x40 != 0
        currentStage = flags >> 2 & 3
        nextStage = flags & 3
        versionMax = pdu.header[2]
        versionOther = pdu.header[3]
        isid = Array(pdu.header[8..<14])
        tsih = pdu.u16(14)
        initiatorTaskTag = pdu.u32(16)
        connectionID = isResponse ? 0 : pdu.u16(20)
        sequenceNumber = pdu.u32(24)
        expectedSequenceNumber = pdu.u32(28)
        maxCommandSequenceNumber = isResponse ? pdu.u32(32) : 0
        statusClass = isResponse ? pdu.header[36] : 0
        statusDetail = isResponse ? pdu.header[37] : 0
        keys = try ISCSIText.decode(pdu.data)
    }

    public var pdu: ISCSIPDU {
        var p = ISCSIPDU(header: [UInt8](repeating: 0, count: 48), data: ISCSIText.encode(keys))
        p.header[0] = isResponse ? ISCSIPDU.Opcode.loginResponse.rawValue : 0x40 | ISCSIPDU.Opcode.loginRequest.rawValue
        p.header[1] = (transit ? 0x80 : 0) | (self.continue ? 0x40 : 0) | (currentStage & 3) << 2 | (transit ? nextStage & 3 : 0)
        p.header[2] = versionMax
        p.header[3] = versionOther
        for (i, b) in isid.prefix(6).enumerated() { p.header[8 + i] = b }
        p.setU16(14, tsih)
        p.setU32(16, initiatorTaskTag)
        if !isResponse { p.setU16(20, connectionID) }
        p.setU32(24, sequenceNumber)
        p.setU32(28, expectedSequenceNumber)
        if isResponse {
            p.setU32(32, maxCommandSequenceNumber)
            p.header[36] = statusClass
            p.header[37] = statusDetail
        }
        return p
    }

    /// "0x0201" etc.
    public var statusCode: UInt16 { UInt16(statusClass) << 8 | UInt16(statusDetail) }
}

/// Login Response status (RFC 7143 §11.13.5), named as an operator reads them.
public enum ISCSILoginStatus {
    public static func name(statusClass: UInt8, statusDetail: UInt8) -> String {
        switch (statusClass, statusDetail) {
        case (0, 0): return "success"
        case (1, 1): return "target moved temporarily"
        case (1, 2): return "target moved permanently"
        case (2, 0): return "initiator error"
        case (2, 1): return "authentication failure"
        case (2, 2): return "authorization failure"
        case (2, 3): return "target not found"
        case (2, 4): return "target removed"
        case (2, 5): return "unsupported version"
        case (2, 6): return "too many connections"
        case (2, 7): return "missing parameter"
        case (2, 8): return "can't include in session"
        case (2, 9): return "session type not supported"
        case (2, 10): return "session does not exist"
        case (2, 11): return "invalid request during login"
        case (3, 0): return "target error"
        case (3, 1): return "service unavailable"
        case (3, 2): return "out of resources"
        case (0, _): return "success (detail \(statusDetail))"
        case (1, _): return "redirection"
        case (2, _): return "initiator error"
        case (3, _): return "target error"
        default: return "unknown status class \(statusClass)"
        }
    }

    /// `authentication failure (0x0201)`.
    public static func describe(statusClass: UInt8, statusDetail: UInt8) -> String {
        let code = UInt16(statusClass) << 8 | UInt16(statusDetail)
        let hex = String(code, radix: 16)
        return "\(name(statusClass: statusClass, statusDetail: statusDetail)) (0x\(String(repeating: "0", count: 4 - hex.count))\(hex))"
    }
}
