// Configuration of the T5 encoder (transformers `T5Config`, config.json key names), as FluxPipeline's
// `text_encoder_2/config.json` carries it. Missing keys take transformers' defaults (t5-small's sizes).

import Foundation

public struct T5EncoderConfig: Codable, Sendable, Equatable {
    public var vocabSize: Int = 32128
    public var dModel: Int = 512
    public var dKv: Int = 64
    public var dFf: Int = 2048
    public var numLayers: Int = 6
    public var numHeads: Int = 8
    public var relativeAttentionNumBuckets: Int = 32
    public var relativeAttentionMaxDistance: Int = 128
    public var layerNormEpsilon: Double = 1e-6
    /// "gated-gelu" (T5 v1.1, FLUX: wo(gelu_new(wi_0 x) · wi_1 x)) or "relu" (original T5: wo(relu(wi x))).
    public var feedForwardProj: String = "relu"

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size"
        case dModel = "d_model"
        case dKv = "d_kv"
        case dFf = "d_ff"
        case numLayers = "num_layers"
        case numHeads = "num_heads"
        case relativeAttentionNumBuckets = "relative_attention_num_buckets"
        case relativeAttentionMaxDistance = "relative_attention_max_distance"
        case layerNormEpsilon = "layer_norm_epsilon"
        case feedForwardProj = "feed_forward_proj"
    }

    public init() {}

    /// google/t5-v1_1-xxl's encoder, as FLUX.1's `text_encoder_2/config.json` states it.
    public static let fluxT5XXL: T5EncoderConfig = {
        var c = T5EncoderConfig()
        c.dModel = 4096
        c.dKv = 64
        c.dFf = 10240
        c.numLayers = 24
        c.numHeads = 64
        c.feedForwardProj = "gated-gelu"
        return c
    }()

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = T5EncoderConfig()
        vocabSize = try c.decodeIfPresent(Int.self, forKey: .vocabSize) ?? d.vocabSize
        dModel = try c.decodeIfPresent(Int.self, forKey: .dModel) ?? d.dModel
        dKv = try c.decodeIfPresent(Int.self, forKey: .dKv) ?? d.dKv
        dFf = try c.decodeIfPresent(Int.self, forKey: .dFf) ?? d.dFf
        numLayers = try c.decodeIfPresent(Int.self, forKey: .numLayers) ?? d.numLayers
        numHeads = try c.decodeIfPresent(Int.self, forKey: .numHeads) ?? d.numHeads
        relativeAttentionNumBuckets = try c.decodeIfPresent(Int.self, forKey: .relativeAttentionNumBuckets) ?? d.relativeAttentionNumBuckets
        relativeAttentionMaxDistance = try c.decodeIfPresent(Int.self, forKey: .relativeAttentionMaxDistance) ?? d.relativeAttentionMaxDistance
        layerNormEpsilon = try c.decodeIfPresent(Double.self, forKey: .layerNormEpsilon) ?? d.layerNormEpsilon
        feedForwardProj = try c.decodeIfPresent(String.self, forKey: .feedForwardProj) ?? d.feedForwardProj
    }

    /// Width of the attention projections (H · d_kv; need not equal d_model).
    public var innerDim: Int { numHeads * dKv }

    /// The feed-forward the config names, nil when unsupported.
    public var feedForward: T5FeedForwardKind? { T5FeedForwardKind(rawValue: feedForwardProj) }

    /// Every dimension positive, the buckets usable, the feed-forward supported.
    public func validate(source: String = "T5 config") throws {
        let dims: [(String, Int)] = [("vocab_size", vocabSize), ("d_model", dModel), ("d_kv", dKv), ("d_ff", dFf),
                                     ("num_layers", numLayers), ("num_heads", numHeads),
                                     ("relative_attention_max_distance", relativeAttentionMaxDistance)]
        for (name, value) in dims where value <= 0 {
            throw ModelError.config(path: source, "\(name) must be positive, got \(value)")
        }
        // Bidirectional buckets: half per direction, half of those exact; the log-spaced rest needs max_exact ≥ 1.
        if relativeAttentionNumBuckets < 4 {
            throw ModelError.config(path: source, "relative_attention_num_buckets must be at least 4, got \(relativeAttentionNumBuckets)")
        }
        if feedForward == nil {
            let supported = T5FeedForwardKind.allCases.map(\.rawValue).joined(separator: ", ")
            throw ModelError.config(path: source, "feed_forward_proj \"\(feedForwardProj)\" is not supported (\(supported))")
        }
        if !(layerNormEpsilon > 0) {
            throw ModelError.config(path: source, "layer_norm_epsilon must be positive, got \(layerNormEpsilon)")
        }
    }

    public static func decode(_ data: Data, source: String = "config.json") throws -> T5EncoderConfig {
        let config: T5EncoderConfig
        do { config = try JSONDecoder().decode(T5EncoderConfig.self, from: data) } catch {
            throw ModelError.config(path: source, "not a usable T5 config (\(TextEncoderFolder.describe(error)))")
        }
        try config.validate(source: source)
        return config
    }
}

/// The feed-forward blocks transformers' T5 builds from `feed_forward_proj`, of those this port implements.
public enum T5FeedForwardKind: String, CaseIterable, Sendable {
    /// wo(gelu_new(wi_0 x) · wi_1 x), gelu_new = the tanh GELU (`Backend.gelu`).
    case gatedGelu = "gated-gelu"
    /// wo(relu(wi x)).
    case relu
}
