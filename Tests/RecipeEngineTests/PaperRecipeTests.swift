// The paper's evaluation recipe at test size: 8 held-out analogies per split instead of 64, everything else as
// shipped (20 steps, the shipped weights, the same noise per analogy for every method). The trained model with
// its basis must beat copy-b (b' = b) and the untrained initialisation on both splits; the table and figures
// must be written. Full-size figures: README "Reproducing the paper" and Tools/training/RESULTS.md.
import Foundation
import RecipeEngine
import XCTest

final class PaperRecipeTests: XCTestCase {
    func testHeldoutEvaluationTrainedBeatsCopyAndUntrained() throws {
        let out = try TestPaths.scratch("paper")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let recipe = try Recipe.compile(path: TestPaths.repository + "/Recipes/paper/heldout.recipe",
                                        overrides: [("indices", "0..7"), ("figure-rows", "0..1")])
        try Recipe.run(recipe, options: .testing(out: out))
        let csv = try String(contentsOfFile: out + "/out/heldout.csv", encoding: .utf8)
        print("[paper] heldout, 8 + 8 analogies:\n" + csv)
        var rows: [String: [Double]] = [:]
        for line in csv.split(whereSeparator: \.isNewline).dropFirst() {
            let cells = line.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")) }
            rows[cells[0]] = cells.dropFirst().compactMap(Double.init)
        }
        let trained = try XCTUnwrap(rows["basis 8x4 (mini)"]), copy = try XCTUnwrap(rows["copy-b"])
        let untrained = try XCTUnwrap(rows["untrained (mini-init)"])
        XCTAssertEqual(trained.count, 4)
        for (column, name) in [(0, "seen PSNR"), (1, "seen SSIM"), (2, "unseen PSNR"), (3, "unseen SSIM")] {
            XCTAssertGreaterThan(trained[column], untrained[column], "\(name): trained vs untrained")
        }
        XCTAssertGreaterThan(trained[0], copy[0], "seen PSNR: trained vs copy-b")
        XCTAssertGreaterThan(trained[2], copy[2], "unseen PSNR: trained vs copy-b")
        for figure in ["heldout-seen.png", "heldout-unseen.png", "heldout.md"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/out/" + figure), figure)
        }
    }
}
