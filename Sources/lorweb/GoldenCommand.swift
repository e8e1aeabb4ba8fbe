// lorweb golden check|update: the golden-image suite (Golden/manifest.json).
import ArgumentParser
import Foundation
import RecipeEngine

enum GoldenAction: String, ExpressibleByArgument, CaseIterable {
    case check
    case update
}

struct GoldenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "golden",
        abstract: "Re-render the golden recipes and compare bytes (check), or rewrite them (update).",
        discussion: "check exits 4 when any output differs or is missing, or when the manifest lists none (66 when there is no manifest). update prints what changed.")

    @Argument(help: "check or update.")
    var action: GoldenAction

    @Option(help: "The golden folder (manifest.json, recipes/, images/).")
    var root = "Golden"

    @OptionGroup var engine: EngineOptions

    func run() throws {
        var options = engine.runOptions(outputDirectory: ".")
        options.cache = nil   // goldens are always rendered fresh
        options.previewDirectory = nil
        options.notes = { _ in }
        let suite = GoldenSuite(root: root)
        switch action {
        case .check:
            // A check that compares nothing must not pass: CI would stay green with no goldens at all.
            guard FileManager.default.fileExists(atPath: suite.manifestPath) else {
                throw RecipeFailure(Diagnostic("no golden manifest at \(suite.manifestPath) (`lorweb golden update --root \(root)` writes one)",
                                               at: nil, category: .missingInput))
            }
            let results = try suite.check(options: options)
            if results.isEmpty {
                FileHandle.standardError.write(Data("\(suite.manifestPath) lists no golden outputs for backend '\(options.execution.provenanceBackend)': nothing was checked\n".utf8))
                throw CommandExit(code: ExitCodes.goldenMismatch)
            }
            var failed = 0
            for result in results {
                switch result.status {
                case .identical:
                    print("ok        \(result.entry.output)")
                case .different(let actual):
                    failed += 1
                    print("DIFFERENT \(result.entry.output): expected \(result.entry.sha256.prefix(12)), got \(actual.prefix(12))")
                case .missing:
                    failed += 1
                    print("MISSING   \(result.entry.output): \(result.entry.recipe) did not write it")
                }
            }
            print("\(results.count - failed) of \(results.count) golden outputs identical")
            if failed > 0 { throw CommandExit(code: ExitCodes.goldenMismatch) }
        case .update:
            let changes = try suite.update(options: options)
            for line in changes { print(line) }
            let count = try suite.entries().count
            print(changes.isEmpty ? "no changes (\(count) outputs)" : "\(changes.count) change(s); manifest has \(count) outputs")
        }
    }
}
