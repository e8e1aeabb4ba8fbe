// Shared helpers for the FLUX parity tests: fixture paths (relative to this file), fixture tensors, and an
// error report that prints the measured max abs / max rel error before asserting the tolerance.
import Formats
import Foundation
import Models
import TensorCore
import XCTest

enum FluxFixtures {
    static let directory: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
    }()

    static func path(_ name: String) -> String { directory + "/" + name }

    static func open(_ name: String) throws -> SafetensorsFile { try SafetensorsFile(path: path(name)) }

    /// Config + weights of a fixture model ("flux_tiny_guidance", …), with torch's sinusoid frequencies.
    static func model(_ name: String, io: SafetensorsFile) throws -> FluxTransformer {
        let config = try FluxTransformerConfig.load(path: path("\(name).config.json"))
        var model = try FluxTransformer(config: config, weights: try open("\(name).weights.safetensors"))
        model.timestepFrequencies = try io.tensor("timestep_freqs").data
        return model
    }

    /// Runs the model on the inputs stored under `prefix` ("plain.", "inputs.", …).
    static func forward(_ model: FluxTransformer, io: SafetensorsFile, prefix: String, outputTokens: Int?,
                        adapters: FluxAdapters = .none, backend: any Backend) throws -> Tensor {
        let guidance = io.contains(prefix + "guidance") ? try io.tensor(prefix + "guidance").data : nil
        return try model.forward(hidden: try io.tensor(prefix + "hidden_states"),
                                 encoderHidden: try io.tensor(prefix + "encoder_hidden_states"),
                                 pooled: try io.tensor(prefix + "pooled_projections"),
                                 timestep: try io.tensor(prefix + "timestep").data, guidance: guidance,
                                 imgIds: try io.tensor(prefix + "img_ids"), txtIds: try io.tensor(prefix + "txt_ids"),
                                 outputTokens: outputTokens, adapters: adapters, backend: backend)
    }

    static let backend: any Backend = CPUBackend(threads: 2)
}

/// Max abs error, and max rel error = max |a-b| / max|b| (relative to the reference's scale, so
/// near-zero entries do not dominate). Prints both, then asserts abs error ≤ atol.
@discardableResult
func assertClose(_ actual: Tensor, _ expected: Tensor, atol: Float, _ label: String,
                 file: StaticString = #filePath, line: UInt = #line) -> (abs: Float, rel: Float) {
    XCTAssertEqual(actual.shape, expected.shape, "\(label): shape", file: file, line: line)
    guard actual.shape == expected.shape else { return (.infinity, .infinity) }
    var maxAbs: Float = 0, scale: Float = 0
    for i in 0..<actual.count {
        let d = abs(actual.data[i] - expected.data[i])
        if !(d <= maxAbs) { maxAbs = d }  // NaN propagates into the maximum
        scale = max(scale, abs(expected.data[i]))
    }
    let rel = maxAbs / max(scale, .leastNormalMagnitude)
    print("[parity] \(label): max abs \(maxAbs), max rel \(rel) (scale \(scale), atol \(atol))")
    XCTAssertLessThanOrEqual(maxAbs, atol, "\(label): max abs error \(maxAbs) > \(atol)", file: file, line: line)
    return (maxAbs, rel)
}
