import ArgumentParser
import Crypto
import Foundation

/// `chapctl response`: the CHAP-MD5 response (RFC 1994) for a challenge, to check a peer's
/// answer by hand. The secret comes from a file so it never appears in argv or `ps`.
struct Response: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print MD5(id || secret || challenge) as hex.",
        discussion: "The secret is the first line of --secret-file (its line ending removed)."
    )

    @Option(help: "CHAP identifier, decimal or 0x-prefixed hex (0-255).")
    var id: String

    @Option(help: "Challenge value in hex.")
    var challenge: String

    @Option(help: "File whose first line is the secret.")
    var secretFile: String

    func run() throws {
        guard let identifier = Self.parseIdentifier(id) else {
            throw ValidationError("--id must be 0-255, decimal or 0x hex")
        }
        guard let challengeBytes = Self.parseHex(challenge), !challengeBytes.isEmpty else {
            throw ValidationError("--challenge must be a non-empty even-length hex string")
        }
        guard let data = FileManager.default.contents(atPath: secretFile) else {
            throw ValidationError("cannot read secret file \(secretFile)")
        }
        let secret = Self.firstLine(Array(data))
        print(Self.response(identifier: identifier, secret: secret, challenge: challengeBytes))
    }

    static func parseIdentifier(_ text: String) -> UInt8? {
        let lower = text.lowercased()
        if lower.hasPrefix("0x") { return UInt8(lower.dropFirst(2), radix: 16) }
        return UInt8(text, radix: 10)
    }

    static func parseHex(_ text: String) -> [UInt8]? {
        var digits = Array(text.utf8)
        if digits.count >= 2, digits[0] == UInt8(ascii: "0"), digits[1] | 0x20 == UInt8(ascii: "x") { digits.removeFirst(2) }
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var i = 0
        while i < digits.count {
            guard let hi = hexNibble(digits[i]), let lo = hexNibble(digits[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func hexNibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }

    /// Up to the first newline, without a trailing CR.
    static func firstLine(_ bytes: [UInt8]) -> [UInt8] {
        var line = bytes.prefix { $0 != 0x0A }
        if line.last == 0x0D { line = line.dropLast() }
        return Array(line)
    }

    static func response(identifier: UInt8, secret: [UInt8], challenge: [UInt8]) -> String {
        var md5 = Insecure.MD5()
        md5.update(data: [identifier])
        md5.update(data: secret)
        md5.update(data: challenge)
        return md5.finalize().map { byte in
            let s = String(byte, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
    }
}
