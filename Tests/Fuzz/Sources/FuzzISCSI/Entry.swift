import FuzzCommon

// SwiftPM links this executable with main = FuzzISCSI_main: hand over to libFuzzer's driver.
@_cdecl("FuzzISCSI_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    chapd_fuzz_main(argc, argv)
}
