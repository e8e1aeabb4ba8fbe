// CLIP vision tower against transformers CLIPVisionModelWithProjection (Tools/fixtures/clip_fixtures.py):
// seeded random models "tiny" (32 px, patch 8, width 32, 2 layers, 4 heads, projection 16) and "odd"
// (30 px, patch 6, width 24, 3 layers, 3 heads, projection 12, eps 1e-6), two N(0,1) images each.

import Foundation
import Formats
import Models
import TensorCore
import XCTest

final class CLIPEncoderTests: XCTestCase {
    func loadEncoder(_ name: String) throws -> CLIPVisionEncoder {
        let config = try CLIPVisionConfig.load(path: CLIPFixtures.path("clip_\(name)_config.json"))
        let weights = try CLIPFixtures.safetensors("clip_\(name)_weights.safetensors")
        return try CLIPVisionEncoder(config: config, weights: weights)
    }

    // Tolerance: PyTorch sums in its own orders (blocked GEMM, SDPA) while we follow Docs/NUMERICS.md, so each
    // f32 reduction differs by a few ulp; through 2-3 layers with LayerNorms (which rescale by 1/std) and
    // outputs of magnitude ~1-4, the measured error is ~1e-6 abs (see the printed lines). 2e-5 abs on
    // outputs of max magnitude >= 1 leaves a 10x margin yet catches any real defect (a wrong eps, scale,
    // activation or a swapped weight moves outputs by >= 1e-3).
    let tolerance: Float = 2e-5

    func checkParity(_ name: String) throws {
        let encoder = try loadEncoder(name)
        let io = try CLIPFixtures.safetensors("clip_\(name)_io.safetensors")
        let pixels = try io.tensor("pixel_values")
        let out = try encoder(pixels, backend: CPUBackend(threads: 2))
        for (label, got, key) in [("image_embeds", out.imageEmbeds, "image_embeds"),
                                  ("last_hidden_state", out.lastHiddenState, "last_hidden_state"),
                                  ("pooler_output", out.pooledOutput, "pooler_output")] {
            let want = try io.tensor(key)
            XCTAssertEqual(got.shape, want.shape, "\(name) \(label)")
            guard got.shape == want.shape else { continue }
            let stats = ErrorStats(got, want)
            print("CLIP \(name) \(label) \(want.shape): \(stats)")
            XCTAssertLessThanOrEqual(stats.maxAbs, tolerance, "\(name) \(label): \(stats)")
        }
    }

    func testTinyMatchesTransformers() throws { try checkParity("tiny") }

    func testOddShapesMatchTransformers() throws { try checkParity("odd") }

    /// Exact mode: the thread count and the batch composition never change a bit (rows are independent).
    func testThreadsAndBatchingAreBitIdentical() throws {
        let encoder = try loadEncoder("odd")
        let pixels = try CLIPFixtures.safetensors("clip_odd_io.safetensors").tensor("pixel_values")
        let one = try encoder(pixels, backend: CPUBackend(threads: 1)).imageEmbeds
        let many = try encoder(pixels, backend: CPUBackend(threads: 3)).imageEmbeds
        XCTAssertTrue(one.isBitIdentical(to: many))
        let second = Tensor(shape: [3, 30, 30], data: Array(pixels.data[(3 * 30 * 30)...]))
        let alone = try encoder(second, backend: CPUBackend(threads: 1)).imageEmbeds
        XCTAssertEqual(alone.shape, [1, 12])
        XCTAssertEqual(alone.data.map(\.bitPattern), Array(one.data[12...]).map(\.bitPattern))
    }

    func testRejectsWrongPixelShape() throws {
        let encoder = try loadEncoder("tiny")
        XCTAssertThrowsError(try encoder(Tensor(zeros: [1, 3, 30, 30]), backend: CPUBackend(threads: 1))) { error in
            XCTAssertTrue("\(error)".contains("[B, 3, 32, 32]"), "\(error)")
        }
    }

    // MARK: strict loading

    func testMissingAndUnusedKeysAreAllReported() throws {
        let config = try CLIPVisionConfig.load(path: CLIPFixtures.path("clip_tiny_config.json"))
        let file = try CLIPFixtures.safetensors("clip_tiny_weights.safetensors")
        let edited = EditedWeightSource(
            file, hiding: ["vision_model.encoder.layers.1.mlp.fc2.bias", "visual_projection.weight"],
            adding: ["vision_model.encoder.layers.2.mlp.fc1.weight": TensorInfo(dtype: .f32, shape: [64, 32], byteCount: 64 * 32 * 4)])
        XCTAssertThrowsError(try CLIPVisionEncoder(config: config, weights: edited)) { error in
            guard case let CLIPError.weightMismatch(_, missing, unused, wrongShape) = error else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(missing, ["vision_model.encoder.layers.1.mlp.fc2.bias", "visual_projection.weight"])
            XCTAssertEqual(unused, ["vision_model.encoder.layers.2.mlp.fc1.weight"])
            XCTAssertEqual(wrongShape, [])
            XCTAssertTrue("\(error)".contains("2 missing"), "\(error)")
        }
        // Not strict: the extra key is tolerated, the missing ones are not.
        XCTAssertThrowsError(try CLIPVisionEncoder(config: config, weights: edited, strict: false))
        // The ignorable position_ids buffer of older checkpoints is accepted.
        let withIds = EditedWeightSource(file, adding: ["vision_model.embeddings.position_ids":
                                                            TensorInfo(dtype: .f32, shape: [1, 17], byteCount: 68)])
        XCTAssertNoThrow(try CLIPVisionEncoder(config: config, weights: withIds))
    }

    func testShapeMismatchNamesBothShapes() throws {
        var config = try CLIPVisionConfig.load(path: CLIPFixtures.path("clip_tiny_config.json"))
        config.intermediateSize = 48
        let file = try CLIPFixtures.safetensors("clip_tiny_weights.safetensors")
        XCTAssertThrowsError(try CLIPVisionEncoder(config: config, weights: file)) { error in
            guard case let CLIPError.weightMismatch(_, missing, unused, wrongShape) = error else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(missing, [])
            XCTAssertEqual(unused, [])
            XCTAssertEqual(wrongShape.count, 6)  // fc1.weight, fc1.bias, fc2.weight per layer
            XCTAssertTrue(wrongShape.contains("vision_model.encoder.layers.0.mlp.fc1.weight: expected [48, 32], found [64, 32]"),
                          "\(wrongShape)")
        }
    }
}
