/// A PPP protocol number (RFC 1661 §2, assigned numbers from IANA).
public struct PPPProtocol: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    public static let ip = PPPProtocol(0x0021)
    public static let ipv6 = PPPProtocol(0x0057)
    public static let vjCompressed = PPPProtocol(0x002d)
    public static let vjUncompressed = PPPProtocol(0x002f)
    public static let ipcp = PPPProtocol(0x8021)
    public static let ipv6cp = PPPProtocol(0x8057)
    public static let ccp = PPPProtocol(0x80fd)
    public static let lcp = PPPProtocol(0xc021)
    public static let pap = PPPProtocol(0xc023)
    public static let lqr = PPPProtocol(0xc025)
    public static let chap = PPPProtocol(0xc223)
    public static let eap = PPPProtocol(0xc227)

    /// The short name pppd uses in its debug lines (`LCP`, `CHAP`, …).
    public var name: String? {
        switch rawValue {
        case 0x0021: return "IP"
        case 0x0057: return "IPv6"
        case 0x8021: return "IPCP"
        case 0x8057: return "IPV6CP"
        case 0x80fd: return "CCP"
        case 0xc021: return "LCP"
        case 0xc023: return "PAP"
        case 0xc025: return "LQR"
        case 0xc223: return "CHAP"
        case 0xc227: return "EAP"
        default: return nil
        }
    }

    public var description: String { name ?? "0x" + String(rawValue, radix: 16) }
}
