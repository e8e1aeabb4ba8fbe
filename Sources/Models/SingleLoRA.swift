// One plain LoRA in the PEFT / diffusers format (the paper's one-LoRA baseline):
//   transformer.<module path>.lora_A.weight [r, in],  transformer.<module path>.lora_B.weight [out, r]
// delta(x) = scale · B(A(x)), scale = alpha / r. Alpha comes from (first match wins):
//   1. a per-module scalar tensor `transformer.<module path>.alpha` (kohya-style files),
//   2. the safetensors metadata `lora_adapter_metadata` written by diffusers' save_lora_weights
//      (`transformer.alpha_pattern[<module path>]`, else `transformer.lora_alpha`),
//   3. otherwise alpha = r (scale 1.0, what diffusers' loader does without metadata).
// The scale is folded into B once (B' = fl(scale · B)); the delta then runs as in AdaptedLinear.swift.
import Foundation
import Formats
import Numerics
import TensorCore

public struct SingleLoRA: Sendable {
    /// Module path → (rank, alpha/rank) for every adapted module, in model order.
    public let modules: [(path: String, rank: Int, scale: Float)]
    public let adapters: FluxAdapters

    public init(weights source: any WeightSource, config: FluxTransformerConfig) throws {
        let name = describe(source)
        func fail(_ message: String) -> ModelError { .adapter(source: name, message) }
        let specs = FluxWeightKeys.adaptedLinears(config)
        let byPath = Dictionary(uniqueKeysWithValues: specs.map { ($0.path, $0) })
        let meta = try Self.adapterMetadata(source.metadata, name)

        var paths: [String] = []
        for key in source.keys {
            let stripped = key.hasPrefix("transformer.") ? String(key.dropFirst("transformer.".count)) : key
            let path: String
            if stripped.hasSuffix(".lora_A.weight") { path = String(stripped.dropLast(".lora_A.weight".count)) }
            else if stripped.hasSuffix(".lora_B.weight") || stripped.hasSuffix(".alpha") { continue }
            else { throw fail("\"\(key)\" is not a PEFT LoRA key (<module>.lora_A.weight / .lora_B.weight / .alpha)") }
            guard byPath[path] != nil else { throw fail("\"\(key)\": the model has no adapted Linear \"\(path)\"") }
            paths.append(path)
        }
        for key in source.keys where key.hasSuffix(".lora_B.weight") {
            let stripped = key.hasPrefix("transformer.") ? String(key.dropFirst("transformer.".count)) : key
            let path = String(stripped.dropLast(".lora_B.weight".count))
            guard paths.contains(path) else { throw fail("\"\(key)\" has no matching lora_A") }
        }
        guard !paths.isEmpty else { throw fail("no LoRA tensors (expected transformer.<module>.lora_A.weight)") }

        let order = Dictionary(uniqueKeysWithValues: specs.enumerated().map { ($0.element.path, $0.offset) })
        paths.sort { order[$0]! < order[$1]! }
        var modules: [(path: String, rank: Int, scale: Float)] = []
        var deltas: [String: LowRankDelta] = [:]
        for path in paths {
            let spec = byPath[path]!
            let prefix = source.contains("transformer.\(path).lora_A.weight") ? "transformer.\(path)" : path
            let aKey = prefix + ".lora_A.weight", bKey = prefix + ".lora_B.weight"
            guard source.contains(bKey) else { throw fail("missing tensor \"\(bKey)\"") }
            let aShape = try source.info(aKey).shape, bShape = try source.info(bKey).shape
            guard aShape.count == 2, aShape[0] > 0, aShape[1] == spec.inFeatures else {
                throw fail("\"\(aKey)\" has shape \(aShape), the model needs [r, \(spec.inFeatures)]")
            }
            let r = aShape[0]
            guard bShape == [spec.outFeatures, r] else {
                throw fail("\"\(bKey)\" has shape \(bShape), the model needs \([spec.outFeatures, r])")
            }
            var alpha = Float(r)
            if source.contains(prefix + ".alpha") {
                let t = try source.tensor(prefix + ".alpha")
                guard t.count == 1 else { throw fail("\"\(prefix).alpha\" must hold one value, has shape \(t.shape)") }
                alpha = t.data[0]
            } else if let a = meta.alphaPattern[path] ?? meta.alpha {
                alpha = a
            }
            let scale = alpha / Float(r)
            let a = try source.tensor(aKey), b = try source.tensor(bKey)
            let up = Tensor(shape: b.shape, data: b.data.map { scale * $0 })
            deltas[path] = LowRankDelta(down: PackedLinear(weight: a), up: PackedLinear(weight: up))
            modules.append((path, r, scale))
        }
        self.modules = modules
        self.adapters = FluxAdapters(deltas)
    }

    public static func load(path: String, config: FluxTransformerConfig) throws -> SingleLoRA {
        try SingleLoRA(weights: try WeightSources.open(path: path), config: config)
    }

    /// `lora_adapter_metadata` (diffusers ≥ 0.35): JSON with "transformer.lora_alpha" and optionally
    /// "transformer.alpha_pattern" {module: alpha}.
    static func adapterMetadata(_ metadata: [String: String], _ name: String) throws
        -> (alpha: Float?, alphaPattern: [String: Float]) {
        guard let text = metadata["lora_adapter_metadata"] else { return (nil, [:]) }
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw ModelError.adapter(source: name, "metadata \"lora_adapter_metadata\" is not a JSON object")
        }
        let alpha = (object["transformer.lora_alpha"] as? NSNumber)?.floatValue
        var pattern: [String: Float] = [:]
        if let p = object["transformer.alpha_pattern"] as? [String: Any] {
            for (k, v) in p { if let f = (v as? NSNumber)?.floatValue { pattern[k] = f } }
        }
        return (alpha, pattern)
    }
}
