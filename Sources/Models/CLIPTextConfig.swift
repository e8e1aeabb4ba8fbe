// Configuration of the CLIP text tower (transformers `CLIPTextConfig`, config.json key names), as FluxPipeline's
// `text_encoder/config.json` carries it. Missing keys take transformers' defaults; a full `CLIPConfig` (with a
// nested "text_config") is accepted too.

import Foundation

public struct CLIPTextConfig: Codable, Sendable, Equatable {
    public var vocabSize: Int = 49408
    public var hiddenSize: Int = 512
    public var intermediateSize: Int = 2048
    /// Read and kept for the record: CLIPTextModel has no projection (FluxPipeline uses the pooled state).
    public var projectionDim: Int = 512
    public var numHiddenLayers: Int = 12
    public var numAttentionHeads: Int = 8
    public var maxPositionEmbeddings: Int = 77
    /// "quick_gelu" (CLIP), or the tanh GELU ("gelu_pytorch_tanh", "gelu_new"); others are refused.
    public var hiddenAct: String = "quick_gelu"
    public var layerNormEps: Double = 1e-5
    /// Decides the pooling rule (`CLIPTextEncoder.poolingPositions`): 2, the legacy value the real FLUX config
    /// carries, means "the position of the largest id".
    public var eosTokenId: Int = 49407

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size"
        case hiddenSize = "hidden_size"
        case intermediateSize = "intermediate_size"
        case projectionDim = "projection_dim"
        case numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads"
        case maxPositionEmbeddings = "max_position_embeddings"
        case hiddenAct = "hidden_act"
        case layerNormEps = "layer_norm_eps"
        case eosTokenId = "eos_token_id"
    }

    public init() {}

    /// openai/clip-vit-large-patch14's text tower, as FLUX.1's `text_encoder/config.json` states it.
    public static let fluxCLIPLarge: CLIPTextConfig = {
        var c = CLIPTextConfig()
        c.hiddenSize = 768
        c.intermediateSize = 3072
        c.projectionDim = 768
        c.numHiddenLayers = 12
        c.numAttentionHeads = 12
        c.eosTokenId = 2
        return c
    }()

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = CLIPTextConfig()
        vocabSize = try c.decodeIfPresent(Int.self, forKey: .vocabSize) ?? d.vocabSize
        hiddenSize = try c.decodeIfPresent(Int.self, forKey: .hiddenSize) ?? d.hiddenSize
        intermediateSize = try c.decodeIfPresent(Int.self, forKey: .intermediateSize) ?? d.intermediateSize
        projectionDim = try c.decodeIfPresent(Int.self, forKey: .projectionDim) ?? d.projectionDim
        numHiddenLayers = try c.decodeIfPresent(Int.self, forKey: .numHiddenLayers) ?? d.numHiddenLayers
        numAttentionHeads = try c.decodeIfPresent(Int.self, forKey: .numAttentionHeads) ?? d.numAttentionHeads
        maxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? d.maxPositionEmbeddings
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? d.hiddenAct
        layerNormEps = try c.decodeIfPresent(Double.self, forKey: .layerNormEps) ?? d.layerNormEps
        eosTokenId = try c.decodeIfPresent(Int.self, forKey: .eosTokenId) ?? d.eosTokenId
    }

    public var headDim: Int { hiddenSize / numAttentionHeads }

    /// Every dimension positive, heads divide the width, the activation known.
    public func validate(source: String = "CLIP text config") throws {
        let dims: [(String, Int)] = [("vocab_size", vocabSize), ("hidden_size", hiddenSize),
                                     ("intermediate_size", intermediateSize), ("num_hidden_layers", numHiddenLayers),
                                     ("num_attention_heads", numAttentionHeads), ("max_position_embeddings", maxPositionEmbeddings)]
        for (name, value) in dims where value <= 0 {
            throw ModelError.config(path: source, "\(name) must be positive, got \(value)")
        }
        if hiddenSize % numAttentionHeads != 0 {
            throw ModelError.config(path: source, "hidden_size \(hiddenSize) is not a multiple of num_attention_heads \(numAttentionHeads)")
        }
        if CLIPActivation(configName: hiddenAct) == nil {
            throw ModelError.config(path: source, "hidden_act \"\(hiddenAct)\" is not supported (quick_gelu, gelu_pytorch_tanh, gelu_new)")
        }
        if !(layerNormEps > 0) {
            throw ModelError.config(path: source, "layer_norm_eps must be positive, got \(layerNormEps)")
        }
    }

    /// Decodes a text config.json, or the "text_config" of a full CLIP config.json, and validates it.
    public static func decode(_ data: Data, source: String = "config.json") throws -> CLIPTextConfig {
        struct Full: Decodable {
            let textConfig: CLIPTextConfig?
            enum Keys: String, CodingKey { case textConfig = "text_config" }
            init(from decoder: Decoder) throws {
                textConfig = try decoder.container(keyedBy: Keys.self).decodeIfPresent(CLIPTextConfig.self, forKey: .textConfig)
            }
        }
        let config: CLIPTextConfig
        do {
            config = try JSONDecoder().decode(Full.self, from: data).textConfig ?? JSONDecoder().decode(CLIPTextConfig.self, from: data)
        } catch {
            throw ModelError.config(path: source, "not a usable CLIP text config (\(TextEncoderFolder.describe(error)))")
        }
        try config.validate(source: source)
        return config
    }
}
