// lorweb run FILE.recipe: check the whole recipe, then compute what its output lines need.
import ArgumentParser
import Foundation
import RecipeEngine

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a recipe: check it, then compute what its save/show/assert lines need.",
        discussion: "Relative input paths resolve against the recipe's folder; relative save paths against --out-dir. "
            + ExitCodes.documentation)

    @Argument(help: "The recipe file.", completion: .file(extensions: ["recipe"]))
    var recipe: String

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a `param` (or the seed): --set steps=28.", valueName: "name=value"))
    var sets: [String] = []

    @Option(name: .customLong("out-dir"), help: "Folder that relative save paths resolve against.")
    var outputDirectory = "."

    @OptionGroup var engine: EngineOptions

    func run() throws {
        Interrupts.install()
        let options = engine.runOptions(outputDirectory: outputDirectory, overrides: try parseOverrides(sets))
        let start = Date()
        let summary = try Recipe.run(path: recipe, options: options)
        let seconds = Date().timeIntervalSince(start)
        options.notes(String(format: "done in %.2f s (%d steps computed, %d from cache)", seconds, summary.stepsRun, summary.cacheHits))
    }
}
