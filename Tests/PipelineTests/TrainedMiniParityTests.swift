// The shipped (trained) `mini` weights against PyTorch on whole analogies (Tools/fixtures/mini_trained_fixtures.py):
// transformers' CLIP query, the LoRWeB coefficients (reference AttLoRA from Docs/LORWEB.md) and 20 Euler steps of
// diffusers' FluxTransformer2DModel + FlowMatchEulerDiscreteScheduler, without and with the basis.
//
// Tolerance. One forward matches PyTorch to ~1e-6 relative (FluxTransformerParityTests); over 20 steps the
// error is carried and re-amplified by each forward (SamplingParityTests: roughly doubling per step on the
// random tiny model). Measured on the shipped weights (printed as "[parity] trained mini"): final latents
// (|x| <= 1.4) within 7.5e-6, queries (|x| <= 5.4) within 4.1e-6, coefficients within 1.1e-6. The bounds leave
// 2.4-27x headroom for other BLAS builds and thread splits; for scale, leaving the basis out moves the final
// latents by 0.53-1.09 per case. Decoded pixels may differ by one level where a value
// sits on a rounding boundary.
import Foundation
import Formats
import Models
import Pipeline
import TensorCore
import XCTest

final class TrainedMiniParityTests: XCTestCase {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/mini_trained.safetensors").path
    static let latentTolerance: Float = 2e-4
    static let queryTolerance: Float = 1e-5
    static let coefficientTolerance: Float = 5e-6

    func testFixtureWasMadeFromTheShippedWeights() throws {
        let io = try SafetensorsFile(path: Self.fixture)
        let pins = try XCTUnwrap(io.metadata["weights_sha256"])
        let layout = ModelBundleLayout(root: try ModelRegistry.folder(for: "mini"))
        XCTAssertTrue(pins.contains(try SHA256.hex(fileAt: layout.transformerWeights)), "regenerate the fixture: \(pins)")
        XCTAssertTrue(pins.contains(try SHA256.hex(fileAt: layout.basisWeights)), "regenerate the fixture: \(pins)")
        XCTAssertTrue(pins.contains(try SHA256.hex(fileAt: layout.imageEncoderWeights)), "regenerate the fixture: \(pins)")
    }

    func testWholeAnalogiesMatchPyTorch() throws {
        let io = try SafetensorsFile(path: Self.fixture)
        let model = try LoadedModel.load("mini", context: ExecutionContext(threads: 2))
        let basis = try LoadedBasis.load("mini", for: model)
        let codec = PixelSpaceCodec(patch: model.config.patch)
        var options = SampleOptions()
        options.steps = 20
        options.guidance = 2.5
        for i in 0..<3 {
            let cells = try io.tensor("case\(i).cells")
            let side = cells.shape[1], size = side * side * 3
            let images = (0..<3).map { k in
                RGBImage(width: side, height: side, pixels: cells.data[(k * size)..<((k + 1) * size)].map { UInt8($0) })
            }
            let query = try AnalogyPipeline.encodePair(model, a: images[0], aPrime: images[1], b: images[2])
            assertClose(query.embedding.data, try io.tensor("case\(i).query").data, Self.queryTolerance, "case \(i) query")

            let mix = try AnalogyPipeline.blend(basis, query: query)
            XCTAssertEqual(mix.layers.count, 52)
            let expected = try mix.layers.flatMap { try io.tensor("case\(i).coeffs.\($0)").data }
            assertClose(mix.coefficients.flatMap { $0 }, expected, Self.coefficientTolerance, "case \(i) coefficients")

            let grid = AnalogyGrid.build(a: images[0], aPrime: images[1], b: images[2], cell: model.config.cell)
            let rows = grid.height / codec.stride, cols = grid.width / codec.stride
            let context = try codec.encode(grid)
            let noise = try io.tensor("case\(i).noise")
            let adapters = try basis.basis.apply(Dictionary(uniqueKeysWithValues: zip(mix.layers, mix.coefficients)))
            for (variant, adapter) in [("base", FluxAdapters.none), ("basis", adapters)] {
                let latents = try AnalogyPipeline.denoise(model, noise: noise, context: context, rows: rows, cols: cols,
                                                          adapters: adapter, options: options)
                let expected = try io.tensor("case\(i).\(variant)")
                assertClose(latents.data, expected.data, Self.latentTolerance, "case \(i) \(variant) latents")
                let ours = try codec.decode(latents, rows: rows, cols: cols)
                let theirs = try codec.decode(expected.reshaped([rows * cols, codec.tokenChannels]), rows: rows, cols: cols)
                let levels = zip(ours.pixels, theirs.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
                XCTAssertLessThanOrEqual(levels, 1, "case \(i) \(variant): decoded pixels differ by \(levels) levels")
            }
        }
    }

    func assertClose(_ actual: [Float], _ expected: [Float], _ tolerance: Float, _ what: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, what, file: file, line: line)
        let (maxAbs, scale) = maxAbsDifference(actual, expected)
        print("[parity] trained mini \(what): max abs \(maxAbs) (scale \(scale))")
        XCTAssertLessThanOrEqual(maxAbs, tolerance, what, file: file, line: line)
    }
}
