// A PEFT LoRA saved by diffusers' save_lora_weights (alpha only in `lora_adapter_metadata`), against the
// PEFT-adapted diffusers forward. Tolerance as the base transformer (see FluxTransformerParityTests): PEFT
// applies the scale after B(A(x)); we fold it into B once (one extra rounding per B entry, ~1e-7 relative).
import Formats
import Models
import TensorCore
import XCTest

final class FluxSingleLoRATests: XCTestCase {
    let backend = FluxFixtures.backend

    func testAlphaFromAdapterMetadata() throws {
        let config = try FluxTransformerConfig.load(path: FluxFixtures.path("flux_tiny_guidance.config.json"))
        let lora = try SingleLoRA.load(path: FluxFixtures.path("flux_lora.peft.safetensors"), config: config)
        XCTAssertEqual(lora.modules.count, 15)
        for m in lora.modules {
            XCTAssertEqual(m.rank, 2, m.path)
            XCTAssertEqual(m.scale, 1.5, m.path)  // alpha 3 / r 2
        }
        XCTAssertFalse(lora.modules.contains { $0.path == "proj_out" })  // top-level proj_out is not adapted
    }

    func testForwardMatchesPEFT() throws {
        let config = try FluxTransformerConfig.load(path: FluxFixtures.path("flux_tiny_guidance.config.json"))
        let lora = try SingleLoRA.load(path: FluxFixtures.path("flux_lora.peft.safetensors"), config: config)
        let io = try FluxFixtures.open("flux_lora.io.safetensors")
        let model = try FluxFixtures.model("flux_tiny_guidance", io: io)
        let out = try FluxFixtures.forward(model, io: io, prefix: "inputs.", outputTokens: 16,
                                           adapters: lora.adapters, backend: backend)
        assertClose(out, try io.tensor("output"), atol: 2e-5, "single PEFT LoRA")
        // The LoRA must matter: without it the output is far away.
        let plain = try FluxFixtures.forward(model, io: io, prefix: "inputs.", outputTokens: 16, backend: backend)
        let moved = zip(plain.data, try io.tensor("output").data).map { abs($0 - $1) }.max() ?? 0
        XCTAssertGreaterThan(moved, 1e-2)
    }
}
