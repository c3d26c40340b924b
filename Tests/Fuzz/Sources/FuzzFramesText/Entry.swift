import FuzzCommon

// SwiftPM links this executable with main = FuzzFramesText_main: hand over to libFuzzer's driver.
@_cdecl("FuzzFramesText_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    chapd_fuzz_main(argc, argv)
}
