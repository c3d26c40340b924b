import ArgumentParser

struct Decode: ParsableCommand {
    func run() throws { throw ValidationError("not built yet") }
}
