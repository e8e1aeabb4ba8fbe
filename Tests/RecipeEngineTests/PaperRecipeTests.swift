// The paper's evaluation recipe at test size: 16 held-out analogies per split instead of 64, everything else as
// shipped (20 steps, the shipped weights, the same noise per analogy for every method); the table and figures
// must be written. Outputs are byte-deterministic, so these comparisons cannot flake; they change only with the
// weights.
//
// What is asserted is what the shipped weights achieve, measured at this size (seen / unseen): basis 8x4
// 20.10 / 17.93 dB PSNR, SSIM 0.680 / 0.576; base alone 19.09 / 17.41 dB, 0.657 / 0.571; single LoRA 19.00 /
// 17.37 dB; copy-b 19.25 / 17.47 dB, SSIM 0.732 / 0.635; untrained 5.16 / 5.63 dB. So: the trained model beats
// the untrained initialisation on every column; the basis stage improves on the base alone on every column (its
// thinnest margin, unseen SSIM +0.005, is +0.009 at 64 + 64); the basis beats the single LoRA on unseen families
// (the paper's claim; +0.55 dB here, +0.79 at 64 + 64); and it beats copy-b on PSNR on both splits (+0.85 /
// +0.45 dB here, +0.07 / +0.36 at 64 + 64). Not asserted, because it does not hold: beating copy-b on SSIM
// (behind by 0.05 / 0.06 here, 0.07 / 0.05 at 64 + 64; Tools/training/RESULTS.md). At 8 + 8 the unseen columns
// were too few to order basis and base (SSIM 0.578 vs 0.582), hence 16.
import Foundation
import RecipeEngine
import XCTest

final class PaperRecipeTests: XCTestCase {
    func testHeldoutEvaluationBasisBeatsBaselines() throws {
        let out = try TestPaths.scratch("paper")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let recipe = try Recipe.compile(path: TestPaths.repository + "/Recipes/paper/heldout.recipe",
                                        overrides: [("indices", "0..15"), ("figure-rows", "0..1")])
        try Recipe.run(recipe, options: .testing(out: out))
        let csv = try String(contentsOfFile: out + "/out/heldout.csv", encoding: .utf8)
        print("[paper] heldout, 16 + 16 analogies:\n" + csv)
        var rows: [String: [Double]] = [:]
        for line in csv.split(whereSeparator: \.isNewline).dropFirst() {
            let cells = line.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")) }
            rows[cells[0]] = cells.dropFirst().compactMap(Double.init)
        }
        XCTAssertEqual(rows.count, 6)
        let trained = try XCTUnwrap(rows["basis 8x4 (mini)"]), base = try XCTUnwrap(rows["base alone"])
        let untrained = try XCTUnwrap(rows["untrained (mini-init)"]), copyB = try XCTUnwrap(rows["copy-b"])
        let lora = try XCTUnwrap(rows["single LoRA 1x32"])
        XCTAssertEqual(trained.count, 4)
        for (column, name) in [(0, "seen PSNR"), (1, "seen SSIM"), (2, "unseen PSNR"), (3, "unseen SSIM")] {
            XCTAssertGreaterThan(trained[column], untrained[column], "\(name): basis vs untrained")
            XCTAssertGreaterThan(trained[column], base[column], "\(name): basis vs base alone")
        }
        XCTAssertGreaterThan(trained[2], lora[2], "unseen PSNR: basis vs single LoRA")
        XCTAssertGreaterThan(trained[0], copyB[0], "seen PSNR: basis vs copy-b")
        XCTAssertGreaterThan(trained[2], copyB[2], "unseen PSNR: basis vs copy-b")
        for file in ["heldout-seen.png", "heldout-unseen.png", "heldout.md"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/out/" + file), file)
        }
    }
}
