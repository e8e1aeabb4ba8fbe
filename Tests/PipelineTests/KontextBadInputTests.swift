// Bad input to the real pipeline: each a clear error naming the file or argument and the problem, nothing loaded
// half. Works on copies of the tiny diffusers folder (Fixtures/kontext_tiny) with one part broken.
import Foundation
import Formats
import Pipeline
import TensorCore
import XCTest

final class KontextBadInputTests: XCTestCase {
    static let tiny = KontextParityTests.root.path
    var scratch = ""

    override func setUpWithError() throws {
        scratch = NSTemporaryDirectory() + "lorweb-kontext-bad-" + UUID().uuidString
        try FileManager.default.copyItem(atPath: Self.tiny, toPath: scratch)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: scratch)
    }

    var pipeline: String { scratch + "/FLUX.1-Kontext-tiny" }
    var encoder: String { scratch + "/clip-vision-tiny" }

    func assertLoadFails(_ fragments: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try LoadedModel.load(pipeline, imageEncoder: encoder), file: file, line: line) { error in
            XCTAssertTrue(UnusableInput.describes(error), "an unusable input (exit 66): \(error)", file: file, line: line)
            for fragment in fragments {
                XCTAssertTrue("\(error)".contains(fragment), "'\(fragment)' in: \(error)", file: file, line: line)
            }
        }
    }

    func testAMissingComponentFolderIsNamed() throws {
        try FileManager.default.removeItem(atPath: pipeline + "/vae")
        assertLoadFails(["model_index.json", "vae: the folder", "is missing"])
    }

    func testAnIndexOfAnotherPipelineIsRefused() throws {
        let index = pipeline + "/model_index.json"
        let text = try String(contentsOfFile: index, encoding: .utf8).replacingOccurrences(of: "FluxKontextPipeline", with: "StableDiffusionPipeline")
        try text.write(toFile: index, atomically: true, encoding: .utf8)
        assertLoadFails(["pipeline class 'StableDiffusionPipeline' is not supported"])
    }

    func testAMissingT5ShardIsNamed() throws {
        try FileManager.default.removeItem(atPath: pipeline + "/text_encoder_2/model-00002-of-00002.safetensors")
        assertLoadFails(["model-00002-of-00002.safetensors"])
    }

    func testTruncatedTokenizerJSONIsNamed() throws {
        let path = pipeline + "/tokenizer_2/tokenizer.json"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        assertLoadFails(["tokenizer.json"])
    }

    func testTheQueryEncoderIsRequired() {
        XCTAssertThrowsError(try LoadedModel.load(pipeline)) { error in
            XCTAssertEqual(error as? PipelineError, .argument("image-encoder", "the flux-kontext folder \(pipeline) needs LoRWeB's query encoder: "
                + "load model \"\(pipeline)\" image-encoder: \"path/to/clip-vit-large-patch14\""))
        }
    }

    func testAnImageEncoderOfAnotherWidthDoesNotFitTheBasis() throws {
        // The ModelsTests "tiny" CLIP (projection 16) as a folder: cat-aa'b gives a 48-wide query, the basis takes 36.
        let models = KontextParityTests.root.deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("ModelsTests/Fixtures").path
        let other = scratch + "/clip-other"
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: models + "/clip_tiny_config.json", toPath: other + "/config.json")
        try FileManager.default.copyItem(atPath: models + "/clip_tiny_weights.safetensors", toPath: other + "/model.safetensors")
        let model = try LoadedModel.load(pipeline, imageEncoder: other)
        XCTAssertThrowsError(try LoadedBasis.load(scratch + "/basis/lorweb.safetensors", for: model)) { error in
            XCTAssertTrue("\(error)".contains("the basis takes a 36-wide query; the model's image encoder gives 48"), "\(error)")
        }
    }

    func testABasisTrainedForAnotherQueryModeIsRefused() throws {
        let yaml = scratch + "/basis/config.yaml"
        let text = try String(contentsOfFile: yaml, encoding: .utf8).replacingOccurrences(of: "cat-aa'b", with: "ca'-ca")
        try text.write(toFile: yaml, atomically: true, encoding: .utf8)
        let model = try LoadedModel.load(pipeline, imageEncoder: encoder)
        XCTAssertThrowsError(try LoadedBasis.load(scratch + "/basis/lorweb.safetensors", for: model)) { error in
            XCTAssertTrue("\(error)".contains("trained with query_mode 'ca'-ca'"), "\(error)")
        }
    }

    func testALongPromptIsCutWithAWarning() throws {
        let model = try LoadedModel.load(pipeline, imageEncoder: encoder)
        let kontext = try XCTUnwrap(model.kontext)
        let long = Array(repeating: "a blue circle on a red square", count: 120).joined(separator: " ")
        let embedding = try kontext.encodePrompt(long, backend: CPUBackend(threads: 2))
        XCTAssertEqual(embedding.truncatedBy, ["CLIP (77 tokens)", "T5 (512 tokens)"])
        XCTAssertEqual(embedding.embeds.shape, [1, 512, 32])
        let short = try kontext.encodePrompt("a blue circle", backend: CPUBackend(threads: 2))
        XCTAssertEqual(short.truncatedBy, [])
    }
}
