import ArgumentParser
import Pipeline

/// Writes the untrained `mini` model folder: the deterministic initialisation training starts from.
struct MiniInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mini-init",
        abstract: "Write the deterministic (untrained) initialisation of the mini model family to a folder.",
        discussion: "Seed 0 is what the shipped weights were trained from (Tools/training) and what `load model \"mini-init\"` loads.")

    @Option(help: "Seed of the initialisation.")
    var seed: UInt64 = 0

    @Option(help: "The model folder to write (created if needed; existing weight files are replaced).")
    var out: String

    func run() throws {
        try MiniFamily.writeInitialWeights(to: out, seed: seed)
        print("wrote the mini model (seed \(seed)) to \(out)")
    }
}
