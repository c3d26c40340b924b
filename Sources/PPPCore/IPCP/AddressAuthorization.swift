import ChapSecrets

/// pppd's auth_ip_addr / ip_addr_check over a chap-secrets line's address words.
public enum AddressAuthorization {
    /// Loopback, multicast and class E addresses are never allowed (pppd bad_ip_adrs).
    public static func isBad(_ a: UInt32) -> Bool {
        a >> 24 == 127 || a >> 28 == 0xe || a >> 28 == 0xf
    }

    /// nil rules: no restriction. Empty rules: the line had no address words (any).
    /// Otherwise the first rule that matches decides (`!` denies); no match denies.
    public static func isAllowed(_ a: UInt32, rules: [AddressRule]?) -> Bool {
        if isBad(a) { return false }
        guard let rules, !rules.isEmpty else { return true }
        for rule in rules {
            switch rule {
            case .any:
                return true
            case .none:
                continue
            case .network(let base, let prefix, let negated):
                let p = max(0, min(32, prefix))
                let mask: UInt32 = p == 0 ? 0 : ~UInt32(0) << UInt32(32 - p)
                if a & mask == base & mask { return !negated }
            }
        }
        return false
    }

    /// The one host address a line allows, which pppd then suggests to the peer.
    public static func singleHost(_ rules: [AddressRule]?) -> UInt32? {
        guard let rules, rules.count == 1, case .network(let a, 32, false) = rules[0] else { return nil }
        return a
    }
}
