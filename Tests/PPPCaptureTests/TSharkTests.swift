import Testing
import PPPCapture
import PPPPackets

/// An independent dissector must read chapd's captures exactly as we meant them.
@Suite(.enabled(if: TShark.executable != nil,
                "tshark is not installed: capture files are NOT checked against Wireshark's dissectors (apt-get install tshark)"))
struct TSharkTests {
    @Test(arguments: Vectors.names)
    func chapFieldsAgreeWithTheFrames(name: String) throws {
        let (path, frames) = try Vectors.writeCapture(name)
        let output = try TShark.run(["-r", path, "-T", "fields", "-E", "separator=|", "-E", "occurrence=f",
                                     "-e", "frame.number", "-e", "frame.p2p_dir", "-e", "ppp.protocol",
                                     "-e", "chap.code", "-e", "chap.identifier", "-e", "chap.name",
                                     "-e", "ppp.code", "-e", "ppp.identifier"])
        let lines = output.split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
        #expect(lines.count == frames.count)
        var chapSeen = 0, lcpSeen = 0
        for (line, f) in zip(lines, frames) {
            guard line.count == 8 else { Issue.record("unexpected tshark line \(line)"); continue }
            #expect(Int(line[2].dropFirst(2), radix: 16) == Int(f.frame.protocolNumber), "protocol of frame \(line[0])")
            // Wireshark's point-to-point direction: 0 = sent, 1 = received.
            #expect(line[1] == (f.direction == .sent ? "0" : "1"), "direction \(line[1]) of frame \(line[0])")
            if f.frame.protocolNumber == 0xc223 {
                chapSeen += 1
                let packet = try CHAPPacket(parsing: f.frame.information)
                let code: Int
                var expectedName = ""
                switch packet {
                case .challenge(_, _, let n): code = 1; expectedName = String(decoding: n, as: UTF8.self)
                case .response(_, _, let n): code = 2; expectedName = String(decoding: n, as: UTF8.self)
                case .success: code = 3
                case .failure: code = 4
                }
                #expect(Int(line[3]) == code, "CHAP code of frame \(line[0])")
                #expect(parseNumber(line[4]) == Int(packet.identifier), "CHAP identifier of frame \(line[0])")
                #expect(line[5] == expectedName, "CHAP name of frame \(line[0])")
            } else if f.frame.protocolNumber == 0xc021 {
                lcpSeen += 1
                let packet = try ControlPacket(parsing: f.frame.information)
                #expect(Int(line[6]) == Int(packet.code), "LCP code of frame \(line[0])")
                #expect(parseNumber(line[7]) == Int(packet.identifier), "LCP identifier of frame \(line[0])")
            }
        }
        #expect(chapSeen >= 1 || name == "refuse-chap")
        #expect(lcpSeen >= 2)
    }

    @Test(arguments: Vectors.names)
    func noMalformedPacketsOrWarnings(name: String) throws {
        let (path, _) = try Vectors.writeCapture(name)
        let verbose = try TShark.run(["-r", path, "-V"])
        #expect(!verbose.isEmpty)
        #expect(!verbose.contains("Malformed"), "tshark -V reports a malformed packet in \(name)")
        #expect(!verbose.contains("[Expert Info (Error"), "tshark reports an error in \(name)")
        #expect(!verbose.contains("[Expert Info (Warning"), "tshark reports a warning in \(name)")
        // Every CHAP and LCP frame must be dissected as such, not left as raw data.
        let protocols = try TShark.run(["-r", path, "-T", "fields", "-e", "frame.protocols"])
        for line in protocols.split(separator: "\n") {
            #expect(line.hasPrefix("ppp:"), "frame dissected as \(line)")
            #expect(!line.hasSuffix(":data"), "payload left undissected: \(line)")
        }
    }

    /// tshark prints identifiers in decimal or hex depending on version; accept both.
    func parseNumber(_ s: String) -> Int? {
        s.hasPrefix("0x") ? Int(s.dropFirst(2), radix: 16) : Int(s)
    }
}

/// Negative control: the malformed-packet check above can fire.
@Suite(.enabled(if: TShark.executable != nil, "tshark is not installed: negative control not run"))
struct TSharkControlTests {
    @Test func tsharkFlagsAMalformedCHAPFrame() throws {
        let path = Scratch.path("malformed.pcap")
        let writer = try CaptureWriter(path: path)
        // CHAP Challenge whose Length (40) runs past its 9 octets.
        try writer.write(direction: .sent, timestamp: CaptureTimestamp(seconds: 1, microseconds: 0),
                         protocolNumber: 0xc223, information: [1, 5, 0, 40, 4, 1, 2, 3, 4])
        writer.close()
        #expect(try TShark.run(["-r", path, "-V"]).contains("Malformed"))
    }
}
