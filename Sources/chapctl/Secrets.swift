import ArgumentParser

struct Secrets: ParsableCommand {
    func run() throws { throw ValidationError("not built yet") }
}
