// Defects a new user meets in the first hour (issue 22), one test each, through the `lorweb` binary:
// silent passes, binary input, floods of errors, silent resizing, exit codes and messages, params
// that did not override, meta-commands without their argument.
import Formats
import Foundation
import XCTest

final class CommandLineDefectTests: XCTestCase {
    private func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    func testGoldenCheckFailsWhenItWouldCompareNothing() throws {
        let dir = try TestPaths.scratch("golden-empty")
        try FileManager.default.createDirectory(atPath: dir + "/g/recipes", withIntermediateDirectories: true)
        let missing = try runLorweb(["golden", "check", "--root", "g"], cwd: dir)
        XCTAssertEqual(missing.code, 66, missing.out + missing.err)
        XCTAssertTrue(missing.err.contains("no golden manifest at g/manifest.json"), missing.err)
        try write("[]", to: dir + "/g/manifest.json")
        let empty = try runLorweb(["golden", "check", "--root", "g"], cwd: dir)
        XCTAssertEqual(empty.code, 4, empty.out + empty.err)
        XCTAssertTrue(empty.err.contains("lists no golden outputs for backend 'cpu': nothing was checked"), empty.err)
    }

    func testABinaryFileGivenAsARecipeIsRefusedInOneLine() throws {
        let dir = try TestPaths.scratch("binary-recipe")
        let png = TestPaths.repository + "/Recipes/images/red-circle.png"
        let image = try runLorweb(["run", png], cwd: dir)
        XCTAssertEqual(image.code, 65)
        XCTAssertEqual(image.err, "\(png): it is a PNG image, not recipe text\n")
        try Data([0x78, 0x20, 0x3D, 0x20, 0xC3, 0x28, 0x0A]).write(to: URL(fileURLWithPath: dir + "/latin.recipe"))
        let latin = try runLorweb(["run", "latin.recipe"], cwd: dir)
        XCTAssertEqual(latin.code, 65)
        XCTAssertEqual(latin.err, "latin.recipe: it is not UTF-8 text (invalid byte at offset 4)\n")
    }

    func testAtMostTwentyDiagnosticsArePrinted() throws {
        let dir = try TestPaths.scratch("many-errors")
        try write((1...30).map { "x\($0) = nope\($0)\nshow x\($0)" }.joined(separator: "\n") + "\n", to: dir + "/bad.recipe")
        let result = try runLorweb(["run", "bad.recipe"], cwd: dir)
        XCTAssertEqual(result.code, 65)
        XCTAssertEqual(result.err.components(separatedBy: "unknown name 'nope").count - 1, 20, result.err)
        XCTAssertTrue(result.err.hasSuffix("… and 10 more errors (fix the first ones and run again)\n"), result.err)
    }

    func testSizesAreNeverChangedSilently() throws {
        let dir = try TestPaths.scratch("sizes")
        try write("""
            model = load model "mini"
            quad = analogy 0 size: 64
            a0 = pick quad 0
            a = resize a0 37 53
            a' = pick quad 1
            b = pick quad 2
            truth = pick quad 3
            q = encode pair model a a' b
            b' = sample model q steps: 1
            wide = sample model q steps: 1 size: [40, 24]
            show b'
            show wide
            score = metrics b' truth
            show score

            """, to: dir + "/sizes.recipe")
        let result = try runLorweb(["run", "sizes.recipe", "--no-cache"], cwd: dir)
        XCTAssertEqual(result.code, 1, result.err)
        XCTAssertTrue(result.err.contains("warning: a is 37×53; the model works on 32×32 cells, so it is resized to 32×32 (the aspect ratio changes)"), result.err)
        XCTAssertTrue(result.err.contains("warning: a' is 64×64; the model works on 32×32 cells, so it is resized to 32×32\n"), result.err)
        XCTAssertTrue(result.out.contains("b' = image 32x32"), "b' comes at the model's cell size:\n\(result.out)")
        XCTAssertTrue(result.out.contains("wide = image 40x24"), "size: asks for another:\n\(result.out)")
        XCTAssertTrue(result.err.contains("b' is 32×32 but truth is 64×64: metrics compare images of one size"), result.err)
        XCTAssertTrue(result.err.contains("`analogy i size: 32`"), result.err)
    }

    func testUnusableInputFilesExit66AndNameTheFile() throws {
        let dir = try TestPaths.scratch("unusable")
        try Data((0..<64).map { UInt8($0 * 7 % 251) }).write(to: URL(fileURLWithPath: dir + "/corrupt.png"))
        try Data("{\"not\": 8 bytes of header".utf8).write(to: URL(fileURLWithPath: dir + "/corrupt.safetensors"))
        try FileManager.default.createDirectory(atPath: dir + "/empty-model", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/broken-model", withIntermediateDirectories: true)
        try write("{\"family\": ", to: dir + "/broken-model/lorweb_model.json")
        let cases: [(recipe: String, message: String)] = [
            ("a = load image \"corrupt.png\"\nshow a\n", "corrupt.png: PNG read failed"),
            ("t = load tensor \"corrupt.safetensors\"\nshow t\n", "corrupt.safetensors"),
            ("m = load model \"empty-model\"\nshow m\n", "empty-model/lorweb_model.json: missing"),
            ("m = load model \"broken-model\"\nshow m\n", "broken-model/lorweb_model.json: not a usable model config: not valid JSON"),
        ]
        for (index, item) in cases.enumerated() {
            try write(item.recipe, to: dir + "/case\(index).recipe")
            let result = try runLorweb(["run", "case\(index).recipe", "--no-cache"], cwd: dir)
            XCTAssertEqual(result.code, 66, item.recipe + result.err)
            XCTAssertTrue(result.err.contains(item.message), item.recipe + result.err)
            XCTAssertFalse(result.err.contains("unknown model"), result.err)
        }
    }

    func testFoundationErrorsNameThePathAndTheCause() throws {
        let dir = try TestPaths.scratch("foundation")
        try write("a plain file", to: dir + "/blocker")
        try write("q = analogy 0 size: 16\nsave q \"blocker/q-{i}.png\"\n", to: dir + "/r.recipe")
        let result = try runLorweb(["run", "r.recipe", "--no-cache"], cwd: dir)
        XCTAssertEqual(result.code, 1)
        XCTAssertTrue(result.err.contains("'save' failed: ") && result.err.contains("blocker: "), result.err)
        XCTAssertFalse(result.err.contains("NSCocoaErrorDomain"), result.err)
        XCTAssertFalse(result.err.contains("UserInfo"), result.err)
    }

    func testNumericFlagsSayWhatIsAllowed() throws {
        let dir = try TestPaths.scratch("flags")
        try write("x = [1]\nshow x\n", to: dir + "/ok.recipe")
        let threads = try runLorweb(["run", "ok.recipe", "--threads", "-1"], cwd: dir)
        XCTAssertEqual(threads.code, 2)
        XCTAssertTrue(threads.err.contains("--threads must be a whole number from 1 to 256, got -1"), threads.err)
        let seed = try runLorweb(["run", "ok.recipe", "--set", "seed=-1"], cwd: dir)
        XCTAssertTrue(seed.err.contains("--set seed=-1: the seed must be a whole number from 0 to 2^53"), seed.err)
    }

    func testMetaCommandsWithoutTheirArgumentSayWhatTheyNeed() throws {
        let result = try runLorweb(["repl", "--no-cache"], stdin: ":save\n:show\n:load\n:deps\n:unbind\n:quit\n",
                                   cwd: try TestPaths.scratch("meta"))
        XCTAssertEqual(result.code, 1)
        for usage in [":save needs a file", ":show needs a name", ":load needs a recipe file", ":deps needs a name", ":unbind needs one name"] {
            XCTAssertTrue(result.err.contains(usage), result.err)
        }
        XCTAssertFalse(result.err.contains("unknown command"), result.err)
    }
}

/// Every param of every shipped recipe is exercised with a non-default value (cheap: 1-2 sampling steps).
final class ShippedRecipeParamTests: XCTestCase {
    private func run(_ recipe: String, _ sets: [String], out: String) throws -> LorwebResult {
        let result = try runLorweb(["run", TestPaths.repository + "/Recipes/" + recipe, "--no-cache", "--quiet", "--out-dir", out]
                                   + sets.flatMap { ["--set", $0] })
        XCTAssertEqual(result.code, 0, "\(recipe) \(sets): \(result.err)")
        return result
    }

    private func size(_ path: String) throws -> (Int, Int) {
        let image = try PNGFile.read(path: path).image
        return (image.width, image.height)
    }

    func testQuickstartSteps() throws {
        let out = try TestPaths.scratch("params-quickstart")
        try run("quickstart.recipe", ["steps=2"], out: out)
        let text = try PNGFile.read(path: out + "/out/quickstart.png").text
        XCTAssertTrue(text.contains { $0.key == "parameters" && $0.value.contains("Steps: 2,") }, "\(text)")
    }

    func testSweepStrengthsSeedsAndSteps() throws {
        let two = try TestPaths.scratch("params-sweep-2"), one = try TestPaths.scratch("params-sweep-1")
        try run("sweep.recipe", ["strengths=[1, 2]", "seeds=[5, 6, 7]", "steps=1"], out: two)
        try run("sweep.recipe", ["strengths=[1]", "seeds=[5, 6]", "steps=1"], out: one)
        let (w2, h2) = try size(two + "/out/sweep.png"), (w1, h1) = try size(one + "/out/sweep.png")
        XCTAssertGreaterThan(h2, h1, "two strengths are two rows")
        XCTAssertGreaterThan(w2, w1, "three seeds are three columns")
    }

    func testInterpolationPositionsAndSteps() throws {
        let out = try TestPaths.scratch("params-interpolation")
        try run("interpolation.recipe", ["positions=[0, 1]", "steps=1"], out: out)
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: out + "/out"))
        XCTAssertTrue(files.isSuperset(of: ["interpolation.png", "interpolation-mix-0.png", "interpolation-mix-1.png"]), "\(files)")
        XCTAssertFalse(files.contains("interpolation-mix-2.png"), "two positions give two mixes: \(files)")
    }

    func testHeldoutIndicesStepsAndFigureRows() throws {
        let out = try TestPaths.scratch("params-heldout")
        try run("paper/heldout.recipe", ["indices=[3, 4]", "steps=1", "figure-rows=[1]"], out: out)
        let table = try String(contentsOfFile: out + "/out/heldout.csv", encoding: .utf8)
        XCTAssertEqual(table.split(whereSeparator: \.isNewline).count, 7, "a header and six methods:\n\(table)")
        let (_, oneRow) = try size(out + "/out/heldout-seen.png")
        let twoRows = try TestPaths.scratch("params-heldout-2")
        try run("paper/heldout.recipe", ["indices=[3, 4]", "steps=1", "figure-rows=[0, 1]"], out: twoRows)
        XCTAssertGreaterThan(try size(twoRows + "/out/heldout-seen.png").1, oneRow, "figure-rows picks the rows shown")
    }
}
