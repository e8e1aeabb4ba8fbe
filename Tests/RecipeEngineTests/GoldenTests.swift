// Re-renders every golden recipe (fresh, no cache) and compares bytes with Golden/manifest.json,
// through the same GoldenSuite that `lorweb golden check|update` uses.
import Formats
import Foundation
import RecipeEngine
import XCTest

final class GoldenTests: XCTestCase {
    func testEveryGoldenOutputIsReproducedByteForByte() throws {
        let suite = GoldenSuite(root: TestPaths.golden)
        let entries = try suite.entries()
        XCTAssertGreaterThanOrEqual(entries.count, 29, "golden entries went missing")
        let log = OutputLog()
        let results = try suite.check(options: .testing(out: ".", log: log))
        XCTAssertEqual(results.count, entries.filter { $0.backend == "cpu" }.count)
        for result in results {
            XCTAssertEqual(result.status, .identical, "\(result.entry.output) from \(result.entry.recipe)")
            // The stored reference file is the one the manifest describes.
            let stored = try SHA256.hex(fileAt: TestPaths.golden + "/" + result.entry.output)
            XCTAssertEqual(stored, result.entry.sha256, "Golden/\(result.entry.output) does not match the manifest")
        }
    }

    func testEveryGoldenRecipeIsInTheManifest() throws {
        let suite = GoldenSuite(root: TestPaths.golden)
        let listed = Set(try suite.entries().map(\.recipe))
        for recipe in suite.recipes() {
            XCTAssertTrue(listed.contains(recipe), "\(recipe) has no manifest entry: run `lorweb golden update`")
        }
    }

    /// The golden set must exercise every step that draws noise or resamples.
    func testGoldenRecipesCoverRandomAndResamplingSteps() throws {
        let suite = GoldenSuite(root: TestPaths.golden)
        var used = Set<String>()
        for recipe in suite.recipes() {
            let compiled = try Recipe.compile(path: TestPaths.golden + "/" + recipe)
            for call in compiled.program.calls.values { used.insert(call.step.name) }
        }
        let required = StepLibrary.standard.steps
            .filter { ($0.usesRandomness || ["resize", "grid"].contains($0.name)) && !GoldenTests.needsModel.contains($0.name) }
            .map(\.name)
        for name in required {
            XCTAssertTrue(used.contains(name), "no golden recipe uses '\(name)'")
        }
    }

    /// Steps that need the model; their goldens arrive with the model.
    static let needsModel: Set<String> = ["sample", "encode pair", "blend", "load model", "load basis"]

    func testUpdateReportsChanges() throws {
        // A private copy of a tiny golden folder: update adds, then reports no change, then a change.
        let root = try TestPaths.scratch("golden")
        try FileManager.default.createDirectory(atPath: root + "/recipes", withIntermediateDirectories: true)
        let recipe = root + "/recipes/one.recipe"
        try Data("q = analogy 0 size: 16\nfig = grid q\nsave fig \"images/one.png\"\n".utf8).write(to: URL(fileURLWithPath: recipe))
        let suite = GoldenSuite(root: root)
        XCTAssertEqual(try suite.update(options: .testing(out: ".")).count, 1)
        XCTAssertEqual(try suite.update(options: .testing(out: ".")), [])
        XCTAssertEqual(try suite.check(options: .testing(out: ".")).map(\.status), [.identical])
        try Data("q = analogy 1 size: 16\nfig = grid q\nsave fig \"images/one.png\"\n".utf8).write(to: URL(fileURLWithPath: recipe))
        if case .different = try suite.check(options: .testing(out: "."))[0].status {} else {
            XCTFail("a changed recipe must be reported as different")
        }
        let changes = try suite.update(options: .testing(out: "."))
        XCTAssertEqual(changes.count, 1)
        XCTAssertTrue(changes[0].hasPrefix("changed images/one.png"), changes[0])
    }
}
