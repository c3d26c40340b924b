// swift-tools-version:6.0
// chapd — a PPP CHAP authenticator daemon in the style of pppd.
// Layers, lowest first (no target depends on a layer above it):
//   wire:      PPPFraming (RFC 1662 async HDLC), PPPPackets (LCP/CHAP/IPCP codecs, pppd-style text)
//   words:     PPPWords (pppd's getword grammar, shared by secrets and options files)
//   secrets:   ChapSecrets (chap-secrets grammar, matching, store)
//   core:      PPPCore (RFC 1661 automaton, LCP/IPCP policy, CHAP machines, link phases) — sans-IO
//   iSCSI:     ISCSIChap (iSCSI text keys, CHAP initiator/target, login PDUs and machine, over PPPCore's
//              digest registry) — sans-IO
//   capture:   CPcap + PPPCapture (libpcap writing and reading), ISCSICapture (TCP reassembly of
//              iSCSI logins from pcap records, over PPPCapture and ISCSIChap)
//   config:    ChapdConfig (pppd option words -> configuration)
//   radius:    RADIUS (packet codec, authenticators, radiusclient.conf, client and
//              Disconnect machines) — sans-IO, beside the core over ChapSecrets' Secret
//   I/O edge:  ChapdRuntime (NIO over the line's fd, timers, signals, hooks; the TUN data
//              plane through CNetSupport's ioctls), RADIUSTransport (NIO UDP driving the
//              RADIUS machines)
//   programs:  chapd, chapctl, chapd-bench
import PackageDescription

let package = Package(
    name: "chapd",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "chapd", targets: ["chapd"]),
        .executable(name: "chapctl", targets: ["chapctl"]),
        .library(name: "PPPCore", targets: ["PPPCore"]),
        // Exported for the fuzz package (Tests/Fuzz), which depends on this one by path.
        .library(name: "PPPFraming", targets: ["PPPFraming"]),
        .library(name: "PPPPackets", targets: ["PPPPackets"]),
        .library(name: "PPPWords", targets: ["PPPWords"]),
        .library(name: "ChapSecrets", targets: ["ChapSecrets"]),
        .library(name: "ChapdConfig", targets: ["ChapdConfig"]),
        .library(name: "PPPCapture", targets: ["PPPCapture"]),
        .library(name: "RADIUS", targets: ["RADIUS"]),
        .library(name: "ChapdControl", targets: ["ChapdControl"]),
        .library(name: "ISCSIChap", targets: ["ISCSIChap"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        .target(name: "PPPFraming", dependencies: [.product(name: "NIOCore", package: "swift-nio")]),
        .target(name: "PPPPackets", dependencies: [.product(name: "NIOCore", package: "swift-nio")]),
        .target(name: "PPPWords"),
        .target(name: "ChapSecrets", dependencies: ["PPPWords"]),
        .target(name: "PPPCore", dependencies: [
            "PPPPackets", "PPPFraming", "ChapSecrets",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "ISCSIChap", dependencies: [
            "PPPCore", "ChapSecrets",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .systemLibrary(name: "CPcap", pkgConfig: "libpcap", providers: [.apt(["libpcap-dev"])]),
        .target(name: "PPPCapture", dependencies: ["CPcap", "PPPPackets", "PPPFraming"]),
        .target(name: "ISCSICapture", dependencies: ["PPPCapture", "ISCSIChap", "PPPCore", "ChapSecrets"]),
        .target(name: "ChapdConfig", dependencies: ["PPPWords"]),
        // The control socket's JSON protocol, shared by chapd serve and chapctl.
        .target(name: "ChapdControl"),
        .target(name: "RADIUS", dependencies: [
            "ChapSecrets",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "RADIUSTransport", dependencies: [
            "RADIUS", "ChapSecrets",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ]),
        .target(name: "CLineSupport"),
        .target(name: "CNetSupport"),
        .target(name: "ChapdRuntime", dependencies: [
            "CLineSupport", "CNetSupport", "PPPFraming", "PPPPackets", "PPPCore", "ChapSecrets", "PPPCapture", "ChapdConfig",
            "RADIUS", "RADIUSTransport", "ChapdControl",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
        .executableTarget(name: "chapd", dependencies: ["ChapdRuntime", "ChapdConfig"]),
        .executableTarget(name: "chapctl", dependencies: [
            "PPPFraming", "PPPPackets", "PPPCore", "ChapSecrets", "PPPCapture", "ISCSIChap", "ISCSICapture",
            "RADIUS", "RADIUSTransport", "ChapdControl",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .executableTarget(name: "chapd-bench", dependencies: [
            "PPPFraming", "ChapSecrets", "PPPCore",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Benchmarks/chapd-bench"),

        // Test support: locates ../shared/vectors for the test targets that read them.
        .target(name: "SharedVectors", path: "Tests/Support/SharedVectors"),
        // Test support: the one way the tests run a program to completion (chapctl, tshark, ip…).
        .target(name: "ProgramRunning", path: "Tests/Support/ProgramRunning"),
        .testTarget(name: "PPPFramingTests", dependencies: ["PPPFraming"]),
        .testTarget(name: "PPPWordsTests", dependencies: ["PPPWords"]),
        .testTarget(name: "PPPPacketsTests", dependencies: ["SharedVectors", "PPPPackets", "PPPFraming"]),
        .testTarget(name: "ChapSecretsTests", dependencies: ["SharedVectors", "ChapSecrets"]),
        .testTarget(name: "ISCSIChapTests", dependencies: ["ISCSIChap", "ISCSICapture", "PPPCapture", "PPPCore", "ChapSecrets"]),
        .testTarget(name: "PPPCoreTests", dependencies: ["PPPCore", "PPPPackets", "ChapSecrets"]),
        .testTarget(name: "PPPCaptureTests", dependencies: ["SharedVectors", "ProgramRunning", "PPPCapture", "PPPPackets", "PPPFraming"]),
        .testTarget(name: "ChapdConfigTests", dependencies: ["SharedVectors", "ChapdConfig"]),
        .testTarget(name: "ChapdControlTests", dependencies: ["ChapdControl"]),
        .testTarget(name: "ChapdRuntimeTests", dependencies: [
            "ChapdRuntime", "PPPCore", "PPPFraming", "PPPPackets",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "RADIUSTests", dependencies: ["RADIUS", "ChapSecrets", .product(name: "Crypto", package: "swift-crypto")]),
        // Test support: a real FreeRADIUS started from a test, for the RADIUS client's tests and chapd's.
        .target(name: "FreeRADIUSSupport", dependencies: [
            "ProgramRunning",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ], path: "Tests/Support/FreeRADIUS"),
        .testTarget(name: "RADIUSIntegrationTests", dependencies: [
            "RADIUS", "RADIUSTransport", "ChapSecrets", "FreeRADIUSSupport",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "IntegrationTests", dependencies: ["PPPPackets", "PPPFraming", "PPPCore", "ChapSecrets", "CLineSupport", "ChapdControl",
                                                             "FreeRADIUSSupport", "ProgramRunning"]),
    ],
    swiftLanguageModes: [.v6]
)
