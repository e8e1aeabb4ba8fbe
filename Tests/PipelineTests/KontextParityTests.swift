// The real pipeline end to end against diffusers (Tools/fixtures/kontext_fixtures.py): tiny seeded components in
// the exact diffusers folder layout (model_index.json, transformer/, vae/, text_encoder/, text_encoder_2/ sharded
// bf16, tokenizer/ with the real CLIP vocabulary, tokenizer_2/ a trained unigram model, scheduler/), a CLIP vision
// folder as the query encoder and an official-format basis with its config.yaml. The reference ran
// FluxKontextPipeline with LoRWeB's AttLoRA on the same PNGs, prompt and torch-cpu noise.
//
// Each stage is compared on its own (prompt embeddings, VAE context latents, noise, final latents, the decoded
// image) and then the PNG bytes. Measured figures are in the CHANGELOG entry of issue 19.
import Foundation
import Formats
import Models
import Pipeline
import TensorCore
import XCTest

final class KontextParityTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/kontext_tiny")
    static func path(_ name: String) -> String { root.appendingPathComponent(name).path }

    struct Case: Decodable {
        let name: String, prompt: String, seed: UInt64, steps: Int
        let max_area: Int, width: Int, height: Int, noise_kernel: String
    }

    static func cases() throws -> [Case] {
        try JSONDecoder().decode([Case].self, from: Data(contentsOf: URL(fileURLWithPath: path("cases.json"))))
    }

    /// torch.backends.cpu.get_cpu_capability() → the TorchCPUGenerator kernel that drew the same noise.
    static func kernel(_ capability: String) -> String { capability == "AVX2" ? "avx2" : "generic" }

    func load() throws -> (LoadedModel, LoadedBasis, Query) {
        let model = try LoadedModel.load(Self.path("FLUX.1-Kontext-tiny"), imageEncoder: Self.path("clip-vision-tiny"))
        let basis = try LoadedBasis.load(Self.path("basis/lorweb.safetensors"), for: model)
        let images = try ["a", "a_prime", "b"].map { try PNGFile.read(path: Self.path("\($0).png")).image }
        let query = try AnalogyPipeline.encodePair(model, a: images[0], aPrime: images[1], b: images[2])
        return (model, basis, query)
    }

    func options(_ c: Case) -> SampleOptions {
        var options = SampleOptions()
        options.steps = c.steps
        options.guidance = 2.5
        options.prompt = c.prompt
        options.maxArea = c.max_area
        options.autoResize = false
        options.noise = .torchCPU(seed: c.seed, kernel: Self.kernel(c.noise_kernel))
        return options
    }

    func assertClose(_ actual: Tensor, _ expected: Tensor, atol: Float, _ what: String) {
        XCTAssertEqual(actual.count, expected.count, "\(what): \(actual.shape) vs \(expected.shape)")
        let (d, scale) = maxAbsDifference(actual.data, expected.data)
        XCTAssertLessThanOrEqual(d, atol, "\(what): max |Δ| \(d) (scale \(scale))")
        print("KontextParity \(what): max |Δ| \(d), scale \(scale)")
    }

    func testTheFolderIsRecognisedAndTheBasisBinds() throws {
        let (model, basis, query) = try load()
        XCTAssertEqual(model.config.family, "flux-kontext")
        XCTAssertEqual(model.config.defaultSteps, 28)
        XCTAssertEqual(model.config.defaultGuidance, 2.5)
        XCTAssertEqual(basis.size, 3)
        let io = try SafetensorsFile(path: Self.path("io.safetensors"))
        assertClose(query.embedding, try io.tensor("query"), atol: 1e-5, "query")
    }

    func testEveryStageAndTheImageMatchDiffusers() throws {
        let (model, basis, query) = try load()
        let kontext = try XCTUnwrap(model.kontext)
        let mix = try AnalogyPipeline.blend(basis, query: query)
        let adapters = try basis.basis.apply(Dictionary(uniqueKeysWithValues: zip(mix.layers, mix.coefficients)))
        let io = try SafetensorsFile(path: Self.path("io.safetensors"))
        for c in try Self.cases() {
            let options = options(c)
            let start = try KontextSampling.prepare(model, kontext, query: query, options: options)
            XCTAssertEqual(start.output.width, c.width)
            XCTAssertEqual(start.output.height, c.height)
            assertClose(start.prompt.embeds, try io.tensor("\(c.name).prompt_embeds"), atol: 2e-4, "\(c.name) T5 prompt_embeds")
            assertClose(start.prompt.pooled, try io.tensor("\(c.name).pooled"), atol: 1e-5, "\(c.name) CLIP pooled")
            assertClose(start.context, try io.tensor("\(c.name).context"), atol: 1e-4, "\(c.name) VAE context latents")
            // torch's CPU generator drew this noise: same kernel, same bits.
            let noise = try io.tensor("\(c.name).noise")
            XCTAssertEqual(start.noise.shape, noise.shape, "\(c.name) noise shape")
            XCTAssertEqual(start.noise.data.map(\.bitPattern), noise.data.map(\.bitPattern), "\(c.name) initial noise, bit for bit")
            let latents = try KontextSampling.finalLatents(model, start, adapters: adapters, options: options)
            let expected = try io.tensor("\(c.name).final")
            assertClose(latents, expected, atol: 1e-4, "\(c.name) final latents")

            let image = try KontextSampling.decode(latents, start)
            let reference = try PNGFile.read(path: Self.path("\(c.name).grid.png")).image
            XCTAssertEqual(image.width, reference.width)
            XCTAssertEqual(image.height, reference.height)
            var off = 0, worst = 0
            for (x, y) in zip(image.pixels, reference.pixels) where x != y {
                off += 1
                worst = max(worst, abs(Int(x) - Int(y)))
            }
            let bPrime = try AnalogyPipeline.sample(model, query: query, mix: mix, options: options)
            let expectedBPrime = try PNGFile.read(path: Self.path("\(c.name).bprime.png")).image
            XCTAssertEqual(bPrime.width, c.width / 2)
            XCTAssertEqual(AnalogyGrid.bottomRight(image).pixels, bPrime.pixels, "sample() gives the decoded grid's bottom-right")
            var bOff = 0
            for (x, y) in zip(bPrime.pixels, expectedBPrime.pixels) where abs(Int(x) - Int(y)) > 1 { bOff += 1 }
            print("KontextParity \(c.name): grid \(off) of \(image.pixels.count) channel values differ (worst \(worst) levels); "
                  + "b' \(bOff) of \(bPrime.pixels.count) beyond 1 level")
            XCTAssertLessThanOrEqual(worst, 1, "\(c.name): the decoded grid within 1 u8 level of diffusers")
            XCTAssertLessThanOrEqual(Double(bOff), 0.001 * Double(bPrime.pixels.count), "\(c.name): ≥ 99.9 % of b' within 1 level")
        }
    }

    /// A StageCache that records what was asked and stored.
    final class RecordingCache: StageCache, @unchecked Sendable {
        var entries: [String: [Tensor]] = [:]
        var hits = 0
        func tensors(for key: String) -> [Tensor]? {
            if let found = entries[key] { hits += 1; return found }
            return nil
        }
        func store(_ tensors: [Tensor], for key: String) { entries[key] = tensors }
    }

    func testPromptEmbeddingsAndReferenceLatentsAreReusedFromTheCache() throws {
        let c = try XCTUnwrap(Self.cases().first)
        let cache = RecordingCache()
        var options = options(c)
        options.stageCache = cache
        let (first, _, query) = try load()
        let a = try KontextSampling.prepare(first, try XCTUnwrap(first.kontext), query: query, options: options)
        XCTAssertEqual(cache.entries.count, 2, "the prompt (T5 + CLIP) and the reference latents")
        XCTAssertEqual(cache.hits, 0)
        // A second process (a new model object, so nothing kept in memory) reads both back.
        let (second, _, _) = try load()
        let b = try KontextSampling.prepare(second, try XCTUnwrap(second.kontext), query: query, options: options)
        XCTAssertEqual(cache.hits, 2)
        XCTAssertEqual(a.context.data, b.context.data)
        XCTAssertEqual(a.prompt.embeds.data, b.prompt.embeds.data)
        // Another prompt is another key.
        options.prompt = "something else"
        _ = try KontextSampling.prepare(second, try XCTUnwrap(second.kontext), query: query, options: options)
        XCTAssertEqual(cache.entries.count, 3)
    }
}
