/// An IPv4 address (host order) as pppd's `%I` prints it: the one formatter every layer
/// uses, for debug lines, log lines and hook script arguments alike.
public func dottedQuad(_ a: UInt32) -> String {
    "\(a >> 24).\((a >> 16) & 0xff).\((a >> 8) & 0xff).\(a & 0xff)"
}
