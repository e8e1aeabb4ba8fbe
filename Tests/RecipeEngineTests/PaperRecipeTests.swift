// The paper's evaluation recipe at test size: 8 held-out analogies per split instead of 64, everything else as
// shipped (20 steps, the shipped weights, the same noise per analogy for every method); the table and figures
// must be written.
//
// What is asserted is what the shipped weights achieve (measured at this size: basis 8x4 19.26 / 16.99 dB PSNR,
// SSIM 0.655 / 0.555 on seen / unseen; untrained 5.36 / 5.70 dB; base alone SSIM 0.651 / 0.550): the trained
// model with its basis beats the untrained initialisation on every column, and the basis stage improves the
// base's SSIM on both splits (at 64 + 64: 0.629 vs 0.613 seen, 0.537 vs 0.523 unseen). Not asserted, because it
// does not hold here: beating copy-b (19.26 / 18.06 dB, SSIM 0.753 / 0.639 here; at 64 + 64 the basis is level
// with it only on unseen PSNR, Tools/training/RESULTS.md), and beating the single LoRA on unseen families (ahead
// by 0.6 dB at 64 + 64, behind on these 8: 16.99 vs 17.12 dB).
import Foundation
import RecipeEngine
import XCTest

final class PaperRecipeTests: XCTestCase {
    func testHeldoutEvaluationTrainedBeatsUntrainedAndBase() throws {
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
        XCTAssertEqual(rows.count, 6)
        let trained = try XCTUnwrap(rows["basis 8x4 (mini)"]), base = try XCTUnwrap(rows["base alone"])
        let untrained = try XCTUnwrap(rows["untrained (mini-init)"])
        XCTAssertNotNil(rows["copy-b"])
        XCTAssertEqual(trained.count, 4)
        for (column, name) in [(0, "seen PSNR"), (1, "seen SSIM"), (2, "unseen PSNR"), (3, "unseen SSIM")] {
            XCTAssertGreaterThan(trained[column], untrained[column], "\(name): trained vs untrained")
        }
        XCTAssertGreaterThan(trained[1], base[1], "seen SSIM: basis vs base alone")
        XCTAssertGreaterThan(trained[3], base[3], "unseen SSIM: basis vs base alone")
        for file in ["heldout-seen.png", "heldout-unseen.png", "heldout.md"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/out/" + file), file)
        }
    }
}
