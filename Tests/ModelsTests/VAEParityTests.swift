// AutoencoderKL against diffusers (Tools/fixtures/vae_fixtures.py): the FLUX-like tiny VAE (f32 and bf16
// weights) and an SD-like one with quant convs and no mid-block attention, encode (posterior mean) and decode,
// plus FluxKontextPipeline's latent scaling, which must be bit-identical to torch's.
import Foundation
import Formats
import Models
import TensorCore
import XCTest

enum VAEFixtures {
    static func folder(_ name: String) -> String { CLIPFixtures.path(name) }
    static func io() throws -> SafetensorsFile { try CLIPFixtures.safetensors("vae_io.safetensors") }
}

final class VAEParityTests: XCTestCase {
    let backend = CPUBackend(threads: 2)

    /// Encode and decode of model `folder` against the fixture's `key.*` tensors (abs tolerance per output).
    func checkParity(folder: String, key: String, encodeTolerance: Float, decodeTolerance: Float) throws {
        let vae = try AutoencoderKL(folder: VAEFixtures.folder(folder))
        let io = try VAEFixtures.io()
        let image = try io.tensor("\(key).image")
        let moments = try vae.moments(image, backend: backend)
        assertClose(moments, try io.tensor("\(key).moments"), atol: encodeTolerance, "\(key) moments")
        assertClose(try vae.encode(image, backend: backend), try io.tensor("\(key).mean"), atol: encodeTolerance, "\(key) mean")
        assertClose(try vae.decode(try io.tensor("\(key).latents"), backend: backend), try io.tensor("\(key).decoded"),
                    atol: decodeTolerance, "\(key) decoded")
    }

    func testTinyFluxLikeVAEMatchesDiffusers() throws {
        try checkParity(folder: "vae_tiny", key: "tiny", encodeTolerance: 1e-5, decodeTolerance: 1e-5)
    }

    func testBF16WeightsMatchDiffusersWithTheSameRoundedWeights() throws {
        try checkParity(folder: "vae_tiny_bf16", key: "tiny_bf16", encodeTolerance: 1e-5, decodeTolerance: 1e-5)
    }

    func testSDLikeVAEWithQuantConvsMatchesDiffusers() throws {
        try checkParity(folder: "vae_tiny_sd", key: "sd", encodeTolerance: 1e-5, decodeTolerance: 1e-5)
    }

    /// (mean - shift) * scale and z / scale + shift: one f32 op each, in the pipeline's order, as torch computes them.
    func testPipelineScalingIsBitIdenticalToTorch() throws {
        let vae = try AutoencoderKL(folder: VAEFixtures.folder("vae_tiny"))
        let io = try VAEFixtures.io()
        let packed = vae.pipelineLatents(fromMean: try io.tensor("tiny.mean"), backend: backend)
        XCTAssertEqual(Conformance.difference(packed, try io.tensor("tiny.packed_input")), nil)
        let unscaled = vae.decoderInput(fromPipelineLatents: try io.tensor("tiny.latents"), backend: backend)
        XCTAssertEqual(Conformance.difference(unscaled, try io.tensor("tiny.unscaled")), nil)
    }

    /// The whole decode is the same bytes on the reference backend and on the CPU backend at 1 and 3 threads.
    func testDecodeIsIdenticalOnEveryExactBackend() throws {
        let vae = try AutoencoderKL(folder: VAEFixtures.folder("vae_tiny"))
        let latents = try VAEFixtures.io().tensor("tiny.latents")
        let expected = try vae.decode(latents, backend: ReferenceBackend())
        for threads in [1, 3] {
            XCTAssertEqual(Conformance.difference(try vae.decode(latents, backend: CPUBackend(threads: threads)), expected), nil,
                           "\(threads) threads")
        }
        let image = try VAEFixtures.io().tensor("tiny.image")
        XCTAssertEqual(Conformance.difference(try vae.encode(image, backend: CPUBackend(threads: 1)),
                                              try vae.encode(image, backend: CPUBackend(threads: 3))), nil)
    }
}
