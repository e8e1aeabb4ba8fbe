// A complete multi-step latent-mode Kontext sampling run against diffusers (Tools/fixtures/sampling_fixtures.py):
// the committed tiny FLUX transformer (ModelsTests/Fixtures/flux_tiny_guidance.*), FlowMatchEulerDiscreteScheduler
// with FLUX's dynamic shift, 4 Euler steps on [noise | context] tokens with guidance 2.5, once on the plain model
// and once with the committed LoRWeB basis (release options) applied. The loop mirrors AnalogyPipeline.denoise.
//
// Tolerance. One forward of this model matches PyTorch to ~2e-6 absolute (FluxTransformerParityTests: float32
// summation order in the GEMMs, attention and norms; torch's sinusoid frequencies are used because the
// timestep sinusoid near t = 1000 is ill-conditioned, Docs/FLUX.md §1.3). The schedule and the Euler update are
// bit-exact (SchedulerTests), so all the error is the velocity error times Δσ, carried and re-amplified by the
// later forwards (the model's Jacobian on its input is O(1) here). Measured (latents of magnitude 2.5 ... 4.2):
// base 1.8e-7, 3.6e-7, 4.2e-7, 8.6e-7 and LoRWeB 1.8e-7, 2.5e-7, 4.8e-7, 7.5e-7 after steps 1-4, i.e. the error
// roughly doubles per step. atol 5e-6 (~1e-6 relative) leaves ~6x headroom for other BLAS builds / thread
// splits while still catching any wrong sign, index, timestep scale, id or adapter (LoRWeB moves the result 1.65).
import Foundation
import Formats
import Models
import Pipeline
import TensorCore
import XCTest

final class SamplingParityTests: XCTestCase {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let fixture = here.appendingPathComponent("Fixtures/sampling_tiny.safetensors").path
    static let models = here.deletingLastPathComponent().appendingPathComponent("ModelsTests/Fixtures").path
    static let atol: Float = 5e-6
    let backend: any Backend = CPUBackend(threads: 2)

    func transformer(_ io: SafetensorsFile) throws -> FluxTransformer {
        let config = try FluxTransformerConfig.load(path: Self.models + "/flux_tiny_guidance.config.json")
        var model = try FluxTransformer(config: config,
                                        weights: try SafetensorsFile(path: Self.models + "/flux_tiny_guidance.weights.safetensors"))
        model.timestepFrequencies = try io.tensor("timestep_freqs").data
        return model
    }

    /// The Kontext Euler loop as AnalogyPipeline.denoise runs it; returns the latents after every step.
    func sample(_ model: FluxTransformer, io: SafetensorsFile, adapters: FluxAdapters) throws -> [Tensor] {
        let noise = try io.tensor("noise"), context = try io.tensor("context")
        let n = noise.shape[1]
        let schedule = try FlowMatchScheduler(config: .flux).schedule(steps: 4, imageSeqLen: n)
        // The schedule itself must be diffusers' (bit-exact; a mismatch here would explain any error below).
        XCTAssertEqual(schedule.timesteps.map(\.bitPattern), try io.tensor("timesteps").data.map(\.bitPattern))
        XCTAssertEqual(schedule.sigmas.map(\.bitPattern), try io.tensor("sigmas").data.map(\.bitPattern))
        var latents = noise
        var after: [Tensor] = []
        for i in 0..<schedule.steps {
            let input = backend.concat([latents, context], axis: 1)
            let velocity = try model.forward(
                hidden: input, encoderHidden: try io.tensor("prompt_embeds"), pooled: try io.tensor("pooled"),
                timestep: [schedule.timesteps[i] / 1000], guidance: try io.tensor("guidance").data,
                imgIds: try io.tensor("img_ids"), txtIds: try io.tensor("txt_ids"),
                outputTokens: n, adapters: adapters, backend: backend)
            latents = try schedule.step(latents, velocity: velocity, index: i, backend: backend)
            after.append(latents)
        }
        return after
    }

    func compare(_ steps: [Tensor], io: SafetensorsFile, variant: String) throws {
        XCTAssertEqual(steps.count, 4)
        for (i, latents) in steps.enumerated() {
            let expected = try io.tensor("\(variant).latents_\(i + 1)")
            XCTAssertEqual(latents.shape, expected.shape)
            let (maxAbs, scale) = maxAbsDifference(latents.data, expected.data)
            print("[parity] sampling \(variant) step \(i + 1): max abs \(maxAbs), max rel \(maxAbs / scale) (scale \(scale))")
            XCTAssertLessThanOrEqual(maxAbs, Self.atol, "\(variant) step \(i + 1)")
        }
        // The final latents are the last step's (the fixture stores them separately, as the sampler returns them).
        let final = try io.tensor("\(variant).final")
        XCTAssertEqual(final.data, try io.tensor("\(variant).latents_4").data)
        XCTAssertEqual(steps.last?.shape, final.shape)
    }

    func testBaseModelFourStepKontextRunMatchesDiffusers() throws {
        let io = try SafetensorsFile(path: Self.fixture)
        try compare(try sample(try transformer(io), io: io, adapters: .none), io: io, variant: "base")
    }

    func testLoRWeBFourStepKontextRunMatchesDiffusers() throws {
        let io = try SafetensorsFile(path: Self.fixture)
        let model = try transformer(io)
        let config = try FluxTransformerConfig.load(path: Self.models + "/flux_tiny_guidance.config.json")
        let basis = try LoRWeBBasis.load(path: Self.models + "/flux_basis.lorweb.safetensors", config: config, options: .release)
        let adapters = try basis.apply(try basis.coefficients(query: try io.tensor("query").data, backend: backend))
        let steps = try sample(model, io: io, adapters: adapters)
        try compare(steps, io: io, variant: "lorweb")
        // The adapters must matter: the adapted run is far from the base fixture (diffusers: 1.65 apart).
        let base = try io.tensor("base.final").data
        let gap = zip(steps[3].data, base).map { abs($0 - $1) }.max() ?? 0
        XCTAssertGreaterThan(gap, 0.1)
    }
}
