// Sharded runs in process: N shards (run in a scrambled order) + the merge write the bytes of one whole run,
// for a figure recipe and the held-out table, N = 1, 2, 4 and 7 (uneven shares); shards split the costly
// elements exactly; a missing shard or a damaged entry is named, and a rerun repairs only that.
import Formats
import Foundation
import RecipeEngine
import XCTest

final class ShardingTests: XCTestCase {
    /// Cheap and model-free: `noise` is the costly (cacheable) step, broadcast over six seeds.
    static let noiseRecipe = """
        seed 42
        n = noise [3, 16, 16] seed: [1, 2, 3, 4, 5, 6]
        speckle = to image n
        fig = grid speckle cell: 24 title: "shards"
        save fig "out/fig.png"
        save speckle "out/speckle-{i}.png"
        """

    static let sweep = TestPaths.repository + "/Recipes/sweep.recipe"
    static let heldout = TestPaths.repository + "/Recipes/paper/heldout.recipe"
    /// 7 analogies per split (4 + 3 for two shards, 2 + 2 + 2 + 1 for four), 1 sampling step: every method's
    /// code path at test cost.
    static let heldoutSets: [(name: String, value: String)] = [("indices", "0..6"), ("steps", "1"), ("figure-rows", "0..1")]

    func testFigureRecipeShardedAndMergedGivesTheBytesOfOneRun() throws {
        try checkShardedRuns(path: Self.sweep, overrides: [("steps", "2")], bindings: 1, each: 12, counts: [1, 2, 4, 7])
    }

    func testHeldoutTableShardedAndMergedGivesTheBytesOfOneRun() throws {
        // 10 sample bindings (5 methods x 2 splits) of 7 elements each.
        try checkShardedRuns(path: Self.heldout, overrides: Self.heldoutSets, bindings: 10, each: 7, counts: [1, 2, 4, 7])
    }

    /// Streams and keys depend on the binding name and broadcast index only: shards run in two different
    /// orders fill two caches with the same entries, byte for byte.
    func testShardOrderDoesNotChangeTheCache() throws {
        let recipe = try Recipe.compile(text: Self.noiseRecipe, name: "noise.recipe", directory: ".")
        var caches: [[String: [UInt8]]] = []
        for order in [[0, 1, 2], [2, 0, 1]] {
            let cache = try TestPaths.scratch("order-cache"), out = try TestPaths.scratch("order-out")
            defer { for dir in [cache, out] { try? FileManager.default.removeItem(atPath: dir) } }
            for k in order {
                try Recipe.runShard(recipe, shard: ShardSpec(index: k, count: 3), options: .testing(out: out, cache: StepCache(directory: cache)))
            }
            caches.append(try files(in: cache).filter { $0.key.hasSuffix(".entry") })
            XCTAssertTrue(try files(in: out).isEmpty, "a shard writes no outputs")
        }
        XCTAssertEqual(caches[0].count, 6)
        XCTAssertEqual(caches[0], caches[1])
    }

    func testMergeNamesAMissingShardAndFillMissingFinishesIt() throws {
        let recipe = try Recipe.compile(text: Self.noiseRecipe, name: "noise.recipe", directory: ".")
        let whole = try wholeRun(recipe)
        let cache = try TestPaths.scratch("missing-cache"), out = try TestPaths.scratch("missing-out")
        defer { for dir in [cache, out] { try? FileManager.default.removeItem(atPath: dir) } }
        for k in [0, 1, 3] {
            try Recipe.runShard(recipe, shard: ShardSpec(index: k, count: 4), options: .testing(out: out, cache: StepCache(directory: cache)))
        }
        XCTAssertThrowsError(try Recipe.merge(recipe, fillMissing: false, options: .testing(out: out, cache: StepCache(directory: cache)))) { error in
            let failure = error as? RecipeFailure
            XCTAssertEqual(failure?.category, .missingInput)
            let text = failure?.description ?? "\(error)"
            XCTAssertTrue(text.contains("1 of 4 shards have not finished: 2/4"), text)
            XCTAssertTrue(text.contains("--shard 2/4") && text.contains("--fill-missing"), text)
        }
        XCTAssertTrue(try files(in: out).isEmpty, "a refused merge writes nothing")
        let filled = try Recipe.merge(recipe, fillMissing: true, options: .testing(out: out, cache: StepCache(directory: cache)))
        XCTAssertEqual(filled.costlyRun, 1, "shard 2/4 owns seeds[2] only")
        XCTAssertEqual(try files(in: out), whole)
    }

    /// A damaged entry after the shards finished: the merge names the element and its shard; rerunning that
    /// shard recomputes that element only, and the merge then gives the same bytes.
    func testMergeNamesADamagedElementAndItsShardRerunRepairsIt() throws {
        let recipe = try Recipe.compile(text: Self.noiseRecipe, name: "noise.recipe", directory: ".")
        let whole = try wholeRun(recipe)
        let cacheDir = try TestPaths.scratch("damaged-cache"), out = try TestPaths.scratch("damaged-out")
        defer { for dir in [cacheDir, out] { try? FileManager.default.removeItem(atPath: dir) } }
        let cache = StepCache(directory: cacheDir)
        for k in 0..<4 { try Recipe.runShard(recipe, shard: ShardSpec(index: k, count: 4), options: .testing(out: out, cache: cache)) }
        // The entry of element 5 (seed 6): shard 5 mod 4 = 1 owns it.
        let entries = try files(in: cacheDir).keys.filter { $0.hasSuffix(".entry") }.sorted()
        XCTAssertEqual(entries.count, 6)
        var damagedPath: String?
        for entry in entries {
            let path = cacheDir + "/" + entry
            var bytes = [UInt8](FileManager.default.contents(atPath: path)!)
            let original = bytes
            bytes[bytes.count - 1] ^= 0x40
            try AtomicWrite.write(bytes, to: path)
            do {
                try Recipe.merge(recipe, fillMissing: false, options: .testing(out: out, cache: cache))
                XCTFail("a merge over a damaged entry must fail")
            } catch let failure as RecipeFailure {
                guard failure.description.contains("'n[5]'") else { try AtomicWrite.write(original, to: path); continue }
                XCTAssertTrue(failure.description.contains("is damaged in the cache (checksum mismatch)"), failure.description)
                XCTAssertTrue(failure.description.contains("shard 1/4's") && failure.description.contains("--shard 1/4"), failure.description)
                damagedPath = path
                break
            }
        }
        XCTAssertNotNil(damagedPath, "one of the entries is n[5]'s")
        let rerun = try Recipe.runShard(recipe, shard: ShardSpec(index: 1, count: 4), options: .testing(out: out, cache: cache))
        XCTAssertEqual(rerun.costlyRun, 1, "the rerun recomputes the damaged element only")
        XCTAssertEqual(rerun.cacheHits, 5)
        try Recipe.merge(recipe, fillMissing: false, options: .testing(out: out, cache: cache))
        XCTAssertEqual(try files(in: out), whole)
    }

    /// A costly step fed by another along a different index (sample i takes noise 3 - i): the shards cannot compute
    /// it, record the binding as deferred, and the merge computes those elements without --fill-missing.
    func testChainAcrossIndicesIsLeftToTheMerge() throws {
        let recipeText = """
            seed 5
            model = load model "mini"
            basis = load basis "mini" model
            quad = analogy 0
            a = pick quad 0
            a' = pick quad 1
            b = pick quad 2
            q = encode pair model a a' b
            mix = blend basis q
            n = noise [3, 64, 64] seed: [1, 2, 3, 4]
            reversed = pick n [3, 2, 1, 0]
            s = sample model q mix steps: 2 noise: reversed
            save s "out/s-{i}.png"
            """
        let recipe = try Recipe.compile(text: recipeText, name: "chain.recipe", directory: ".")
        let whole = try wholeRun(recipe)
        XCTAssertEqual(whole.count, 4)
        let cacheDir = try TestPaths.scratch("chain-cache"), out = try TestPaths.scratch("chain-out")
        defer { for dir in [cacheDir, out] { try? FileManager.default.removeItem(atPath: dir) } }
        let cache = StepCache(directory: cacheDir)
        // Shard 1 runs second and finds shard 0's noise in the cache, so it can sample its own elements; shard 0 cannot.
        var computed = 0
        for k in 0..<2 {
            computed += try Recipe.runShard(recipe, shard: ShardSpec(index: k, count: 2), options: .testing(out: out, cache: cache)).costlyRun
        }
        let ledger = ShardLedger(cacheDirectory: cacheDir, program: recipe.program)
        let record = try JSONDecoder().decode(ShardRecord.self, from: XCTUnwrap(FileManager.default.contents(atPath: ledger.path(of: ShardSpec(index: 0, count: 2)))))
        XCTAssertEqual(record.deferred, ["s"])
        XCTAssertEqual(record.elements, ["n[0]", "n[2]"])
        let merged = try Recipe.merge(recipe, fillMissing: false, options: .testing(out: out, cache: cache))
        XCTAssertEqual(merged.costlyRun, 2, "the merge samples shard 0's two deferred elements, and only those")
        XCTAssertEqual(computed + merged.costlyRun, 8, "4 noise tensors and 4 samples, each computed once")
        XCTAssertEqual(try files(in: out), whole)
    }

    func testShardSpecsAndMergeWithoutShards() throws {
        XCTAssertEqual(try ShardSpec.parse("3/7").description, "3/7")
        for bad in ["7/7", "-1/4", "1/0", "2", "a/b", "1/2/3", ""] {
            XCTAssertThrowsError(try ShardSpec.parse(bad), bad)
        }
        let recipe = try Recipe.compile(text: Self.noiseRecipe, name: "noise.recipe", directory: ".")
        let cache = try TestPaths.scratch("none-cache"), out = try TestPaths.scratch("none-out")
        defer { for dir in [cache, out] { try? FileManager.default.removeItem(atPath: dir) } }
        XCTAssertThrowsError(try Recipe.merge(recipe, fillMissing: false, options: .testing(out: out, cache: StepCache(directory: cache)))) { error in
            XCTAssertTrue("\(error)".contains("no shard of noise.recipe has finished"), "\(error)")
        }
        XCTAssertThrowsError(try Recipe.runShard(recipe, shard: ShardSpec(index: 0, count: 2), options: .testing(out: out))) { error in
            XCTAssertTrue("\(error)".contains("needs the cache"), "\(error)")
        }
    }

    // MARK: helpers

    /// Shards of every count in `counts`, each run in reverse order into a fresh cache, then the merge: every
    /// output file equals the whole run's, and the shards' records split the costly elements (`bindings` costly
    /// bindings of `each` elements) exactly: element i to shard i mod N.
    private func checkShardedRuns(path: String, overrides: [(name: String, value: String)], bindings: Int, each: Int,
                                  counts: [Int]) throws {
        let elements = bindings * each
        let recipe = try Recipe.compile(path: path, overrides: overrides)
        let whole = try wholeRun(recipe)
        XCTAssertFalse(whole.isEmpty)
        for count in counts {
            let cacheDir = try TestPaths.scratch("shard-cache"), out = try TestPaths.scratch("shard-out")
            defer { for dir in [cacheDir, out] { try? FileManager.default.removeItem(atPath: dir) } }
            let cache = StepCache(directory: cacheDir)
            var computed = 0
            for k in (0..<count).reversed() {
                computed += try Recipe.runShard(recipe, shard: ShardSpec(index: k, count: count), options: .testing(out: out, cache: cache)).costlyRun
            }
            XCTAssertEqual(computed, elements, "\(count) shards compute every costly element once")
            let ledger = ShardLedger(cacheDirectory: cacheDir, program: recipe.program)
            var owned: [String] = []
            for k in 0..<count {
                let data = try XCTUnwrap(FileManager.default.contents(atPath: ledger.path(of: ShardSpec(index: k, count: count))))
                let record = try JSONDecoder().decode(ShardRecord.self, from: data)
                XCTAssertEqual(record.elements.count, bindings * (0..<each).filter { $0 % count == k }.count, "shard \(k)/\(count)'s share")
                owned += record.elements
            }
            XCTAssertEqual(Set(owned).count, elements, "\(count) shards: every element owned once")
            let merged = try Recipe.merge(recipe, fillMissing: false, options: .testing(out: out, cache: cache))
            XCTAssertEqual(merged.costlyRun, 0, "the merge computes no costly element")
            let outputs = try files(in: out)
            XCTAssertEqual(outputs.keys.sorted(), whole.keys.sorted())
            for (name, bytes) in whole { XCTAssertSameBytes(outputs[name] ?? [], bytes, "\(name), \(count) shards") }
        }
    }

    /// The outputs of one whole run without a cache.
    private func wholeRun(_ recipe: CompiledRecipe) throws -> [String: [UInt8]] {
        let out = try TestPaths.scratch("whole")
        defer { try? FileManager.default.removeItem(atPath: out) }
        try Recipe.run(recipe, options: .testing(out: out))
        return try files(in: out)
    }
}

/// Every file under `dir` (relative path -> bytes).
func files(in dir: String) throws -> [String: [UInt8]] {
    var result: [String: [UInt8]] = [:]
    guard let walker = FileManager.default.enumerator(atPath: dir) else { return result }
    for case let name as String in walker {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
        result[name] = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name)))
    }
    return result
}
