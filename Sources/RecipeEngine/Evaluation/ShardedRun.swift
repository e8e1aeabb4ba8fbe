// The front door of sharded runs (Sharding.swift): a shard computes its share and records that it finished;
// the merge checks that every shard finished, then runs the output lines from the cache.
import Foundation

extension Recipe {
    /// Computes one shard's share of `recipe` into the cache and records the shard as finished.
    @discardableResult
    public static func runShard(_ recipe: CompiledRecipe, shard: ShardSpec, options: RunOptions,
                                library: StepLibrary = .standard) throws -> RunSummary {
        let cache = try requireCache(options, "--shard")
        var options = options
        options.mode = .shard(shard)
        let evaluator = Evaluator(program: recipe.program, options: options, library: library, recipeName: recipe.name)
        try evaluator.runOutputs()
        let ledger = ShardLedger(cacheDirectory: cache.directory, program: recipe.program)
        try ledger.write(ShardRecord(run: ledger.run, shard: shard.index, shards: shard.count, recipe: recipe.name,
                                     elements: evaluator.ownedElements, deferred: evaluator.deferredBindings.sorted(),
                                     computed: evaluator.costlyRun,
                                     cached: evaluator.cacheHits))
        options.notes("shard \(shard): its \(evaluator.ownedElements.count) costly elements are in the cache "
                      + "(\(evaluator.costlyRun) computed now); recorded in \(ledger.path(of: shard))")
        if !evaluator.deferredBindings.isEmpty {
            options.notes("note: " + evaluator.deferredBindings.sorted().map { "'\($0)'" }.joined(separator: ", ")
                          + " need other shards' results: the merge computes those elements")
        }
        return RunSummary(stepsRun: evaluator.stepsRun, cacheHits: evaluator.cacheHits, costlyRun: evaluator.costlyRun)
    }

    /// Finishes a sharded run: every output line, with every costly element read from the cache. A shard
    /// without a record, or an element missing or damaged in the cache, is an error naming the shard, unless
    /// `fillMissing` (then it is computed here).
    @discardableResult
    public static func merge(_ recipe: CompiledRecipe, fillMissing: Bool, options: RunOptions,
                             library: StepLibrary = .standard) throws -> RunSummary {
        let cache = try requireCache(options, "--merge")
        let ledger = ShardLedger(cacheDirectory: cache.directory, program: recipe.program)
        let survey = ledger.survey()
        let shards = try shardCount(survey, ledger: ledger, recipe: recipe, cache: cache.directory,
                                    fillMissing: fillMissing, notes: options.notes)
        var options = options
        options.mode = .merge(shards: shards, fillMissing: fillMissing, deferred: shards.flatMap { survey.deferred[$0] } ?? [])
        return try run(recipe, options: options, library: library)
    }

    /// The shard count the merge names shards by: the smallest complete set of records. Missing shards are an
    /// error (or, with `fillMissing`, a note).
    static func shardCount(_ survey: ShardLedger.Survey, ledger: ShardLedger, recipe: CompiledRecipe, cache: String,
                           fillMissing: Bool, notes: (String) -> Void) throws -> Int? {
        let counts = survey.finished.keys.sorted()
        let complete = counts.first { survey.missing(of: $0).isEmpty }
        if let complete {
            notes("merging \(complete) shards from \(ledger.directory)")
            return complete
        }
        // A damaged record is of a set that is not complete (its shard is not counted as finished).
        var problems = survey.damaged.map { "the shard record \($0) is damaged (rerun its shard)" }
        if counts.isEmpty {
            problems.append("no shard of \(recipe.name) has finished in the cache folder \(cache) (with these --set values): "
                            + "run `lorweb run \(recipe.name) --shard K/N` for K = 0 to N-1 first")
        } else {
            for count in counts {
                let missing = survey.missing(of: count)
                problems.append("\(missing.count) of \(count) shards have not finished: "
                                + missing.map { "\($0)/\(count)" }.joined(separator: ", ")
                                + " (rerun `lorweb run \(recipe.name) --shard \(missing[0])/\(count)`; a rerun recomputes only what is missing)")
            }
        }
        guard fillMissing else {
            throw RecipeFailure(Diagnostic("cannot merge: " + problems.joined(separator: "; ")
                                           + "; or merge with --fill-missing to compute the missing share here",
                                           at: nil, category: .missingInput))
        }
        for problem in problems { notes("note: \(problem); --fill-missing computes it here") }
        // The fullest set names the shards in the notes about elements computed here.
        return counts.max { survey.finished[$0]!.count < survey.finished[$1]!.count }
    }

    private static func requireCache(_ options: RunOptions, _ flag: String) throws -> StepCache {
        guard let cache = options.cache else {
            throw RecipeFailure(Diagnostic("\(flag) needs the cache (the shards' results meet there): drop --no-cache",
                                           at: nil, category: .runtime))
        }
        return cache
    }
}
