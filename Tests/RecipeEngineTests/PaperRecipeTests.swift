// The paper's evaluation recipe at test size: 8 held-out analogies per split instead of 64, everything else as
// shipped (20 steps, the shipped weights, the same noise per analogy for every method); the table and figures
// must be written.
//
// What is asserted is what the shipped weights achieve (measured at this size: basis 8x4 20.02 / 16.86 dB PSNR,
// SSIM 0.664 / 0.561 on seen / unseen; untrained 5.36 / 5.70 dB; base alone SSIM 0.651 / 0.550): the trained
// model with its basis beats the untrained initialisation on every column, and the basis stage improves the
// base's SSIM on both splits (at 64 + 64: 0.631 vs 0.613 seen, 0.539 vs 0.523 unseen). Not asserted, because it
// does not hold on both splits: beating copy-b (19.26 / 18.06 dB, SSIM 0.753 / 0.639 here: the basis is ahead on
// seen PSNR on these 8 but not on 64, ahead on unseen PSNR on 64 but not on these 8, behind on SSIM on both;
// Tools/training/RESULTS.md), and beating the single LoRA on unseen families (ahead by 0.7 dB at 64 + 64, behind
// on these 8: 16.86 vs 17.14 dB).
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
