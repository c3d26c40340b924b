// chapd-bench: `chapd-bench framing`, `chapd-bench secrets`, or no argument for all;
// `chapd-bench load handshakes|hold …` is the PPP load generator (see LoadCommand.swift).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Build with `swift build -c release --product chapd-bench`; debug figures are meaningless.
let benchmarks: [(name: String, run: () -> Void)] = [
    ("framing", framingBenchmark),
    ("secrets", secretsBenchmark),
]

if CommandLine.arguments.dropFirst().first == "load" {
    Load.main(Array(CommandLine.arguments.dropFirst(2)))
    exit(0)
}

let requested = Array(CommandLine.arguments.dropFirst())
let unknown = requested.filter { name in !benchmarks.contains { $0.name == name } }
if !unknown.isEmpty {
    print("unknown benchmark: \(unknown.joined(separator: " ")); available: \(benchmarks.map(\.name).joined(separator: " ")), load")
    exit(2)
}
for benchmark in benchmarks where requested.isEmpty || requested.contains(benchmark.name) {
    benchmark.run()
}
