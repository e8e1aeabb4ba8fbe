// Weight keys of CLIPVisionModelWithProjection (transformers names), derived from the config alone and stated
// once: the tables below drive `expectedWeights` (what the strict loader checks) and the loading itself
// (CLIPVisionEncoder.init reads each module through its case).

import Formats
import TensorCore

/// One weight the encoder reads: its checkpoint key (prefix included) and its shape.
public struct CLIPWeightSpec: Sendable, Equatable {
    public let key: String
    public let shape: [Int]
}

/// What one module of the encoder stores.
enum CLIPWeightKind {
    /// The key itself holds the tensor (class_embedding).
    case parameter([Int])
    /// `.weight` only: an embedding table or a Linear / conv without bias.
    case weight([Int])
    /// `.weight` [out, in] and `.bias` [out].
    case linear(out: Int, in: Int)
    /// LayerNorm: `.weight` and `.bias`, both [n].
    case layerNorm(Int)

    /// (key suffix, shape) of every tensor, in transformers' state_dict order.
    var tensors: [(suffix: String, shape: [Int])] {
        switch self {
        case .parameter(let shape): return [("", shape)]
        case .weight(let shape): return [(".weight", shape)]
        case .linear(let out, let inFeatures): return [(".weight", [out, inFeatures]), (".bias", [out])]
        case .layerNorm(let n): return [(".weight", [n]), (".bias", [n])]
        }
    }

    var hasBias: Bool { if case .linear = self { return true } else { return false } }
}

/// A table of modules: each case is a key (relative to its scope) with what it stores for a config.
protocol CLIPWeightTable: CaseIterable, RawRepresentable where RawValue == String {
    func kind(_ config: CLIPVisionConfig) -> CLIPWeightKind
}

/// The modules outside the encoder layers, in state_dict order (`afterLayers` ones follow the layers).
enum CLIPModelWeight: String, CLIPWeightTable {
    case classEmbedding = "vision_model.embeddings.class_embedding"
    case patchEmbedding = "vision_model.embeddings.patch_embedding"
    case positionEmbedding = "vision_model.embeddings.position_embedding"
    case preLayerNorm = "vision_model.pre_layrnorm"   // sic: transformers spells it "layrnorm"
    case postLayerNorm = "vision_model.post_layernorm"
    case visualProjection = "visual_projection"

    func kind(_ c: CLIPVisionConfig) -> CLIPWeightKind {
        switch self {
        case .classEmbedding: return .parameter([c.hiddenSize])
        case .patchEmbedding: return .weight([c.hiddenSize, c.numChannels, c.patchSize, c.patchSize])
        case .positionEmbedding: return .weight([c.tokenCount, c.hiddenSize])
        case .preLayerNorm, .postLayerNorm: return .layerNorm(c.hiddenSize)
        case .visualProjection: return .weight([c.projectionDim, c.hiddenSize])
        }
    }

    var afterLayers: Bool { self == .postLayerNorm || self == .visualProjection }
}

/// The modules of one encoder layer `vision_model.encoder.layers.{i}.`, in state_dict order.
enum CLIPLayerWeight: String, CLIPWeightTable {
    case kProj = "self_attn.k_proj", vProj = "self_attn.v_proj", qProj = "self_attn.q_proj", outProj = "self_attn.out_proj"
    case layerNorm1 = "layer_norm1", fc1 = "mlp.fc1", fc2 = "mlp.fc2", layerNorm2 = "layer_norm2"

    func kind(_ c: CLIPVisionConfig) -> CLIPWeightKind { kind(hidden: c.hiddenSize, intermediate: c.intermediateSize) }

    /// The same layer in either tower (the text tower's layers are the vision tower's, with other widths).
    func kind(hidden h: Int, intermediate i: Int) -> CLIPWeightKind {
        switch self {
        case .kProj, .vProj, .qProj, .outProj: return .linear(out: h, in: h)
        case .layerNorm1, .layerNorm2: return .layerNorm(h)
        case .fc1: return .linear(out: i, in: h)
        case .fc2: return .linear(out: h, in: i)
        }
    }

    static let layersScope = "vision_model.encoder.layers."
    static func scope(_ layer: Int) -> String { layersScope + "\(layer)." }
}

extension CLIPVisionConfig {
    /// Keys a checkpoint may carry that the encoder ignores on purpose: the non-persistent `position_ids`
    /// buffer (0..T-1) that older transformers versions saved.
    public static let ignorableWeightKeys: Set<String> = ["vision_model.embeddings.position_ids"]

    /// Every tensor of CLIPVisionModelWithProjection for this config, in model order
    /// (8 + 16·num_hidden_layers tensors). `prefix` is prepended to each key (e.g. "image_encoder.").
    public func expectedWeights(prefix: String = "") -> [CLIPWeightSpec] {
        func specs<T: CLIPWeightTable>(_ module: T, _ scope: String = "") -> [CLIPWeightSpec] {
            module.kind(self).tensors.map { CLIPWeightSpec(key: prefix + scope + module.rawValue + $0.suffix, shape: $0.shape) }
        }
        let model = CLIPModelWeight.allCases
        return model.filter { !$0.afterLayers }.flatMap { specs($0) }
            + (0..<numHiddenLayers).flatMap { i in CLIPLayerWeight.allCases.flatMap { specs($0, CLIPLayerWeight.scope(i)) } }
            + model.filter(\.afterLayers).flatMap { specs($0) }
    }

    /// Checks `source` against `expectedWeights(prefix:)` from headers alone (no tensor is read): every expected
    /// key present with its shape, and (when `strict`) no key left over under `prefix` except the ignorable ones.
    /// Throws `CLIPError.weightMismatch` listing all missing, unused and wrongly shaped keys.
    public func checkWeights(_ source: any WeightSource, prefix: String = "", strict: Bool = true,
                             sourceName: String = "weights") throws {
        _ = try loader(source, prefix: prefix, strict: strict, sourceName: sourceName)
    }

    /// The strict loader for this config's weights under `prefix` (see `checkWeights`).
    func loader(_ source: any WeightSource, prefix: String, strict: Bool, sourceName: String) throws -> StrictWeightLoader {
        try StrictWeightLoader(
            source: source, expected: expectedWeights(prefix: prefix).map { ($0.key, $0.shape) }, name: sourceName,
            prefix: prefix, strict: strict, ignorable: Set(Self.ignorableWeightKeys.map { prefix + $0 })
        ) { mismatch, name in
            CLIPError.weightMismatch(source: name, missing: mismatch.missing, unused: mismatch.unused,
                                     wrongShape: mismatch.wrongShapes.map { "\($0.key): expected \($0.expected), found \($0.found)" })
        }
    }
}

extension StrictWeightLoader {
    /// A CLIP module as a Linear (bias as its kind says) or a LayerNorm.
    func linear<T: CLIPWeightTable>(_ module: T, in scope: String = "", config: CLIPVisionConfig) throws -> PackedLinear {
        try linear(scope + module.rawValue, bias: module.kind(config).hasBias)
    }

    func layerNorm<T: CLIPWeightTable>(_ module: T, in scope: String = "", eps: Float) throws -> CLIPLayerNorm {
        let key = scope + module.rawValue
        return CLIPLayerNorm(weight: try tensor(key + ".weight"), bias: try tensor(key + ".bias"), eps: eps)
    }
}
