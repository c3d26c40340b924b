import FuzzCommon

// SwiftPM links this executable with main = FuzzNegotiation_main: hand over to libFuzzer's driver.
@_cdecl("FuzzNegotiation_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    chapd_fuzz_main(argc, argv)
}
