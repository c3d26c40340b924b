import CLineSupport
import Foundation
import PPPFraming
import PPPPackets

/// The far end of a pty that a test scripts frame by frame, to play a peer chapd must
/// survive (one that floods, stops reading, lies): chapd runs on the slave as its DEVICE.
final class ScriptedLinePeer {
    let master: CInt
    let slavePath: String
    private var slaveHold: CInt
    private var decoder = HDLCDecoder()
    private let encoder = HDLCEncoder()
    private(set) var received: [PPPFrame] = []

    init() throws {
        var name = [CChar](repeating: 0, count: 128)
        master = chapd_open_pty(&name, name.count)
        guard master >= 0 else { throw HarnessError("cannot allocate a pty") }
        slavePath = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // Raw from the start (no echo), and held open until chapd has it.
        slaveHold = open(slavePath, O_RDWR | O_NOCTTY)
        var t = termios()
        if slaveHold >= 0 && tcgetattr(slaveHold, &t) == 0 {
            cfmakeraw(&t)
            tcsetattr(slaveHold, TCSANOW, &t)
        }
    }

    deinit {
        if slaveHold >= 0 { close(slaveHold) }
        close(master)
    }

    func releaseSlave() {
        if slaveHold >= 0 { close(slaveHold) }
        slaveHold = -1
    }

    /// Writes every octet, waiting for the pty to take them (chapd keeps reading).
    func write(_ bytes: [UInt8], timeout: Double = 30) throws {
        var offset = 0
        let deadline = Date().addingTimeInterval(timeout)
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(master, $0.baseAddress, $0.count) }
            if n > 0 { offset += n; continue }
            guard n < 0 && (errno == EAGAIN || errno == EINTR) else { throw HarnessError("write to pty: errno \(errno)") }
            guard Date() < deadline else { throw HarnessError("pty write stalled (\(offset) of \(bytes.count) octets)") }
            var p = pollfd(fd: master, events: Int16(POLLOUT), revents: 0)
            _ = poll(&p, 1, 100)
        }
    }

    func send(_ proto: UInt16, _ information: [UInt8]) throws {
        try write(encoder.encode(PPPFrame(protocolNumber: proto, information: information), lineIdle: false))
    }

    /// Reads what is waiting (up to `timeout` for the first octet, then until quiet for
    /// `quiet`), decoding frames into `received`. Returns the new frames.
    @discardableResult
    func read(timeout: Double, quiet: Double = 0.05) -> [PPPFrame] {
        var new: [PPPFrame] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        var wait = timeout
        while true {
            var p = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, Int32(wait * 1000)) > 0 else { break }
            let n = buffer.withUnsafeMutableBytes { Glibc.read(master, $0.baseAddress, $0.count) }
            guard n > 0 else { break }
            decoder.decode(buffer[0..<n]) { event in
                if case .frame(let f) = event { new.append(f) }
            }
            wait = quiet
        }
        received += new
        return new
    }

    /// Forgets received frames matching `match` (so a later wait sees only new ones).
    func forget(_ match: (PPPFrame) -> Bool) {
        received.removeAll(where: match)
    }

    /// Reads until a frame matching `match` arrives (nil when `timeout` passes).
    func awaitFrame(timeout: Double, _ match: (PPPFrame) -> Bool) -> PPPFrame? {
        let deadline = Date().addingTimeInterval(timeout)
        if let f = received.first(where: match) { return f }
        while Date() < deadline {
            for f in read(timeout: 0.2) where match(f) { return f }
        }
        return nil
    }

    /// Plays a plain peer up to IPCP Opened: Acks chapd's LCP and IPCP requests, asks for
    /// nothing but a magic number and `address`. chapd must not require authentication.
    func establish(address: UInt32, timeout: Double = 10) throws {
        try openLCP(timeout: timeout)
        try openIPCP(address: address, timeout: timeout)
    }

    /// Opens LCP only, acknowledging whatever chapd asks (its `<auth chap MD5>` included).
    /// `renegotiate`: on an open link, our Configure-Request comes first and chapd answers.
    func openLCP(renegotiate: Bool = false, timeout: Double = 10) throws {
        if renegotiate {
            forget { $0.protocolNumber == 0xc021 }
            try send(0xc021, ControlPacket(code: 1, identifier: 2, data: LCPOption.magicNumber(0x5eed_f00e).raw.bytes).bytes)
        }
        guard let lcpRequest = awaitFrame(timeout: timeout, { $0.protocolNumber == 0xc021 && $0.information.first == 1 }),
              let req = try? ControlPacket(parsing: lcpRequest.information) else {
            throw HarnessError("no LCP ConfReq from chapd")
        }
        if !renegotiate {
            try send(0xc021, ControlPacket(code: 1, identifier: 1, data: LCPOption.magicNumber(0x5eed_f00d).raw.bytes).bytes)
        }
        try send(0xc021, ControlPacket(code: 2, identifier: req.identifier, data: req.data).bytes)
    }

    /// IPCP up (after authentication, when chapd requires it).
    func openIPCP(address: UInt32, timeout: Double = 10) throws {
        guard let ipcpRequest = awaitFrame(timeout: timeout, { $0.protocolNumber == 0x8021 && $0.information.first == 1 }),
              let ipReq = try? ControlPacket(parsing: ipcpRequest.information) else {
            throw HarnessError("no IPCP ConfReq from chapd")
        }
        try send(0x8021, ControlPacket(code: 1, identifier: 1, data: IPCPOption.ipAddress(address).raw.bytes).bytes)
        try send(0x8021, ControlPacket(code: 2, identifier: ipReq.identifier, data: ipReq.data).bytes)
    }

    /// Sends an Echo-Request and waits for its Echo-Reply: the link is alive and reading.
    func answersEcho(identifier: UInt8, timeout: Double = 5) throws -> Bool {
        try send(0xc021, Self.echoRequest(identifier: identifier, data: [0xab]))
        return awaitFrame(timeout: timeout) {
            $0.protocolNumber == 0xc021 && $0.information.count >= 2 && $0.information[0] == 10 && $0.information[1] == identifier
        } != nil
    }

    /// Frames a raw information field with a valid FCS whatever it contains (lying lengths).
    func sendRaw(_ proto: UInt16, _ information: [UInt8]) throws {
        try write(encoder.encode(PPPFrame(protocolNumber: proto, information: information), lineIdle: false))
    }

    /// Writes `count` frames of `protocolNumber` as fast as the pty takes them, 64 KiB at a
    /// time, never reading: the flood a hostile peer sends.
    func flood(_ count: Int, protocolNumber: UInt16, encoder: HDLCEncoder = HDLCEncoder(),
               _ information: (Int) -> [UInt8]) throws {
        var burst: [UInt8] = []
        for n in 0..<count {
            burst += encoder.encode(PPPFrame(protocolNumber: protocolNumber, information: information(n)), lineIdle: false)
            if burst.count > 1 << 16 {
                try write(burst, timeout: 60)
                burst.removeAll(keepingCapacity: true)
            }
        }
        try write(burst, timeout: 60)
    }

    /// An LCP Echo-Request as the peer sends it (its magic, then `data`).
    static func echoRequest(identifier: UInt8, data: [UInt8] = []) -> [UInt8] {
        ControlPacket(code: 9, identifier: identifier, data: [0x5e, 0xed, 0xf0, 0x0d] + data).bytes
    }
}

/// The highest VmRSS of `pid` sampled every 0.1 s for two seconds (`start` if it is gone).
func peakResidentKiB(of pid: pid_t, from start: Int) -> Int {
    var peak = start
    for _ in 0..<20 {
        usleep(100_000)
        peak = max(peak, residentKiB(of: pid) ?? peak)
    }
    return peak
}

/// Resident memory of a process in KiB (VmRSS), or nil when it is gone.
func residentKiB(of pid: pid_t) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return Int(line.split(separator: " ").dropFirst().first ?? "")
    }
    return nil
}
