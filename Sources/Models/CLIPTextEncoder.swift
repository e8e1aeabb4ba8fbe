// CLIP text tower: transformers CLIPTextModel, forward only, as FluxPipeline runs it (no attention mask besides
// the causal one; FLUX uses the pooled state). Port of modeling_clip.py's CLIPTextEmbeddings, CLIPEncoder and
// CLIPTextModel. Shapes: B prompts, L ≤ max_position_embeddings ids each, H = hidden_size.
//
//   x = token_embedding[ids] + position_embedding[0..<L]                     [B, L, H]  (one add)
//   per layer (CLIPEncoderLayer, shared with the vision tower): pre-LN attention with the causal mask as a
//       [1, L, L] score bias (-inf above the diagonal), scale head_dim^-0.5, then the pre-LN MLP
//   last_hidden_state = final_layer_norm(x);  pooled[b] = last_hidden_state[b, position(b)]
// position(b) follows transformers 5: argmax(ids[b]) (first largest id) when config eos_token_id == 2 (the
// legacy value of the real FLUX config), else the first position holding eos_token_id (0 when none does,
// as torch's argmax of an all-zero row).

import Formats
import TensorCore

/// What the text tower returns (transformers BaseModelOutputWithPooling).
public struct CLIPTextOutput: Sendable {
    /// [B, L, hidden_size], after final_layer_norm.
    public let lastHiddenState: Tensor
    /// [B, hidden_size]: the row of `lastHiddenState` at each prompt's pooling position (FluxPipeline's pooled_prompt_embeds).
    public let pooled: Tensor
}

public struct CLIPTextEncoder: Sendable {
    public let config: CLIPTextConfig
    let activation: CLIPActivation
    let tokenEmbedding: Tensor       // [V, H]
    let positionEmbedding: Tensor    // [P, H]
    let layers: [CLIPEncoderLayer]
    let finalLayerNorm: CLIPLayerNorm

    /// Builds the tower from `config` and weights with transformers names: the "text_model."-prefixed keys of
    /// checkpoints saved before transformers 5 (the real FLUX `text_encoder/`) or the unprefixed ones it saves
    /// now. Strict: every expected key with its shape, no other key (except `position_ids`); all problems at once.
    public init(config: CLIPTextConfig, weights: any WeightSource, sourceName: String? = nil) throws {
        try config.validate()
        let (loader, layout) = try config.loader(weights, name: sourceName)
        self.config = config
        activation = CLIPActivation(configName: config.hiddenAct)!  // validate() checked it
        let eps = Float(config.layerNormEps), root = layout.root
        tokenEmbedding = try loader.tensor(root + CLIPTextWeight.tokenEmbedding.rawValue + ".weight")
        positionEmbedding = try loader.tensor(root + CLIPTextWeight.positionEmbedding.rawValue + ".weight")
        layers = try (0..<config.numHiddenLayers).map { i in
            try CLIPEncoderLayer(loader: loader, scope: layout.layerScope(i), eps: eps)
        }
        let norm = root + CLIPTextWeight.finalLayerNorm.rawValue
        finalLayerNorm = CLIPLayerNorm(weight: try loader.tensor(norm + ".weight"), bias: try loader.tensor(norm + ".bias"), eps: eps)
    }

    /// Loads a transformers CLIPTextModel folder: config.json and model.safetensors (or a sharded index).
    public init(folder: String) throws {
        let (data, path) = try TextEncoderFolder.config(in: folder, model: "CLIP text encoder")
        let config = try CLIPTextConfig.decode(data, source: path)
        try self.init(config: config, weights: try WeightSources.open(path: folder), sourceName: folder)
    }

    /// What `init(folder:)` checks before it reads a tensor, without loading (see `T5Encoder.checkFolder`).
    public static func checkFolder(_ folder: String) throws -> CLIPTextConfig {
        let (data, path) = try TextEncoderFolder.config(in: folder, model: "CLIP text encoder")
        let config = try CLIPTextConfig.decode(data, source: path)
        try config.validate()
        _ = try config.loader(try WeightSources.open(path: folder), name: folder)
        return config
    }

    /// Attention scale head_dim^-0.5 (a Python float in transformers), rounded once to f32.
    public var attentionScale: Float { Float(1.0 / Double(config.headDim).squareRoot()) }

    /// The position pooled for each row of ids (see the file comment for the rule).
    public func poolingPositions(_ ids: [[Int32]]) -> [Int] {
        ids.map { row in
            if config.eosTokenId == 2 {
                let largest = row.max() ?? 0
                return row.firstIndex(of: largest) ?? 0
            }
            return row.firstIndex(of: Int32(truncatingIfNeeded: config.eosTokenId)) ?? 0
        }
    }

    /// The causal mask as an additive score bias [1, L, L]: 0 on and below the diagonal, -inf above.
    static func causalBias(_ length: Int) -> Tensor {
        Tensor(shape: [1, length, length]) { index in index % length > index / length ? -.infinity : 0 }
    }

    /// Encodes rows of token ids (all of one length, at most max_position_embeddings, ids in the vocabulary).
    public func callAsFunction(_ ids: [[Int32]], backend: any Backend) throws -> CLIPTextOutput {
        let (batch, length) = try TextEncoderFolder.checkIds(ids, vocab: config.vocabSize,
                                                             maxLength: config.maxPositionEmbeddings, model: "CLIP text encoder")
        let h = config.hiddenSize
        let positions = backend.slice(positionEmbedding, axis: 0, range: 0..<length)
        var x = backend.add(TextEncoderFolder.gather(tokenEmbedding, ids), positions)   // [B, L, H]
        let mask = Self.causalBias(length)
        for layer in layers {
            x = layer(x, heads: config.numAttentionHeads, scale: attentionScale, activation: activation, scoreBias: mask, backend)
        }
        x = finalLayerNorm(x, backend)
        let rows = poolingPositions(ids).enumerated().map { b, position in
            backend.slice(backend.slice(x, axis: 0, range: b..<b + 1), axis: 1, range: position..<position + 1)
        }
        let pooled = backend.concat(rows, axis: 0).reshaped([batch, h])
        return CLIPTextOutput(lastHiddenState: x, pooled: pooled)
    }
}
