// `lorweb analogies`: writes procedural analogies (a, a', b, b') as PNGs plus a manifest.json.

import ArgumentParser
import Analogies
import Foundation

extension AnalogySplit: ExpressibleByArgument {}

struct AnalogiesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analogies",
        abstract: "Generate procedural visual analogies a : a' :: b : b' (PNG files plus manifest.json).",
        discussion: """
        Each sample applies one transformation (same parameters) to a and to b. Families are fixed in two
        splits: 'seen' (\(AnalogyFamily.families(in: .seen).map(\.name).joined(separator: ", "))) and 'unseen' \
        (\(AnalogyFamily.families(in: .unseen).map(\.name).joined(separator: ", "))). Output is byte-identical for \
        the same seed, split, size and indices.
        """)

    @Option(help: "Number of samples.")
    var count: Int = 16

    @Option(help: "Random seed (a 64-bit unsigned integer).")
    var seed: UInt64 = 0

    @Option(help: "Which families: seen or unseen.")
    var split: AnalogySplit = .seen

    @Option(help: "Image side in pixels (\(AnalogyGenerator.sizeRange.lowerBound)-\(AnalogyGenerator.sizeRange.upperBound)).")
    var size: Int = 64

    @Option(help: "Index of the first sample (to extend or shard a data set).")
    var first: Int = 0

    @Option(help: "Output folder (created if missing).")
    var out: String

    func validate() throws {
        guard (0...10_000_000).contains(count) else { throw ValidationError("--count must be in 0...10000000, got \(count)") }
        guard (0...1_000_000_000_000).contains(first) else {
            throw ValidationError("--first must be in 0...1000000000000, got \(first)")
        }
        guard AnalogyGenerator.sizeRange.contains(size) else {
            throw ValidationError("--size must be in \(AnalogyGenerator.sizeRange.lowerBound)...\(AnalogyGenerator.sizeRange.upperBound), got \(size)")
        }
    }

    func run() throws {
        let generator = AnalogyGenerator(size: size)
        do {
            try AnalogyExport.write(generator: generator, seed: seed, split: split,
                                    indices: first..<(first + count), to: out)
        } catch {
            // A user-facing error (which file, what went wrong), not a usage message or a stack trace.
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
        print("wrote \(count) analogies (\(4 * count) PNGs, \(size)x\(size)) and manifest.json to \(out)")
    }
}
