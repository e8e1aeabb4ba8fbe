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

    @Option(help: ArgumentHelp("Compute shard K of N (K from 0 to N-1) of the recipe's costly steps into the cache, "
                               + "writing no outputs; finish with --merge (README \"Sharded runs\").", valueName: "K/N"))
    var shard: String?

    @Flag(help: "Finish a sharded run from the shards' cached results: the outputs of a whole run, byte for byte.")
    var merge = false

    @Flag(name: .customLong("fill-missing"), help: "With --merge: compute a missing shard's (or a damaged entry's) share here instead of failing.")
    var fillMissing = false

    @OptionGroup var engine: EngineOptions

    func validate() throws {
        if let shard {
            do { _ = try ShardSpec.parse(shard) } catch { throw ValidationError("\(error)") }
            if merge { throw ValidationError("--shard and --merge are separate runs: shards first, then one --merge") }
        }
        if fillMissing && !merge { throw ValidationError("--fill-missing goes with --merge") }
        if (shard != nil || merge) && engine.noCache {
            throw ValidationError("\(merge ? "--merge" : "--shard") needs the cache (the shards' results meet there): drop --no-cache")
        }
    }

    func run() throws {
        Interrupts.install()
        let options = engine.runOptions(outputDirectory: outputDirectory, overrides: try parseOverrides(sets))
        let start = Date()
        let compiled = try Recipe.compile(path: recipe, overrides: options.overrides)
        for warning in compiled.warnings { options.notes(warning.rendered()) }
        let summary: RunSummary
        if let shard {
            summary = try Recipe.runShard(compiled, shard: try ShardSpec.parse(shard), options: options)
        } else if merge {
            summary = try Recipe.merge(compiled, fillMissing: fillMissing, options: options)
        } else {
            summary = try Recipe.run(compiled, options: options)
        }
        let seconds = Date().timeIntervalSince(start)
        options.notes(String(format: "done in %.2f s (%d steps computed, %d from cache)", seconds, summary.stepsRun, summary.cacheHits))
    }
}
