import ArgumentParser

struct GoldenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "golden", abstract: "(coming)")
}
