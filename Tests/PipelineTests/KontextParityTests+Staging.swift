// Staged loading of the flux-kontext family: one large part resident at a time. The transformer is checked at
// load and read at the first step; the text encoders are read only for a prompt neither memoised nor cached,
// and the transformer is dropped while they run. The bytes do not change (KontextParityTests, the goldens).
import Formats
import Pipeline
import TensorCore
import XCTest

extension KontextParityTests {
    func testStagedLoadingKeepsTheTransformerAndTheTextEncodersApart() throws {
        let (model, basis, query) = try load()
        let kontext = try XCTUnwrap(model.kontext)
        XCTAssertFalse(model.transformerIsResident, "load model only checks the transformer's folder")
        XCTAssertFalse(model.imageEncoderIsResident, "encode pair drops the query encoder")
        XCTAssertEqual(kontext.textEncoderLoads, 0)
        let c = try XCTUnwrap(KontextParityTests.cases().first)
        var options = self.options(c)
        options.steps = 1
        let mix = try AnalogyPipeline.blend(basis, query: query)
        let adapters = try basis.basis.apply(Dictionary(uniqueKeysWithValues: zip(mix.layers, mix.coefficients)))

        let start = try KontextSampling.prepare(model, kontext, query: query, options: options)
        XCTAssertEqual(kontext.textEncoderLoads, 1)
        XCTAssertFalse(model.transformerIsResident)
        let first = try KontextSampling.finalLatents(model, start, adapters: adapters, options: options)
        XCTAssertTrue(model.transformerIsResident, "the first step loads it")

        // The same prompt again: memoised, nothing is loaded and the transformer stays.
        _ = try KontextSampling.prepare(model, kontext, query: query, options: options)
        XCTAssertEqual(kontext.textEncoderLoads, 1)
        XCTAssertTrue(model.transformerIsResident)

        // A new prompt: the transformer goes while the encoders run, and comes back with the same weights.
        options.prompt = "another edit"
        let other = try KontextSampling.prepare(model, kontext, query: query, options: options)
        XCTAssertEqual(kontext.textEncoderLoads, 2)
        XCTAssertFalse(model.transformerIsResident)
        _ = try KontextSampling.finalLatents(model, other, adapters: adapters, options: options)
        XCTAssertTrue(model.transformerIsResident)
        options.prompt = c.prompt
        let again = try KontextSampling.finalLatents(model, start, adapters: adapters, options: options)
        XCTAssertEqual(again.data.map { $0.bitPattern }, first.data.map { $0.bitPattern }, "reloaded weights give the same bits")

        // A whole sample drops the transformer before the VAE decode, and a second encode pair reloads the encoder.
        _ = try AnalogyPipeline.sample(model, query: query, mix: mix, options: options)
        XCTAssertFalse(model.transformerIsResident, "the decoder runs without the transformer")
        let images = try ["a", "a_prime", "b"].map { try PNGFile.read(path: Self.path("\($0).png")).image }
        let again2 = try AnalogyPipeline.encodePair(model, a: images[0], aPrime: images[1], b: images[2])
        XCTAssertEqual(again2.embedding.data.map { $0.bitPattern }, query.embedding.data.map { $0.bitPattern })

        // Streaming (one block resident at a time): the same bits again.
        let streamedModel = try LoadedModel.load(Self.path("FLUX.1-Kontext-tiny"), imageEncoder: Self.path("clip-vision-tiny"),
                                                 context: ExecutionContext(streamWeights: true))
        let streamedStart = try KontextSampling.prepare(streamedModel, try XCTUnwrap(streamedModel.kontext), query: query, options: options)
        let streamed = try KontextSampling.finalLatents(streamedModel, streamedStart, adapters: adapters, options: options)
        XCTAssertTrue(try streamedModel.transformer().isStreaming)
        XCTAssertEqual(streamed.data.map { $0.bitPattern }, first.data.map { $0.bitPattern }, "streamed blocks give the same bits")
    }
}
