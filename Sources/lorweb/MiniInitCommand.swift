import ArgumentParser
import Pipeline

/// Writes the untrained `mini` model folder: the deterministic initialisation the package ships.
struct MiniInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mini-init",
        abstract: "Write the deterministic (untrained) initialisation of the mini model family to a folder.",
        discussion: "The shipped model (Sources/Pipeline/Resources/mini) is `lorweb mini-init --seed 0 --out` that folder.")

    @Option(help: "Seed of the initialisation.")
    var seed: UInt64 = 0

    @Option(help: "The model folder to write (created if needed; existing weight files are replaced).")
    var out: String

    func run() throws {
        try MiniFamily.writeInitialWeights(to: out, seed: seed)
        print("wrote the mini model (seed \(seed)) to \(out)")
    }
}
