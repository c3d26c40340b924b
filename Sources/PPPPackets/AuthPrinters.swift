/// pppd's CHAP and PAP packet printers.
enum CHAPPrinter {
    static let codeNames = ["Challenge", "Response", "Success", "Failure"]

    static func print(_ reader: ByteReader, into out: inout TextSink) -> Int {
        var r = reader
        guard let (code, id, length) = pppdHeader(&r) else { return 0 }
        codeAndId(codeNames, code, id, into: &out)
        let len = length - 4
        switch code {
        case 1, 2:
            // A Value-Size that overruns the packet prints nothing more (pppd just stops).
            guard len >= 1 else { break }
            let clen = Int(r.at(r.p))
            guard len >= clen + 1 else { break }
            r.p += 1
            out.append(" <")
            for _ in 0..<clen {
                let b = r.u8()
                out.append(b < 0x10 ? "0" + hex(b) : hex(b))
            }
            out.append(">, name = ")
            out.quoted(r, from: r.p, count: len - clen - 1)
        case 3, 4:
            out.append(" ")
            out.quoted(r, from: r.p, count: len)
        default:
            for _ in 0..<len { out.hexByte(r.u8()) }
        }
        // pppd reports the whole Length as consumed whatever it printed.
        return length
    }
}

enum PAPPrinter {
    static let codeNames = ["AuthReq", "AuthAck", "AuthNak"]

    static func print(_ reader: ByteReader, into out: inout TextSink) -> Int {
        var r = reader
        guard let (code, id, length) = pppdHeader(&r) else { return 0 }
        codeAndId(codeNames, code, id, into: &out)
        var len = length - 4
        switch code {
        case 1:
            guard len >= 1 else { break }
            let ulen = Int(r.at(r.p))
            guard len >= ulen + 2 else { break }
            let wlen = Int(r.at(r.p + ulen + 1))
            guard len >= ulen + wlen + 2 else { break }
            let user = r.p + 1
            r.p += ulen + wlen + 2
            len -= ulen + wlen + 2
            out.append(" user=")
            out.quoted(r, from: user, count: ulen)
            // pppd hides PAP passwords unless run with show-password; so do we, always.
            out.append(" password=<hidden>")
        case 2, 3:
            guard len >= 1 else { break }
            let mlen = Int(r.at(r.p))
            guard len >= mlen + 1 else { break }
            let msg = r.p + 1
            r.p += mlen + 1
            len -= mlen + 1
            out.append(" ")
            out.quoted(r, from: msg, count: mlen)
        default:
            break
        }
        while len > 0 {
            out.hexByte(r.u8())
            len -= 1
        }
        return r.p
    }
}
