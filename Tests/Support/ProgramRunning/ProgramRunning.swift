import Foundation

/// What a finished program left: its exit status and what it wrote.
public struct ProgramRun: Sendable {
    public var status: Int32
    public var stdout: String
    /// Empty when the run merged its output into `stdout`.
    public var stderr: String
}

/// Runs `path` with `arguments` to completion, with `input` (or nothing) on standard input.
/// Output goes to temporary files, not pipes, so a chatty program never blocks on a full pipe
/// whichever stream it fills first; `mergingOutput` sends both streams to one file, in the
/// order they were written. A program still running after `timeout` seconds is terminated.
/// The one program runner of the test targets (the tests run chapctl, tshark, ip, radclient…).
public func runProgram(_ path: String, _ arguments: [String], input: String? = nil, mergingOutput: Bool = false,
                       timeout: Double = 120) throws -> ProgramRun {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chapd-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    func file(_ name: String) throws -> (URL, FileHandle) {
        let url = directory.appendingPathComponent(name)
        FileManager.default.createFile(atPath: url.path, contents: nil)
        return (url, try FileHandle(forWritingTo: url))
    }
    let (outURL, outHandle) = try file("stdout")
    defer { try? outHandle.close() }
    let (errURL, errHandle) = try file("stderr")
    defer { try? errHandle.close() }

    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = arguments
    p.standardOutput = outHandle
    p.standardError = mergingOutput ? outHandle : errHandle
    var inPipe: Pipe?
    if input != nil { inPipe = Pipe(); p.standardInput = inPipe } else { p.standardInput = FileHandle.nullDevice }
    try p.run()
    if let input, let inPipe {
        inPipe.fileHandleForWriting.write(Data(input.utf8))
        try inPipe.fileHandleForWriting.close()
    }
    let deadline = Date().addingTimeInterval(timeout)
    while p.isRunning && Date() < deadline { usleep(10_000) }
    if p.isRunning { p.terminate() }
    p.waitUntilExit()
    let read = { (url: URL) in (try? String(contentsOf: url, encoding: .utf8)) ?? "" }
    return ProgramRun(status: p.terminationStatus, stdout: read(outURL), stderr: mergingOutput ? "" : read(errURL))
}
