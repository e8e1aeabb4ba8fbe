// The published configs of FLUX.1's text encoders, built from shapes alone (no weights anywhere): CLIP-L's text
// tower and the T5-XXL encoder, against the key lists transformers builds on the meta device
// (Tools/fixtures/text_encoder_fixtures.py).

import Foundation
import Formats
import Models
import XCTest

final class TextEncoderConfigAuditTests: XCTestCase {
    func transformersKeys(_ name: String) throws -> [(String, [Int])] {
        let text = try String(contentsOfFile: TextEncoderFixtures.path(name), encoding: .utf8)
        return text.split(separator: "\n").map { line in
            let parts = line.split(separator: " ")
            return (String(parts[0]), parts[1].split(separator: ",").map { Int($0)! })
        }
    }

    func testCLIPLargeTextTowerKeysShapesAndSize() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: TextEncoderFixtures.path("clip_text_large_config.json")))
        let config = try CLIPTextConfig.decode(data)
        XCTAssertEqual(config, CLIPTextConfig.fluxCLIPLarge)
        let expected = config.expectedWeights(layout: .unprefixed)
        let reference = try transformersKeys("clip_text_large_keys.txt")
        XCTAssertEqual(expected.map(\.key), reference.map(\.0))
        XCTAssertEqual(expected.map(\.shape), reference.map(\.1))
        XCTAssertEqual(expected.count, 196)
        XCTAssertEqual(expected.reduce(0) { $0 + $1.shape.reduce(1, *) }, 123_060_480)
        // FLUX's text_encoder/ holds the same tensors under "text_model.": that layout passes the strict check too.
        let prefixed = Dictionary(uniqueKeysWithValues: reference.map { ("text_model." + $0.0, $0.1) })
        XCTAssertNoThrow(try config.checkWeights(ShapeOnlyWeightSource(prefixed)))
        XCTAssertNoThrow(try config.checkWeights(ShapeOnlyWeightSource(Dictionary(uniqueKeysWithValues: reference))))
    }

    func testT5XXLEncoderKeysShapesAndSize() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: TextEncoderFixtures.path("t5_xxl_encoder_config.json")))
        let config = try T5EncoderConfig.decode(data)
        XCTAssertEqual(config, T5EncoderConfig.fluxT5XXL)
        // transformers' state_dict lists the tied embedding under both names.
        let reference = try transformersKeys("t5_xxl_encoder_keys.txt")
        let both = config.expectedWeights(embeddingKeys: ["shared.weight", "encoder.embed_tokens.weight"])
        XCTAssertEqual(both.map(\.key), reference.map(\.0))
        XCTAssertEqual(both.map(\.shape), reference.map(\.1))
        // Unique tensors: 219 keys, 4.76 B parameters (18 GiB in f32, 8.9 GiB in bf16).
        let unique = config.expectedWeights()
        XCTAssertEqual(unique.count, 219)
        XCTAssertEqual(unique.reduce(0) { $0 + $1.shape.reduce(1, *) }, 4_762_310_656)
        var shapes = Dictionary(uniqueKeysWithValues: reference)
        XCTAssertNoThrow(try config.checkWeights(ShapeOnlyWeightSource(shapes)))
        shapes["encoder.embed_tokens.weight"] = nil
        XCTAssertNoThrow(try config.checkWeights(ShapeOnlyWeightSource(shapes)))
        shapes["encoder.block.23.layer.1.DenseReluDense.wi_1.weight"] = [10240, 4095]
        XCTAssertThrowsError(try config.checkWeights(ShapeOnlyWeightSource(shapes))) { error in
            XCTAssertTrue("\(error)".contains("encoder.block.23.layer.1.DenseReluDense.wi_1.weight [10240, 4095], expected [10240, 4096]"), "\(error)")
        }
    }

    func testDefaultsAreTransformers() throws {
        let clip = try CLIPTextConfig.decode(Data("{}".utf8))
        XCTAssertEqual([clip.vocabSize, clip.hiddenSize, clip.numHiddenLayers, clip.maxPositionEmbeddings, clip.eosTokenId],
                       [49408, 512, 12, 77, 49407])
        let t5 = try T5EncoderConfig.decode(Data("{}".utf8))
        XCTAssertEqual(t5.feedForward, .relu)
        XCTAssertEqual([t5.dModel, t5.dKv, t5.numHeads, t5.relativeAttentionNumBuckets], [512, 64, 8, 32])
        XCTAssertEqual(t5.expectedWeights().filter { $0.key.contains("DenseReluDense.wi.") }.count, 6)
    }
}
