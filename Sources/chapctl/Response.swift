import ArgumentParser
import PPPPackets
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

    /// The challenge as hex, with or without a leading `0x`.
    static func parseHex(_ text: String) -> [UInt8]? {
        let digits = text.hasPrefix("0x") || text.hasPrefix("0X") ? text.dropFirst(2) : Substring(text)
        return HexBytes.decode(digits)
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
