// Individual steps against obviously-right expectations: tensor files, noise from a file, drawing a
// tensor, metrics, tables, and what `inspect` says about weight files.
import Formats
import Foundation
import Numerics
import RecipeEngine
import TensorCore
import XCTest

final class StepBehaviourTests: XCTestCase {
    func value(_ text: String, _ name: String, dir: String) throws -> Value {
        let compiled = try Recipe.compile(text: text, name: "t.recipe", directory: dir)
        let evaluator = Evaluator(program: compiled.program, options: .testing(out: dir), recipeName: "t.recipe")
        try evaluator.runOutputs()
        return try evaluator.value(of: name).value
    }

    func testTensorSaveLoadRoundTripAndNoiseFromFile() throws {
        let dir = try TestPaths.scratch("tensor")
        let text = """
            seed 5
            n = noise [2, 3, 4]
            save tensor n "n.safetensors" key: "noise"
            """
        _ = try value(text, "n", dir: dir)
        let n = try value("seed 5\nn = noise [2, 3, 4]\nshow n\n", "n", dir: dir)
        let back = try value("back = load tensor \"n.safetensors\" key: \"noise\"\nshow back\n", "back", dir: dir)
        let fromFile = try value("m = noise [4, 6] source: \"file\" path: \"n.safetensors\"\nshow m\n", "m", dir: dir)
        guard case .tensor(let a) = n, case .tensor(let b) = back, case .tensor(let c) = fromFile else {
            return XCTFail("expected tensors")
        }
        XCTAssertEqual(a.shape, [2, 3, 4])
        XCTAssertEqual(a.data.map(\.bitPattern), b.data.map(\.bitPattern))
        XCTAssertEqual(c.shape, [4, 6], "file noise takes the requested shape")
        XCTAssertEqual(c.data.map(\.bitPattern), a.data.map(\.bitPattern))
        XCTAssertThrowsError(try value("m = noise [5] source: \"file\" path: \"n.safetensors\"\nshow m\n", "m", dir: dir))
        // The canonical generator, called directly, agrees with the step.
        let direct = CanonicalNoise.normals(seed: 5, stream: StreamID.make(name: "n", index: 0), count: 24)
        XCTAssertEqual(a.data.map(\.bitPattern), direct.map(\.bitPattern))
    }

    func testToImageUsesTheOneFloatToByteRule() throws {
        let dir = try TestPaths.scratch("toimage")
        let t = Tensor(shape: [1, 4], data: [-3, 0, 1.5, 3])
        try SafetensorsWriter.write([(name: "t", tensor: t)], to: dir + "/t.safetensors")
        let image = try value("t = load tensor \"t.safetensors\"\ni = to image t\nshow i\n", "i", dir: dir)
        guard case .image(let i) = image else { return XCTFail("expected an image") }
        let expected = t.data.map { PixelConversion.u8(($0 - -3) / 6) }
        XCTAssertEqual(i.width, 4)
        XCTAssertEqual(stride(from: 0, to: 12, by: 3).map { i.pixels[$0] }, expected)
        XCTAssertEqual(expected, [0, 128, 191, 255])
    }

    func testMetricsAndTables() throws {
        let dir = try TestPaths.scratch("metrics")
        let scores = try value("q = analogy 0 size: 16\na = pick q [0, 1]\ns = metrics a a [[\"psnr\", \"psnr\"], [\"ssim\", \"ssim\"]]\nshow s\n", "s", dir: dir)
        guard case .list(let items) = scores, items.count == 2, case .list(let psnr) = items[0], case .list(let ssim) = items[1] else {
            return XCTFail("expected psnr and ssim lists, got \(scores)")
        }
        for v in psnr { if case .number(let x) = v { XCTAssertEqual(x, .infinity) } }
        for v in ssim { if case .number(let x) = v { XCTAssertEqual(x, 1, accuracy: 1e-12) } }
        _ = try value("t = table [[1, 0.5], [\"a,b\", true]] columns: [\"k\", \"v\"]\nsave t \"t.csv\"\nsave t \"t.md\"\n", "t", dir: dir)
        let csv = try String(contentsOfFile: dir + "/t.csv", encoding: .utf8)
        XCTAssertEqual(csv, "k,v\r\n1,0.5\r\n\"a,b\",true\r\n")
        XCTAssertTrue(try String(contentsOfFile: dir + "/t.md", encoding: .utf8).hasPrefix("| k "))
    }

    func testInspectRecognisesABasisAndATransformer() throws {
        let dir = try TestPaths.scratch("inspect")
        let basis = ["transformer.transformer_blocks.0.attn.to_q", "transformer.single_transformer_blocks.0.proj_out"]
            .flatMap { module -> [(name: String, tensor: Tensor)] in
                [(module + ".lora_A", Tensor(zeros: [4, 8, 2])), (module + ".lora_B", Tensor(zeros: [4, 2, 8])),
                 (module + ".lora_keys", Tensor(zeros: [4, 3])), (module + ".att_lora_to_q.weight", Tensor(zeros: [3, 5]))]
            }
        try SafetensorsWriter.write(basis, to: dir + "/basis.safetensors")
        let summary = try WeightsInspector.inspect(safetensors: dir + "/basis.safetensors")
        XCTAssertEqual(summary.rows.count, 8)
        XCTAssertTrue(summary.verdicts[0].hasPrefix("LoRWeB basis checkpoint: 2 adapted modules, N = 4 LoRAs, rank r = 2"), summary.verdicts[0])

        let transformer: [(name: String, tensor: Tensor)] = [
            ("x_embedder.weight", Tensor(zeros: [16, 12])),
            ("transformer_blocks.0.attn.to_q.weight", Tensor(zeros: [16, 16])),
            ("transformer_blocks.1.attn.to_q.weight", Tensor(zeros: [16, 16])),
            ("single_transformer_blocks.0.proj_out.weight", Tensor(zeros: [16, 32])),
        ]
        try SafetensorsWriter.write(transformer, to: dir + "/t.safetensors")
        let t = try WeightsInspector.inspect(safetensors: dir + "/t.safetensors")
        XCTAssertEqual(t.verdicts, ["FLUX transformer weights (diffusers names): 2 double-stream blocks, 1 single-stream blocks, hidden size 16, input channels 12"])
    }
}

/// torch-cpu noise is PyTorch's CPU generator, seeded with the step's seed.
final class TorchNoiseStepTests: XCTestCase {
    func testTorchCPUNoiseMatchesTheGenerator() throws {
        let compiled = try Recipe.compile(text: "n = noise [2, 5] source: \"torch-cpu\" seed: 42\nshow n\n", name: "t.recipe", directory: ".")
        let evaluator = Evaluator(program: compiled.program, options: .testing(out: "."), recipeName: "t.recipe")
        guard case .tensor(let t) = try evaluator.value(of: "n").value else { return XCTFail("expected a tensor") }
        var generator = TorchCPUGenerator(seed: 42, kernel: .avx2)
        XCTAssertEqual(t.data.map(\.bitPattern), generator.randn(count: 10).map(\.bitPattern))
        XCTAssertEqual(t.shape, [2, 5])
    }
}
