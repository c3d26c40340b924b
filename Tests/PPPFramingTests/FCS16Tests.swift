import PPPFraming
import Testing

@Suite("FCS-16")
struct FCS16Tests {
    @Test("table matches RFC 1662's first and last entries")
    func tableEntries() {
        #expect(FCS16.table.count == 256)
        #expect(FCS16.table[0] == 0x0000)
        #expect(FCS16.table[1] == 0x1189)
        #expect(FCS16.table[128] == 0x8408)
        #expect(FCS16.table[255] == 0x0f78)
    }

    @Test("check value of \"123456789\" is 0x906e (CRC-16/X-25)")
    func checkValue() {
        #expect(FCS16.checksum(Array("123456789".utf8)) == 0x906e)
    }

    @Test("a frame followed by its FCS (low byte first) leaves the good value 0xf0b8")
    func goodFinalValue() {
        var rng = TestRandom(seed: 1)
        for length in [0, 1, 2, 17, 1500] {
            let data = rng.bytes(length)
            let fcs = FCS16.checksum(data)
            let framed = data + [UInt8(fcs & 0xff), UInt8(fcs >> 8)]
            #expect(FCS16.update(FCS16.initial, framed) == FCS16.good)
            #expect(FCS16.isValid(framed))
            var corrupted = framed
            corrupted[corrupted.count / 2] ^= 0x40
            #expect(!FCS16.isValid(corrupted))
        }
    }

    @Test("recorded ConfAck unescaped body carries a valid FCS")
    func recordedFrame() {
        // two-way, rcvd line 3, unescaped: ff 03 c0 21 02 01 00 19 ... cd 5f
        let body = hex("ff03c021020100190206000000000305c2230505067805ef4407020802cd5f")
        #expect(FCS16.isValid(body))
    }
}
