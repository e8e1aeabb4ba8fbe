// Text encoder folders and inputs that cannot be used: each a thrown error naming the file and the problem.

import Foundation
import Formats
import Models
import TensorCore
import XCTest

final class TextEncoderBadInputTests: XCTestCase {
    func assertThrows(_ body: @autoclosure () throws -> Any, contains parts: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            for part in parts { XCTAssertTrue("\(error)".contains(part), "\"\(error)\" lacks \"\(part)\"", file: file, line: line) }
        }
    }

    /// A temporary copy of a fixture folder, removed after the test.
    func copy(_ name: String) throws -> String {
        let folder = try TextEncoderFixtures.copy(name)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
        return folder
    }

    func testMissingFolderAndConfig() throws {
        let missing = TextEncoderFixtures.path("no_such_folder")
        assertThrows(try CLIPTextEncoder(folder: missing), contains: [missing, "folder does not exist"])
        assertThrows(try T5Encoder(folder: missing), contains: [missing, "T5 encoder folder does not exist"])
        let folder = try copy("t5")
        try FileManager.default.removeItem(atPath: folder + "/config.json")
        assertThrows(try T5Encoder(folder: folder), contains: [folder + "/config.json", "cannot open"])
    }

    func testFolderWithoutWeights() throws {
        let folder = try copy("clip_text")
        try FileManager.default.removeItem(atPath: folder + "/model.safetensors")
        assertThrows(try CLIPTextEncoder(folder: folder), contains: [folder, "no unambiguous weights"])
    }

    func testUnreadableOrUnsupportedConfig() throws {
        let t5 = try copy("t5")
        try Data("{\"d_model\": ".utf8).write(to: URL(fileURLWithPath: t5 + "/config.json"))
        assertThrows(try T5Encoder(folder: t5), contains: [t5 + "/config.json", "not a usable T5 config"])
        try Data(#"{"feed_forward_proj": "gated-silu"}"#.utf8).write(to: URL(fileURLWithPath: t5 + "/config.json"))
        assertThrows(try T5Encoder(folder: t5), contains: [t5 + "/config.json", "feed_forward_proj \"gated-silu\" is not supported"])
        let clip = try copy("clip_text")
        try Data(#"{"hidden_act": "gelu", "hidden_size": 32, "num_attention_heads": 4}"#.utf8).write(to: URL(fileURLWithPath: clip + "/config.json"))
        assertThrows(try CLIPTextEncoder(folder: clip), contains: [clip + "/config.json", "hidden_act \"gelu\" is not supported"])
        try Data(#"{"hidden_size": 30, "num_attention_heads": 4}"#.utf8).write(to: URL(fileURLWithPath: clip + "/config.json"))
        assertThrows(try CLIPTextEncoder(folder: clip), contains: ["hidden_size 30 is not a multiple of num_attention_heads 4"])
    }

    func testMissingShardAndShardWithoutItsTensors() throws {
        let folder = try copy("t5")
        try FileManager.default.removeItem(atPath: folder + "/model-00002-of-00002.safetensors")
        assertThrows(try T5Encoder(folder: folder), contains: [folder + "/model-00002-of-00002.safetensors"])
        // An index naming a shard that lacks the tensor it lists.
        let other = try copy("t5")
        let index = other + "/model.safetensors.index.json"
        let text = try String(contentsOfFile: index, encoding: .utf8)
            .replacingOccurrences(of: "\"encoder.final_layer_norm.weight\": \"model-00002-of-00002.safetensors\"",
                                  with: "\"encoder.final_layer_norm.weight\": \"model-00001-of-00002.safetensors\"")
        try Data(text.utf8).write(to: URL(fileURLWithPath: index))
        assertThrows(try T5Encoder(folder: other), contains: [index, "encoder.final_layer_norm.weight", "model-00001-of-00002.safetensors"])
    }

    func testWeightsThatDoNotFitTheConfigAreAllListed() throws {
        let config = try T5EncoderConfig.decode(try Data(contentsOf: URL(fileURLWithPath: TextEncoderFixtures.path("t5/config.json"))))
        let weights = try WeightSources.open(path: TextEncoderFixtures.path("t5"))
        let q = "encoder.block.1.layer.0.SelfAttention.q.weight"
        let edited = EditedWeightSource(weights, hiding: [q, "encoder.final_layer_norm.weight"],
                                        adding: [q: TensorInfo(dtype: .bf16, shape: [32, 31], byteCount: 32 * 31 * 2),
                                                 "encoder.block.1.layer.0.SelfAttention.bias": TensorInfo(dtype: .bf16, shape: [32], byteCount: 64)])
        assertThrows(try T5Encoder(config: config, weights: edited, sourceName: "t5 folder"),
                     contains: ["t5 folder", "1 missing: \"encoder.final_layer_norm.weight\"", "1 unexpected: \"encoder.block.1.layer.0.SelfAttention.bias\"",
                                "1 with the wrong shape: \"\(q) [32, 31], expected [32, 32]\""])
        // A CLIP folder given to T5: nothing fits.
        assertThrows(try T5Encoder(config: config, weights: try WeightSources.open(path: TextEncoderFixtures.path("clip_text")), sourceName: "clip"),
                     contains: ["T5 encoder weights do not fit config.json", "missing", "unexpected"])
        let clipConfig = try CLIPTextConfig.decode(try Data(contentsOf: URL(fileURLWithPath: TextEncoderFixtures.path("clip_text/config.json"))))
        let clipWeights = try WeightSources.open(path: TextEncoderFixtures.path("clip_text"))
        let fc1 = "text_model.encoder.layers.0.mlp.fc1.weight"
        let misshapen = EditedWeightSource(clipWeights, hiding: [fc1], adding: [fc1: TensorInfo(dtype: .f16, shape: [65, 32], byteCount: 65 * 64)])
        assertThrows(try CLIPTextEncoder(config: clipConfig, weights: misshapen, sourceName: "clip folder"),
                     contains: ["clip folder", "CLIP text weights do not fit config.json", "\(fc1) [65, 32], expected [64, 32]"])
    }

    func testIdsThatCannotBeEncoded() throws {
        let backend = CPUBackend(threads: 1)
        let clip = try CLIPTextEncoder(folder: TextEncoderFixtures.path("clip_text"))
        assertThrows(try clip([[49406, 49408]], backend: backend), contains: ["id 49408 at row 0, position 1 is outside the vocabulary 0..<49408"])
        assertThrows(try clip([[3, -1]], backend: backend), contains: ["id -1"])
        assertThrows(try clip([[Int32]](repeating: [1], count: 1).map { _ in [Int32](repeating: 5, count: 78) }, backend: backend),
                     contains: ["78 ids per row, the model has 77 positions"])
        assertThrows(try clip([[1, 2, 3], [1, 2]], backend: backend), contains: ["row 1 has 2 ids, row 0 has 3"])
        assertThrows(try clip([], backend: backend), contains: ["no token ids"])
        let t5 = try T5Encoder(folder: TextEncoderFixtures.path("t5"))
        assertThrows(try t5([[1, 32128]], backend: backend), contains: ["T5 encoder", "id 32128", "0..<32128"])
        assertThrows(try t5([[]], backend: backend), contains: ["no token ids"])
    }
}
