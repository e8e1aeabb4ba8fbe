import ArgumentParser

@main
struct Lorweb: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lorweb",
        abstract: "Visual-analogy image editing with a weight basis of LoRAs (LoRWeB), reproducible to the bit.")

    func run() throws {
        print(Lorweb.helpMessage())
    }
}
