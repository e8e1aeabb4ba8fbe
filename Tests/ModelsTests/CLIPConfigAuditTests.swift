// CLIP vision configs and the full-size key/shape audit (issue 3): openai/clip-vit-large-patch14's vision tower
// (1024 wide, 24 layers, 16 heads, MLP 4096, patch 14, 224 px, projection 768) checked from shapes alone against
// the key list transformers builds on the meta device (Tools/fixtures/clip_fixtures.py, no weights anywhere).

import Foundation
import Formats
import Models
import XCTest

final class CLIPConfigAuditTests: XCTestCase {
    func transformersKeys() throws -> [(String, [Int])] {
        let text = String(decoding: try CLIPFixtures.data("clip_vit_large_patch14_keys.txt"), as: UTF8.self)
        return text.split(separator: "\n").map { line in
            let parts = line.split(separator: " ")
            return (String(parts[0]), parts[1].split(separator: ",").map { Int($0)! })
        }
    }

    func testFullCLIPConfigDecodesToViTLarge14() throws {
        let config = try CLIPVisionConfig.decode(try CLIPFixtures.data("clip_vit_large_patch14_config.json"))
        XCTAssertEqual(config, CLIPVisionConfig.clipViTLargePatch14)
        XCTAssertEqual(config.tokenCount, 257)
        XCTAssertEqual(config.headDim, 64)
    }

    func testViTLarge14KeysAndShapesMatchTransformers() throws {
        let expected = CLIPVisionConfig.clipViTLargePatch14.expectedWeights()
        let reference = try transformersKeys()
        XCTAssertEqual(expected.count, 392)
        XCTAssertEqual(reference.count, 392)
        // Same keys, same shapes, same order (transformers' state_dict order).
        XCTAssertEqual(expected.map(\.key), reference.map(\.0))
        XCTAssertEqual(expected.map(\.shape), reference.map(\.1))
        let parameters = expected.reduce(0) { $0 + $1.shape.reduce(1, *) }
        XCTAssertEqual(parameters, 303_966_208)
        XCTAssertEqual(expected.first { $0.key.hasSuffix("patch_embedding.weight") }?.shape, [1024, 3, 14, 14])
        XCTAssertEqual(expected.first { $0.key == "visual_projection.weight" }?.shape, [768, 1024])
    }

    func testViTLarge14ShapeOnlySourcePassesTheStrictCheck() throws {
        let config = CLIPVisionConfig.clipViTLargePatch14
        var shapes = Dictionary(uniqueKeysWithValues: try transformersKeys())
        XCTAssertNoThrow(try config.checkWeights(ShapeOnlyWeightSource(shapes)))
        // With a prefix, as in a pipeline's single checkpoint, and unrelated keys outside it.
        let prefixed = Dictionary(uniqueKeysWithValues: shapes.map { ("image_encoder." + $0.key, $0.value) })
            .merging(["transformer.proj_out.weight": [64, 3072]]) { a, _ in a }
        XCTAssertNoThrow(try config.checkWeights(ShapeOnlyWeightSource(prefixed), prefix: "image_encoder."))
        // One wrong shape is named with both shapes.
        shapes["vision_model.encoder.layers.23.self_attn.v_proj.weight"] = [1024, 768]
        XCTAssertThrowsError(try config.checkWeights(ShapeOnlyWeightSource(shapes))) { error in
            XCTAssertTrue("\(error)".contains("layers.23.self_attn.v_proj.weight: expected [1024, 1024], found [1024, 768]"), "\(error)")
        }
    }

    func testDefaultsAndValidation() throws {
        let minimal = try CLIPVisionConfig.decode(Data(#"{"hidden_size": 64, "num_attention_heads": 4}"#.utf8))
        XCTAssertEqual(minimal.patchSize, 32)
        XCTAssertEqual(minimal.imageSize, 224)
        XCTAssertEqual(minimal.hiddenAct, "quick_gelu")
        XCTAssertEqual(minimal.layerNormEps, 1e-5)
        XCTAssertEqual(minimal.projectionDim, 512)
        XCTAssertThrowsError(try CLIPVisionConfig.decode(Data(#"{"hidden_size": 30, "num_attention_heads": 4}"#.utf8))) {
            XCTAssertTrue("\($0)".contains("not a multiple"), "\($0)")
        }
        XCTAssertThrowsError(try CLIPVisionConfig.decode(Data(#"{"hidden_act": "gelu"}"#.utf8))) {
            XCTAssertTrue("\($0)".contains("hidden_act \"gelu\""), "\($0)")
        }
        XCTAssertThrowsError(try CLIPVisionConfig.decode(Data("{".utf8)))
    }

    func testTinyFixtureKeysMatchExpectedWeights() throws {
        let config = try CLIPVisionConfig.load(path: CLIPFixtures.path("clip_tiny_config.json"))
        let file = try CLIPFixtures.safetensors("clip_tiny_weights.safetensors")
        XCTAssertEqual(Set(config.expectedWeights().map(\.key)), Set(file.keys))
        XCTAssertEqual(config.expectedWeights().count, 8 + 16 * 2)
    }
}
