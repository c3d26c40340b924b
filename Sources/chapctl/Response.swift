import ArgumentParser

struct Response: ParsableCommand {
    func run() throws { throw ValidationError("not built yet") }
}
