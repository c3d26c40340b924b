import ArgumentParser

struct Inspect: ParsableCommand {
    func run() throws { throw ValidationError("not built yet") }
}
