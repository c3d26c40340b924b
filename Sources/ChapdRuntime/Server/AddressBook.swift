import ChapdConfig
import NIOConcurrencyHelpers

/// The remote addresses of every live link, and the `remote-pool`s handed out from. No two
/// live links ever hold the same address: a pool lease skips addresses held otherwise, and a
/// named address (chap-secrets, RADIUS, `:REMOTE`) is claimed and refused when held.
/// Shared by all event loops, so behind a lock; every operation is O(1) amortised.
final class AddressBook: @unchecked Sendable {
    private struct Range {
        let first: UInt32
        let count: Int
        var inUse: [Bool]
        var cursor = 0
    }

    private let lock = NIOLock()
    private var ranges: [Range]
    private var held: Set<UInt32> = []
    private(set) var poolSize: Int
    private var poolInUse = 0
    /// Our own address: never a peer's.
    private let local: UInt32?

    /// The pools, without their network and broadcast addresses (and without `exclude`, the
    /// local address, when it falls inside one).
    init(pools: [ServerOptions.Pool], exclude: UInt32? = nil) {
        var ranges: [Range] = []
        for p in pools {
            let size = 1 << (32 - p.prefixLength)
            var r = Range(first: p.network + 1, count: size - 2, inUse: Array(repeating: false, count: size - 2))
            if let exclude, exclude >= r.first, exclude < r.first + UInt32(r.count) {
                r.inUse[Int(exclude - r.first)] = true
            }
            ranges.append(r)
        }
        self.ranges = ranges
        self.local = exclude
        self.poolSize = ranges.reduce(0) { $0 + $1.inUse.filter { !$0 }.count }
    }

    var hasPool: Bool { !ranges.isEmpty }
    var free: Int { lock.withLock { poolSize - poolInUse } }

    /// A free pool address, now held; nil when the pools are exhausted. Next-fit from where the
    /// last lease ended, so a just-released address is not handed straight to the next caller.
    func lease() -> UInt32? {
        lock.withLock {
            for ri in ranges.indices {
                var r = ranges[ri]
                guard r.count > 0 else { continue }
                for step in 0..<r.count {
                    let i = (r.cursor + step) % r.count
                    let a = r.first + UInt32(i)
                    guard !r.inUse[i], !held.contains(a) else { continue }
                    r.inUse[i] = true
                    r.cursor = (i + 1) % r.count
                    ranges[ri] = r
                    held.insert(a)
                    poolInUse += 1
                    return a
                }
                ranges[ri] = r
            }
            return nil
        }
    }

    /// Hold an address the link was given by name; false if another live link holds it.
    func claim(_ a: UInt32) -> Bool {
        lock.withLock {
            guard !held.contains(a), a != local else { return false }
            held.insert(a)
            if let (ri, i) = position(a), !ranges[ri].inUse[i] {
                ranges[ri].inUse[i] = true
                poolInUse += 1
            }
            return true
        }
    }

    func release(_ a: UInt32) {
        lock.withLock {
            guard held.remove(a) != nil else { return }
            if let (ri, i) = position(a), ranges[ri].inUse[i] {
                ranges[ri].inUse[i] = false
                poolInUse -= 1
            }
        }
    }

    func isHeld(_ a: UInt32) -> Bool { lock.withLock { held.contains(a) } }

    private func position(_ a: UInt32) -> (Int, Int)? {
        for (ri, r) in ranges.enumerated() where a >= r.first && Int(a - r.first) < r.count {
            return (ri, Int(a - r.first))
        }
        return nil
    }
}
