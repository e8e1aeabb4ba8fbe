import Formats
import Models
import Pipeline
import TensorCore
import XCTest

/// The whole analogy pipeline on the embedded `mini` model (recipe-free smoke path of issue 3).
final class AnalogyPipelineTests: XCTestCase {
    static let images = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Recipes/images").standardized.path

    func load(_ name: String) throws -> RGBImage {
        try PNGFile.read(path: "\(Self.images)/\(name).png").image
    }

    func sample(threads: Int, steps: Int = 3, seed: UInt64 = 7, mix useMix: Bool = true,
                streamWeights: Bool = false) throws -> RGBImage {
        let model = try LoadedModel.load("mini", context: ExecutionContext(threads: threads, streamWeights: streamWeights))
        let basis = try LoadedBasis.load("mini", for: model)
        let query = try AnalogyPipeline.encodePair(model, a: load("red-circle"), aPrime: load("blue-circle"),
                                                   b: load("red-square"))
        let mix = try AnalogyPipeline.blend(basis, query: query)
        var options = SampleOptions()
        options.steps = steps
        options.noise = .canonical(seed: seed, stream: 1)
        return try AnalogyPipeline.sample(model, query: query, mix: useMix ? mix : nil, options: options)
    }

    func testMiniSamplesACellSizedImageAndWritesAPNG() throws {
        let image = try sample(threads: 2)
        XCTAssertEqual(image.width, MiniFamily.cell)
        XCTAssertEqual(image.height, MiniFamily.cell)
        XCTAssertGreaterThan(Set(image.pixels).count, 8, "the sample should not be a flat image")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("lorweb-pipeline-\(getpid()).png").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        try PNGFile.write(image, to: out)
        XCTAssertEqual(try PNGFile.read(path: out).image, image)
    }

    func testSameBytesAtOneAndThreeThreadsAndAcrossRuns() throws {
        let one = try sample(threads: 1)
        XCTAssertEqual(one, try sample(threads: 3))
        XCTAssertEqual(one, try sample(threads: 1))
    }

    /// Streaming packs each block when the forward pass reaches it, every step: the same packing, the same bytes.
    func testStreamedWeightsGiveTheSameBytes() throws {
        XCTAssertEqual(try sample(threads: 2, streamWeights: true), try sample(threads: 2))
        let streamed = try LoadedModel.load("mini", context: ExecutionContext(streamWeights: true))
        XCTAssertTrue(try streamed.transformer().isStreaming)
        XCTAssertFalse(try LoadedModel.load("mini").transformer().isStreaming)
    }

    func testSeedAndBasisChangeTheOutput() throws {
        let base = try sample(threads: 2)
        XCTAssertNotEqual(base, try sample(threads: 2, seed: 8))
        XCTAssertNotEqual(base, try sample(threads: 2, mix: false))
    }

    func testMixCoefficientsAreConvexPerLayer() throws {
        let model = try LoadedModel.load("mini")
        let basis = try LoadedBasis.load("mini", for: model)
        XCTAssertEqual(basis.size, MiniFamily.basisSize)
        let query = try AnalogyPipeline.encodePair(model, a: load("red-circle"), aPrime: load("blue-circle"),
                                                   b: load("red-square"))
        XCTAssertEqual(query.embedding.shape, [96])
        let mix = try AnalogyPipeline.blend(basis, query: query)
        XCTAssertEqual(mix.layers.count, 52)
        for c in mix.coefficients {
            XCTAssertEqual(c.count, MiniFamily.basisSize)
            XCTAssertTrue(c.allSatisfy { $0 >= 0 && $0 <= 1 })
            XCTAssertEqual(c.reduce(0, +), 1, accuracy: 1e-5)
        }
    }

    func testCancellationStopsSampling() throws {
        let model = try LoadedModel.load("mini")
        let query = try AnalogyPipeline.encodePair(model, a: load("red-circle"), aPrime: load("blue-circle"),
                                                   b: load("red-square"))
        var options = SampleOptions()
        options.steps = 5
        options.progress = { step, _ in step < 2 }
        XCTAssertThrowsError(try AnalogyPipeline.sample(model, query: query, mix: nil, options: options)) {
            XCTAssertEqual($0 as? PipelineError, .cancelled)
        }
    }

    func testUnknownModelNamesTheKnownOnes() {
        XCTAssertThrowsError(try LoadedModel.load("mnii")) {
            XCTAssertTrue("\($0)".contains("unknown model 'mnii'"), "\($0)")
        }
    }
}
