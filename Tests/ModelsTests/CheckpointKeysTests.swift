// The key patterns `lorweb inspect` judges a file by come from the weight tables: every key of a full-size
// FLUX.1 and CLIP ViT-L/14 checkpoint is recognised, and a single block is never taken for a double one.
import Models
import XCTest

final class CheckpointKeysTests: XCTestCase {
    func testFullSizeFluxKeysGiveTheFluxOneBlockCounts() {
        let keys = FluxWeightKeys.expectedShapes(.kontextDev).map(\.key)
        let double = Set(keys.compactMap(CheckpointKeys.doubleBlock)), single = Set(keys.compactMap(CheckpointKeys.singleBlock))
        XCTAssertEqual(double, Set(0..<19))
        XCTAssertEqual(single, Set(0..<38))
        XCTAssertTrue((double.count, single.count) == CheckpointKeys.fluxOneBlocks)
        XCTAssertEqual(keys.filter(CheckpointKeys.isFluxInputEmbedding), ["x_embedder.weight"])
        XCTAssertNil(CheckpointKeys.doubleBlock("single_transformer_blocks.3.attn.to_q.weight"))
        XCTAssertEqual(CheckpointKeys.doubleBlock("transformer.transformer_blocks.7.attn.to_q.lora_A"), 7)
    }

    func testClipAndAdapterPatterns() {
        let clip = CLIPVisionConfig.clipViTLargePatch14.expectedWeights(prefix: "image_encoder.").map(\.key)
        XCTAssertEqual(Set(clip.compactMap(CheckpointKeys.clipLayer)), Set(0..<24))
        XCTAssertTrue(CheckpointKeys.isLoRADown("transformer.transformer_blocks.0.attn.to_q.lora_A"))
        XCTAssertFalse(CheckpointKeys.isLoRADown("transformer.transformer_blocks.0.attn.to_q.lora_B"))
        XCTAssertTrue(CheckpointKeys.isBasisKeys("transformer.single_transformer_blocks.1.proj_out.lora_keys"))
        XCTAssertTrue(CheckpointKeys.isKohyaLoRA("lora_unet_double_blocks_0_img_attn_qkv.lora_down.weight"))
    }
}
