import FuzzCommon

// SwiftPM links this executable with main = FuzzHDLCDecoder_main: hand over to libFuzzer's driver.
@_cdecl("FuzzHDLCDecoder_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    chapd_fuzz_main(argc, argv)
}
