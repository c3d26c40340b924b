// swift-tools-version:6.0
// libFuzzer targets for chapd's parsers and state machines (issue 12). Build and run through
// scripts/fuzz.sh; by hand:
//   swift build -c release --package-path Tests/Fuzz \
//       -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
// Each target defines LLVMFuzzerTestOneInput. SwiftPM on Linux links every executable with
// `main` aliased to `<Target>_main`; each target defines that symbol and hands over to
// libFuzzer's driver (CFuzzMain), so libFuzzer's own main is never needed.
import PackageDescription

let chapd = "chapd"
func fuzzTarget(_ name: String, _ products: [String]) -> Target {
    .executableTarget(name: name, dependencies: ["FuzzCommon"] + products.map { .product(name: $0, package: chapd) })
}

let package = Package(
    name: "chapd-fuzz",
    dependencies: [.package(name: "chapd", path: "../..")],
    targets: [
        .target(name: "CFuzzMain"),
        .target(name: "FuzzCommon", dependencies: [
            "CFuzzMain", .product(name: "PPPPackets", package: chapd),
        ]),
        fuzzTarget("FuzzHDLCDecoder", ["PPPFraming"]),
        fuzzTarget("FuzzPackets", ["PPPPackets"]),
        fuzzTarget("FuzzNegotiation", ["PPPCore", "PPPPackets", "ChapSecrets"]),
        fuzzTarget("FuzzCHAP", ["PPPCore", "PPPPackets", "ChapSecrets"]),
        fuzzTarget("FuzzLinkSession", ["PPPCore", "PPPPackets", "ChapSecrets"]),
        fuzzTarget("FuzzChapSecrets", ["ChapSecrets"]),
        fuzzTarget("FuzzOptions", ["ChapdConfig", "PPPWords"]),
        fuzzTarget("FuzzCapture", ["PPPCapture", "PPPPackets"]),
        fuzzTarget("FuzzFramesText", ["PPPPackets", "PPPFraming"]),
        fuzzTarget("FuzzRADIUS", ["RADIUS", "ChapSecrets"]),
        fuzzTarget("FuzzControl", ["ChapdControl"]),
        fuzzTarget("FuzzISCSI", ["ISCSIChap", "ChapSecrets", "PPPCore"]),
    ],
    swiftLanguageModes: [.v5]
)
