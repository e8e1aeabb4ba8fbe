// LoRWeB basis against an independent PyTorch AttLoRA written from Docs/LORWEB.md §2.4-2.5 (flux_fixtures.py):
// coefficients per module and the adapted forward, for softmax/tanh × mean/sum × 1/2 heads.
//
// Tolerances. Coefficients: q = W_q·e is a 12-term f32 dot product, scores 4-8 terms, then softmax/tanh;
// PyTorch's order and exp/tanh differ by a few ulp: measured ≤ 2.4e-7, so 2e-6 absolute on values in [-1, 1].
// Forward: as the base transformer (FluxTransformerParityTests) plus 20 rank-6 deltas whose summation order
// differs (PyTorch einsum contracts x·A_n then ·c_n·B_n per basis; we fold c_n into B_cat and run one
// rank-N·r chain); measured 1.2e-6 ... 1.7e-6, so the same 2e-5 absolute on outputs of ~3.
import Formats
import Models
import TensorCore
import XCTest

final class FluxBasisParityTests: XCTestCase {
    let backend = FluxFixtures.backend
    static let variants: [(String, LoRWeBOptions)] = [
        ("softmax_mean_h1", LoRWeBOptions(heads: 1, softmax: true, mixing: .mean)),
        ("tanh_mean_h2", LoRWeBOptions(heads: 2, softmax: false, mixing: .mean)),
        ("softmax_sum_h2", LoRWeBOptions(heads: 2, softmax: true, mixing: .sum)),
        ("tanh_sum_h1", LoRWeBOptions(heads: 1, softmax: false, mixing: .sum)),
    ]

    func basis(_ options: LoRWeBOptions) throws -> LoRWeBBasis {
        let config = try FluxTransformerConfig.load(path: FluxFixtures.path("flux_tiny_guidance.config.json"))
        return try LoRWeBBasis.load(path: FluxFixtures.path("flux_basis.lorweb.safetensors"), config: config, options: options)
    }

    func testLayoutReadFromShapes() throws {
        let b = try basis(.release)
        XCTAssertEqual([b.layout.basisSize, b.layout.rank, b.layout.keyDim, b.layout.queryDim], [3, 2, 8, 12])
        XCTAssertEqual(b.layout.modules.count, 20)  // 14 double-block + 6 single-block Linears
        XCTAssertEqual(b.layout.tensorCount, 80)
    }

    func testCoefficientsAllVariants() throws {
        let io = try FluxFixtures.open("flux_basis.io.safetensors")
        let query = try io.tensor("query").data
        for (name, options) in Self.variants {
            let coefficients = try basis(options).coefficients(query: query, backend: backend)
            XCTAssertEqual(coefficients.count, 20)
            var worst: Float = 0
            for (path, c) in coefficients {
                let expected = try io.tensor("\(name).coeffs.\(path)").data
                XCTAssertEqual(c.count, expected.count)
                for (x, y) in zip(c, expected) { worst = max(worst, abs(x - y)) }
            }
            print("[parity] basis coefficients \(name): max abs \(worst)")
            XCTAssertLessThanOrEqual(worst, 2e-6, name)
        }
    }

    func testSoftmaxMeanCoefficientsAreConvex() throws {
        let io = try FluxFixtures.open("flux_basis.io.safetensors")
        for (_, c) in try basis(.release).coefficients(query: try io.tensor("query").data, backend: backend) {
            XCTAssertTrue(c.allSatisfy { $0 >= 0 })
            XCTAssertEqual(c.reduce(0, +), 1, accuracy: 1e-6)
        }
    }

    func testAdaptedForwardAllVariants() throws {
        let io = try FluxFixtures.open("flux_basis.io.safetensors")
        let model = try FluxFixtures.model("flux_tiny_guidance", io: io)
        let query = try io.tensor("query").data
        let base = try FluxFixtures.forward(model, io: io, prefix: "inputs.", outputTokens: 16, backend: backend)
        assertClose(base, try io.tensor("base_output"), atol: 2e-5, "basis base model")
        for (name, options) in Self.variants {
            let b = try basis(options)
            let adapters = try b.apply(try b.coefficients(query: query, backend: backend))
            XCTAssertEqual(adapters.deltas.count, 20)
            let out = try FluxFixtures.forward(model, io: io, prefix: "inputs.", outputTokens: 16,
                                               adapters: adapters, backend: backend)
            assertClose(out, try io.tensor("\(name).output"), atol: 2e-5, "basis forward \(name)")
        }
    }

    func testQueryOfWrongSizeIsAnError() throws {
        XCTAssertThrowsError(try basis(.release).coefficients(query: [Float](repeating: 0, count: 11), backend: backend)) {
            XCTAssertTrue("\($0)".contains("Q = 12"), "\($0)")
        }
    }

    func testHeadsMustDivideKeyDim() throws {
        XCTAssertThrowsError(try basis(LoRWeBOptions(heads: 3))) { XCTAssertTrue("\($0)".contains("lora_heads 3"), "\($0)") }
    }

    func testBasisForAnotherModelFailsWithFirstMismatchingKey() throws {
        // The tiny basis against the odd-shapes config (D = 24, not 32): the first module in model order is
        // transformer_blocks.0.norm1.linear; lora_A fixes N, r, so lora_A itself is the first mismatch.
        let config = try FluxTransformerConfig.load(path: FluxFixtures.path("flux_odd.config.json"))
        XCTAssertThrowsError(try LoRWeBBasis.load(path: FluxFixtures.path("flux_basis.lorweb.safetensors"), config: config)) {
            let message = "\($0)"
            XCTAssertTrue(message.contains("flux_basis.lorweb.safetensors"), message)
            XCTAssertTrue(message.contains("transformer.transformer_blocks.0.norm1.linear.lora_A\" has shape [3, 32, 2], the model needs [3, 24, 2]"), message)
        }
    }
}

final class LoRWeBCheckpointConfigTests: XCTestCase {
    func testReadsNetworkKwargs() throws {
        let yaml = """
        job: extension
        config:
          process:
            - type: sd_trainer
              network:
                type: attlora   # comment
                linear: 4
                network_kwargs:
                  lora_heads: 2
                  lora_softmax: false
                  mixing_coeffs_type: "sum"
                  query_mode: cat-aa'b
                  external_query_model: 'openai/clip-vit-large-patch14'
        """
        let config = try LoRWeBCheckpointConfig(yaml: yaml)
        XCTAssertEqual(config.options, LoRWeBOptions(heads: 2, softmax: false, mixing: .sum))
        XCTAssertEqual(config.queryMode, "cat-aa'b")
        XCTAssertEqual(config.externalQueryModel, "openai/clip-vit-large-patch14")
    }

    func testMissingKeysTakeReleaseValuesAndBadValuesNameTheLine() throws {
        XCTAssertEqual(try LoRWeBCheckpointConfig(yaml: "network:\n  linear: 4\n").options, .release)
        XCTAssertThrowsError(try LoRWeBCheckpointConfig(yaml: "a: 1\nmixing_coeffs_type: median\n", path: "c.yaml")) {
            XCTAssertEqual("\($0)", "c.yaml:2: mixing_coeffs_type: expected mean or sum, got \"median\"")
        }
    }
}
