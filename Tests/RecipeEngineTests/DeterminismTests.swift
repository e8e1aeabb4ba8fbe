// The promises about bytes: thread count, repeated runs and the cache never change an output, and a
// saved PNG's provenance reproduces it.
import Formats
import Foundation
import RecipeEngine
import TensorCore
import XCTest

final class DeterminismTests: XCTestCase {
    static let recipe = """
        seed 42
        param size = 32
        quads = analogy [0, 1] size: size
        small = resize quads 16 filter: "lanczos"
        n = noise [3, 16, 16] seed: [1, 2, 3, 4]
        speckle = to image n
        one = pick small 0
        two = pick small 1
        fig = grid [speckle, one, two] cell: 24 row-labels: ["noise", "one", "two"] title: "determinism"
        save fig "out/fig.png"
        save quads "out/quad-{i}.png"
        """

    func render(threads: Int = 2, cache: StepCache? = nil, text: String = recipe,
                overrides: [(name: String, value: String)] = []) throws -> (bytes: [UInt8], summary: RunSummary, dir: String) {
        let dir = try TestPaths.scratch("det")
        let summary = try runRecipe(text, in: dir, options: .testing(out: dir, cache: cache, threads: threads), overrides: overrides)
        let bytes = [UInt8](FileManager.default.contents(atPath: dir + "/out/fig.png") ?? Data())
        XCTAssertFalse(bytes.isEmpty)
        return (bytes, summary, dir)
    }

    func testOneAndTwoThreadsGiveTheSameBytes() throws {
        let one = try render(threads: 1), two = try render(threads: 2)
        XCTAssertSameBytes(one.bytes, two.bytes)
    }

    func testTwoRunsGiveTheSameBytes() throws {
        XCTAssertSameBytes(try render().bytes, try render().bytes)
    }

    func testCacheHitGivesTheSameBytesAsAFreshRun() throws {
        let cacheDir = try TestPaths.scratch("cache")
        let cache = StepCache(directory: cacheDir)
        let fresh = try render(cache: nil)
        let first = try render(cache: cache)
        XCTAssertEqual(first.summary.cacheHits, 0)
        let second = try render(cache: cache)
        XCTAssertGreaterThan(second.summary.cacheHits, 0, "the rerun should hit the cache")
        XCTAssertLessThan(second.summary.stepsRun, first.summary.stepsRun)
        XCTAssertSameBytes(fresh.bytes, first.bytes)
        XCTAssertSameBytes(first.bytes, second.bytes)
    }

    func testDamagedCacheEntryIsDetectedAndRecomputed() throws {
        let cacheDir = try TestPaths.scratch("cache")
        let cache = StepCache(directory: cacheDir)
        let first = try render(cache: cache)
        let entries = FileManager.default.enumerator(atPath: cacheDir)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".entry") }
        XCTAssertFalse(entries.isEmpty)
        for entry in entries {
            let path = cacheDir + "/" + entry
            var bytes = [UInt8](FileManager.default.contents(atPath: path)!)
            bytes[bytes.count - 1] ^= 0x5A   // damage the payload
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }
        let log = OutputLog()
        let dir = try TestPaths.scratch("det")
        var options = RunOptions.testing(out: dir, log: log, cache: cache)
        options.output = { log.append($0) }
        let summary = try runRecipe(Self.recipe, in: dir, options: options)
        XCTAssertEqual(summary.cacheHits, 0)
        XCTAssertTrue(log.lines.contains { $0.contains("damaged") }, log.lines.joined(separator: "\n"))
        XCTAssertSameBytes([UInt8](FileManager.default.contents(atPath: dir + "/out/fig.png")!), first.bytes)
        // And the recomputed entries are good again.
        XCTAssertGreaterThan(try render(cache: cache).summary.cacheHits, 0)
    }

    func testCacheKeyUsesFileBytesNotPaths() throws {
        let dir = try TestPaths.scratch("bytes")
        try SafetensorsWriter.write([(name: "n", tensor: Tensor(shape: [48], data: [Float](repeating: 0.25, count: 48)))],
                                    to: dir + "/in.safetensors")
        let cache = StepCache(directory: dir + "/cache")
        let text = "n = noise [4, 4, 3] source: \"file\" path: \"in.safetensors\"\nb = to image n low: 0 high: 1\nsave b \"out.png\"\n"
        try runRecipe(text, in: dir, options: .testing(out: dir, cache: cache))
        XCTAssertEqual(try runRecipe(text, in: dir, options: .testing(out: dir, cache: cache)).cacheHits, 1)
        // Same path, new bytes: the cached resize must not be used.
        try SafetensorsWriter.write([(name: "n", tensor: Tensor(shape: [48], data: [Float](repeating: 1, count: 48)))],
                                    to: dir + "/in.safetensors")
        let summary = try runRecipe(text, in: dir, options: .testing(out: dir, cache: cache))
        XCTAssertEqual(summary.cacheHits, 0)
        XCTAssertEqual(Array(try PNGFile.read(path: dir + "/out.png").image.pixels.prefix(3)), [255, 255, 255])
    }

    func testSetOverridesAParamAndUnknownNamesAreErrors() throws {
        let small = try render(overrides: [("size", "16")])
        XCTAssertFalse(small.bytes == (try render().bytes))
        XCTAssertThrowsError(try render(overrides: [("sise", "16")])) { error in
            XCTAssertTrue("\(error)".contains("did you mean 'size'"), "\(error)")
        }
        XCTAssertThrowsError(try render(overrides: [("size", "[")]))
    }

    func testProvenanceChunksAndRoundTrip() throws {
        let dir = try TestPaths.scratch("prov")
        try PNGFile.write(RGBImage(width: 8, height: 8, fill: (1, 2, 3)), to: dir + "/input.png")
        let text = """
            seed 9
            param width = 12
            a = load image "input.png"
            quad = analogy 2 size: 16
            big = resize a width
            fig = grid [[big], quad] title: "provenance"
            save fig "out/fig.png"
            """
        try runRecipe(text, in: dir, options: .testing(out: dir))
        let png = dir + "/out/fig.png"
        let decoded = try PNGFile.read(path: png)
        XCTAssertEqual(decoded.text[ProvenanceKeys.seed], "9")
        XCTAssertEqual(decoded.text[ProvenanceKeys.output], "fig")
        XCTAssertEqual(decoded.text[ProvenanceKeys.params], "width=12")
        XCTAssertEqual(decoded.text[ProvenanceKeys.backend], "cpu")
        XCTAssertEqual(decoded.text[ProvenanceKeys.version], "lorweb \(ProgramVersion.string)")
        let inputDigest = try SHA256.hex(fileAt: dir + "/input.png")
        XCTAssertEqual(decoded.text[ProvenanceKeys.inputs], "sha256:\(inputDigest) input.png")
        XCTAssertTrue(decoded.text[ProvenanceKeys.parameters]?.contains("Seed: 9") ?? false)
        XCTAssertTrue(decoded.text[ProvenanceKeys.recipe]?.contains("big = resize a width") ?? false)

        // Round trip: the embedded recipe re-runs to the same pixels (from another working folder).
        let report = try Reproducer.reproduce(png: png, options: .testing(out: dir))
        XCTAssertTrue(report.identical, report.difference ?? "")

        // A changed pixel is found and located.
        var changed = decoded.image
        changed.setPixel(5, 3, (255, 0, 255))
        try PNGFile.write(changed, to: png, text: decoded.text.map { (key: $0.key, value: $0.value) })
        let different = try Reproducer.reproduce(png: png, options: .testing(out: dir))
        XCTAssertFalse(different.identical)
        XCTAssertTrue(different.difference?.contains("(x 5, y 3)") ?? false, different.difference ?? "")

        // A changed input is refused rather than silently used.
        try PNGFile.write(RGBImage(width: 8, height: 8, fill: (9, 9, 9)), to: dir + "/input.png")
        XCTAssertThrowsError(try Reproducer.reproduce(png: png, options: .testing(out: dir))) { error in
            XCTAssertEqual((error as? RecipeFailure)?.category, .missingInput)
        }
    }

    func testOnlyWhatOutputsNeedIsComputed() throws {
        let dir = try TestPaths.scratch("lazy")
        let text = "unused = analogy [0, 1, 2, 3] size: 64\nneeded = analogy 0 size: 16\nsave needed \"q-{i}.png\"\n"
        let summary = try runRecipe(text, in: dir, options: .testing(out: dir))
        XCTAssertEqual(summary.stepsRun, 1 + 4, "one analogy and four saves")
    }

    /// Fresh versus cached timing, printed for the record (the assertion is only that the cache helps).
    func testCachedRerunIsFaster() throws {
        let cacheDir = try TestPaths.scratch("cache")
        let cache = StepCache(directory: cacheDir)
        let text = "seed 1\nn = noise [3, 128, 128] seed: 1..8\npics = to image n\nfig = grid pics per-row: 4 cell: 64\nsave fig \"fig.png\"\n"
        let dir = try TestPaths.scratch("timing")
        var start = Date()
        try runRecipe(text, in: dir, options: .testing(out: dir, cache: cache))
        let fresh = Date().timeIntervalSince(start)
        start = Date()
        let summary = try runRecipe(text, in: dir, options: .testing(out: dir, cache: cache))
        let cached = Date().timeIntervalSince(start)
        print(String(format: "recipe timing: fresh %.3f s, cached %.3f s (%d cache hits)", fresh, cached, summary.cacheHits))
        XCTAssertEqual(summary.cacheHits, 8, "8 noise tensors")
    }
}

/// Random streams come from binding names and broadcast indices only.
final class StreamTests: XCTestCase {
    func noise(_ text: String, _ name: String) throws -> Value {
        let compiled = try Recipe.compile(text: text, name: "s.recipe", directory: ".")
        let evaluator = Evaluator(program: compiled.program, options: .testing(out: "."), recipeName: "s.recipe")
        return try evaluator.value(of: name).value
    }

    func bits(_ v: Value) -> [UInt32] {
        if case .tensor(let t) = v { return t.data.map(\.bitPattern) }
        if case .list(let items) = v { return items.flatMap(bits) }
        return []
    }

    func testAddingAndReorderingOtherLinesChangesNoDraw() throws {
        let base = try noise("seed 3\nn = noise [64]\nshow n\n", "n")
        let shuffled = try noise("seed 3\nother = noise [64]\nq = analogy 1 size: 16\nshow q\nn = noise [64]\nshow other\nshow n\n", "n")
        XCTAssertEqual(bits(base), bits(shuffled))
        let renamed = try noise("seed 3\nm = noise [64]\nshow m\n", "m")
        XCTAssertNotEqual(bits(base), bits(renamed), "another binding name is another stream")
        let reseeded = try noise("seed 4\nn = noise [64]\nshow n\n", "n")
        XCTAssertNotEqual(bits(base), bits(reseeded))
        let overridden = try noise("seed 4\nn = noise [64] seed: 3\nshow n\n", "n")
        XCTAssertEqual(bits(base), bits(overridden), "seed: on the step overrides the recipe seed")
    }

    func testBroadcastIndexSelectsTheStream() throws {
        let list = try noise("seed 3\nn = noise [[8], [8], [8]]\nshow n\n", "n")
        guard case .list(let items) = list, items.count == 3 else { return XCTFail("expected three tensors") }
        XCTAssertNotEqual(bits(items[0]), bits(items[1]))
        // Element i draws stream ("n", i): the same as the canonical generator called directly.
        let direct = CanonicalNoiseReference.normals(seed: 3, name: "n", index: 2, count: 8)
        XCTAssertEqual(bits(items[2]), direct.map(\.bitPattern))
    }
}
