// Config decoding, strict weight loading, and the full-size key/shape audit of FLUX.1-Kontext-dev with an
// official-shaped LoRWeB basis, built from shapes alone (a WeightSource that serves shapes, never data).
import Foundation
import Formats
import Models
import Numerics
import TensorCore
import XCTest

/// Serves tensor infos only; reading data fails, so a test using it proves nothing was allocated.
final class ShapeOnlySource: WeightSource, @unchecked Sendable {
    let infos: [String: TensorInfo]
    let keys: [String]
    let metadata: [String: String] = [:]

    init(_ shapes: [(String, [Int])], dtype: DType) {
        infos = Dictionary(uniqueKeysWithValues: shapes.map {
            ($0.0, TensorInfo(dtype: dtype, shape: $0.1, byteCount: $0.1.reduce(1, *) * dtype.size))
        })
        keys = infos.keys.sorted()
    }

    func contains(_ key: String) -> Bool { infos[key] != nil }
    func info(_ key: String) throws -> TensorInfo {
        guard let i = infos[key] else { throw TensorError("no tensor \(key)") }
        return i
    }
    func rawBytes(_ key: String) throws -> UnsafeRawBufferPointer { throw TensorError("shape-only source: \(key) has no data") }
    func tensor(_ key: String) throws -> Tensor { throw TensorError("shape-only source: \(key) has no data") }
}

final class FluxConfigAndAuditTests: XCTestCase {
    func testDecodesDiffusersConfigWithNullOutChannels() throws {
        let config = try FluxTransformerConfig.load(path: FluxFixtures.path("flux_tiny_guidance.config.json"))
        XCTAssertEqual(config, FluxTransformerConfig(inChannels: 4, numLayers: 1, numSingleLayers: 1, attentionHeadDim: 16,
                                                     numAttentionHeads: 2, jointAttentionDim: 32, pooledProjectionDim: 32,
                                                     guidanceEmbeds: true, axesDimsRope: [4, 4, 8]))
        XCTAssertNil(config.outChannels)
        XCTAssertEqual(config.outputChannels, 4)
        XCTAssertEqual(config.innerDim, 32)
    }

    func testMissingFieldsTakeDiffusersDefaults() throws {
        let config = try JSONDecoder().decode(FluxTransformerConfig.self, from: Data(#"{"guidance_embeds": true}"#.utf8))
        XCTAssertEqual(config, .kontextDev)
        XCTAssertEqual(config.innerDim, 3072)
    }

    func testInvalidConfigNamesTheField() throws {
        let bad = FluxTransformerConfig(attentionHeadDim: 64)  // axes still sum to 128
        XCTAssertThrowsError(try bad.validate()) { XCTAssertTrue("\($0)".contains("axes_dims_rope"), "\($0)") }
    }

    func testStrictLoadingReportsMissingAndUnusedKeys() throws {
        let name = "flux_tiny_guidance"
        let config = try FluxTransformerConfig.load(path: FluxFixtures.path("\(name).config.json"))
        let source = try FluxFixtures.open("\(name).weights.safetensors")
        var tensors = try source.keys.filter { $0 != "proj_out.bias" }.map { ($0, try source.tensor($0)) }
        tensors.append(("pos_embed.extra", Tensor(zeros: [2])))
        let path = NSTemporaryDirectory() + "flux_strict_\(getpid()).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SafetensorsWriter.write(tensors.map { (name: $0.0, tensor: $0.1) }, to: path)
        XCTAssertThrowsError(try FluxTransformer(config: config, weights: try SafetensorsFile(path: path))) {
            let message = "\($0)"
            XCTAssertTrue(message.contains("1 missing key(s): \"proj_out.bias\""), message)
            XCTAssertTrue(message.contains("1 unused key(s): \"pos_embed.extra\""), message)
        }
    }

    func testLoadsADiffusersTransformerFolder() throws {
        // transformer/ layout: config.json + diffusion_pytorch_model.safetensors.
        let folder = NSTemporaryDirectory() + "flux_folder_\(getpid())"
        let fm = FileManager.default
        try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: folder) }
        try fm.copyItem(atPath: FluxFixtures.path("flux_odd.config.json"), toPath: folder + "/config.json")
        try fm.copyItem(atPath: FluxFixtures.path("flux_odd.weights.safetensors"),
                        toPath: folder + "/diffusion_pytorch_model.safetensors")
        var model = try FluxTransformer.load(folder: folder)
        XCTAssertEqual(model.config.outputChannels, 3)
        let io = try FluxFixtures.open("flux_odd.io.safetensors")
        model.timestepFrequencies = try io.tensor("timestep_freqs").data
        let out = try FluxFixtures.forward(model, io: io, prefix: "kontext.", outputTokens: 7, backend: FluxFixtures.backend)
        assertClose(out, try io.tensor("kontext.output"), atol: 2e-5, "odd shapes loaded from a folder")
    }

    func testWrongShapeNamesKeyAndBothShapes() throws {
        let config = try FluxTransformerConfig.load(path: FluxFixtures.path("flux_tiny_guidance.config.json"))
        var shapes = FluxWeightKeys.expectedShapes(config)
        let i = shapes.firstIndex { $0.key == "context_embedder.weight" }!
        shapes[i].shape = [32, 31]
        XCTAssertThrowsError(try FluxTransformer(config: config, weights: ShapeOnlySource(shapes.map { ($0.key, $0.shape) }, dtype: .f32))) {
            XCTAssertTrue("\($0)".contains("\"context_embedder.weight\" has shape [32, 31], the config needs [32, 32]"), "\($0)")
        }
    }

    func testFullSizeKontextAuditFromShapesAlone() throws {
        let config = FluxTransformerConfig.kontextDev
        // The transformer: 1160 tensors, 11,901,408,320 parameters (Docs/FLUX.md §1.1).
        let model = FluxWeightKeys.expectedShapes(config)
        XCTAssertEqual(model.count, 1160)
        XCTAssertEqual(model.reduce(0) { $0 + $1.shape.reduce(1, *) }, 11_901_408_320)
        XCTAssertEqual(Set(model.map(\.key)).count, 1160)
        // Strict loading accepts exactly these keys and shapes: it gets past the audit and stops at the first
        // data read (x_embedder), which a shape-only source refuses.
        XCTAssertThrowsError(try FluxTransformer(config: config, weights: ShapeOnlySource(model.map { ($0.key, $0.shape) }, dtype: .bf16))) {
            XCTAssertTrue("\($0)".contains("x_embedder: shape-only source: x_embedder.weight has no data"), "\($0)")
        }

        // The official basis: N=32, r=4, K=128, Q=2304 on all 494 block Linears, F16.
        let adapted = FluxWeightKeys.adaptedLinears(config)
        XCTAssertEqual(adapted.count, 494)
        XCTAssertEqual(adapted.reduce(0) { $0 + $1.inFeatures + $1.outFeatures }, 5_369_856)  // Docs/LORWEB.md §1.5
        var shapes: [(String, [Int])] = []
        for m in adapted {
            shapes += [("transformer.\(m.path).lora_A", [32, m.inFeatures, 4]),
                       ("transformer.\(m.path).lora_B", [32, 4, m.outFeatures]),
                       ("transformer.\(m.path).lora_keys", [32, 128]),
                       ("transformer.\(m.path).att_lora_to_q.weight", [128, 2304])]
        }
        XCTAssertEqual(shapes.count, 1976)
        // Modelcard: 835,051,520 adapter parameters.
        XCTAssertEqual(shapes.reduce(0) { $0 + $1.1.reduce(1, *) }, 835_051_520)
        let layout = try LoRWeBBasisLayout(ShapeOnlySource(shapes, dtype: .f16), config: config)
        XCTAssertEqual([layout.basisSize, layout.rank, layout.keyDim, layout.queryDim], [32, 4, 128, 2304])
        XCTAssertEqual(layout.modules.count, 494)
        XCTAssertEqual(layout.tensorCount, 1976)
        XCTAssertEqual(layout.modules.first?.path, "transformer_blocks.0.norm1.linear")
        XCTAssertEqual(layout.modules.last?.path, "single_transformer_blocks.37.proj_out")
        XCTAssertEqual(layout.modules.last?.inFeatures, 15360)

        // One wrong shape deep inside: the error names that key and both shapes.
        var broken = shapes
        let i = broken.firstIndex { $0.0 == "transformer.single_transformer_blocks.20.proj_mlp.lora_B" }!
        broken[i].1 = [32, 4, 3072]
        XCTAssertThrowsError(try LoRWeBBasisLayout(ShapeOnlySource(broken, dtype: .f16), config: config)) {
            XCTAssertTrue("\($0)".contains("\"transformer.single_transformer_blocks.20.proj_mlp.lora_B\" has shape [32, 4, 3072], the model needs [32, 4, 12288]"), "\($0)")
        }
        // A key for a Linear outside the blocks is refused.
        XCTAssertThrowsError(try LoRWeBBasisLayout(ShapeOnlySource(shapes + [("transformer.proj_out.lora_A", [32, 3072, 4])], dtype: .f16), config: config)) {
            XCTAssertTrue("\($0)".contains("no adapted Linear \"proj_out\""), "\($0)")
        }
    }
}
