import CNetSupport
import Foundation

/// What the data plane needs from the options: how to name the interface, and routes.
public struct DataPlanePlan: Sendable {
    /// An exact name (`ifname`), `chapdN` (`unit`), or the kernel pattern `chapd%d`.
    public var namePattern: String
    public var defaultRoute: Bool
    public init(namePattern: String, defaultRoute: Bool) {
        self.namePattern = namePattern
        self.defaultRoute = defaultRoute
    }
}

/// Why the interface could not be made, with what to do about it.
public struct DataPlaneError: Error, CustomStringConvertible {
    public let description: String

    init(_ what: String, errno code: Int32) {
        let reason = String(cString: strerror(code))
        let remedy: String
        switch code {
        case ENOENT, ENODEV, ENXIO:
            remedy = "this system has no /dev/net/tun: load the tun module (modprobe tun) or give the container that device, or run with nodataplane"
        case EPERM, EACCES:
            remedy = "creating a network interface needs CAP_NET_ADMIN: run chapd as root or grant it that capability, or run with nodataplane"
        case EBUSY, EEXIST, EINVAL:
            remedy = "another interface (not one of ours) may have that name: choose another with ifname or unit, or run with nodataplane"
        default:
            remedy = "run with nodataplane to carry no IP"
        }
        description = "\(what): \(reason); \(remedy)"
    }
}

/// A link's kernel interface: a non-persistent TUN device (it disappears with its
/// descriptor, so even a killed chapd leaves nothing behind), configured as the
/// point-to-point end of what IPCP agreed.
struct TunInterface {
    let fd: CInt
    let name: String

    static func create(pattern: String) throws(DataPlaneError) -> TunInterface {
        var buffer = [CChar](repeating: 0, count: 32)
        let fd = chapd_tun_open(pattern, &buffer, buffer.count)
        guard fd >= 0 else { throw DataPlaneError("Couldn't create TUN interface \(pattern)", errno: errno) }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return TunInterface(fd: fd, name: name)
    }

    /// Start-up check, before the line is touched: can an interface be made at all?
    static func probe(pattern: String) throws(DataPlaneError) {
        let tun = try create(pattern: pattern)
        close(tun.fd)
    }

    func bringUp(mtu: Int) throws(DataPlaneError) {
        guard chapd_if_set_mtu(name, Int32(mtu)) == 0 else { throw DataPlaneError("Couldn't set MTU of \(name)", errno: errno) }
        guard chapd_if_up(name) == 0 else { throw DataPlaneError("Couldn't bring \(name) up", errno: errno) }
    }

    func configureIPv4(local: UInt32, remote: UInt32) throws(DataPlaneError) {
        guard chapd_if_set_ipv4(name, local, remote) == 0 else {
            throw DataPlaneError("Couldn't set addresses of \(name)", errno: errno)
        }
    }

    /// IPV6CP opened: IPv6 on, with only the link-local address IPV6CP agreed (no kernel-made
    /// one: addr_gen_mode none), fe80::IDENTIFIER/64.
    func configureIPv6(localIdentifier: UInt64) throws(DataPlaneError) {
        writeSysctl("net/ipv6/conf/\(name)/addr_gen_mode", "1")
        writeSysctl("net/ipv6/conf/\(name)/disable_ipv6", "0")
        var address = [UInt8](repeating: 0, count: 16)
        address[0] = 0xfe
        address[1] = 0x80
        for i in 0..<8 { address[8 + i] = UInt8(truncatingIfNeeded: localIdentifier >> (56 - 8 * UInt64(i))) }
        guard chapd_if_add_ipv6(name, address, 64) == 0 else {
            throw DataPlaneError("Couldn't set the link-local address of \(name)", errno: errno)
        }
    }

    private func writeSysctl(_ key: String, _ value: String) {
        let fd = open("/proc/sys/" + key, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = value.withCString { write(fd, $0, strlen($0)) }
        close(fd)
    }

    /// Without IPV6CP the kernel must not run IPv6 over the interface (link-local address,
    /// router solicitations): nothing would carry it. Best effort: a kernel without IPv6 has
    /// no such file.
    func disableIPv6() {
        writeSysctl("net/ipv6/conf/\(name)/disable_ipv6", "1")
    }

    /// pppd's defaultroute: only when the system has none. Returns whether one was added.
    func addDefaultRouteIfNone() -> Result<Bool, DataPlaneError> {
        switch chapd_has_default_route() {
        case 1: return .success(false)
        case 0:
            guard chapd_default_route(name, 1) == 0 else {
                return .failure(DataPlaneError("Couldn't add default route through \(name)", errno: errno))
            }
            return .success(true)
        default:
            return .failure(DataPlaneError("Couldn't read the routing table", errno: errno))
        }
    }

    func removeDefaultRoute() {
        _ = chapd_default_route(name, 0)
    }
}
