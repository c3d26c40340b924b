import ChapdConfig
import Testing
@testable import ChapdRuntime

@Suite("remote-pool address book")
struct AddressBookTests {
    static let pool = ServerOptions.Pool(network: 0x0a40_0000, prefixLength: 30)  // 10.64.0.0/30

    @Test func leasesSkipNetworkBroadcastAndLocal() {
        let book = AddressBook(pools: [Self.pool], exclude: 0x0a40_0001)
        #expect(book.free == 1)
        #expect(book.lease() == 0x0a40_0002)
        #expect(book.lease() == nil)
        #expect(book.free == 0)
    }

    @Test func releasedAddressReturnsAfterTheOthers() {
        let book = AddressBook(pools: [ServerOptions.Pool(network: 0x0a40_0000, prefixLength: 29)])
        let a = book.lease(), b = book.lease()
        #expect(a == 0x0a40_0001)
        #expect(b == 0x0a40_0002)
        book.release(a!)
        // Next-fit: the address just given back is not the next one handed out.
        #expect(book.lease() == 0x0a40_0003)
        #expect(book.free == 4)  // six usable in a /29, two held
    }

    @Test func namedAddressesAreHeldOnceAndKeptOutOfThePool() {
        let book = AddressBook(pools: [Self.pool])
        #expect(book.claim(0x0a40_0001))
        #expect(!book.claim(0x0a40_0001))
        #expect(book.lease() == 0x0a40_0002)
        #expect(book.lease() == nil)
        // Outside the pool: held, the pool untouched.
        #expect(book.claim(0xc0a8_0101))
        #expect(!book.claim(0xc0a8_0101))
        book.release(0x0a40_0001)
        #expect(book.free == 1)
        #expect(book.lease() == 0x0a40_0001)
    }

    @Test func ourOwnAddressIsNeverAPeers() {
        let book = AddressBook(pools: [], exclude: 0x0a00_0001)
        #expect(!book.claim(0x0a00_0001))
        #expect(!book.hasPool)
    }
}
