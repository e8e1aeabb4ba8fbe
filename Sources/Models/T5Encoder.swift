// T5 encoder: transformers T5EncoderModel, forward only, as FluxPipeline runs it (all positions, no attention
// mask). Port of modeling_t5.py's T5Stack (encoder), T5Block, T5LayerSelfAttention, T5LayerFF, T5LayerNorm.
// Shapes: B prompts, L ids each, D = d_model, H heads of d_kv channels.
//
//   x = shared[ids]                                                          [B, L, D]
//   bias = relative position bias [H, L, L] from block 0's table (T5RelativePosition), shared by every block
//   per block:  x = x + o(attention(q(n), k(n), v(n), scale 1, bias)),   n = RMS(x) · layer.0.layer_norm
//               x = x + FF(RMS(x) · layer.1.layer_norm)
//       FF = wo(gelu_tanh(wi_0 h) · wi_1 h) for gated-gelu (gelu_new is the tanh GELU), wo(relu(wi h)) for relu
//   last_hidden_state = RMS(x) · final_layer_norm
// T5LayerNorm is w · (x · rsqrt(mean(x²) + eps)) with the variance in f32: `Backend.rmsNorm` (1 / sqrt, as every
// rule here is IEEE). No biases anywhere; dropout is off at inference. relu is a compare and a select, done on
// the host (exact, so the same on every backend).

import Formats
import TensorCore

struct T5Block: Sendable {
    let attentionNorm: Tensor
    let q: PackedLinear
    let k: PackedLinear
    let v: PackedLinear
    let o: PackedLinear
    let feedForwardNorm: Tensor
    /// wi_0 (gated) or wi (relu).
    let wi: PackedLinear
    /// wi_1, gated only.
    let wiGate: PackedLinear?
    let wo: PackedLinear

    func callAsFunction(_ x: Tensor, heads: Int, bias: Tensor, eps: Float, _ backend: any Backend) -> Tensor {
        let n = backend.rmsNorm(x, weight: attentionNorm, eps: eps)
        let attended = backend.attention(q: backend.linear(n, q), k: backend.linear(n, k), v: backend.linear(n, v),
                                         heads: heads, scale: 1, bias: bias)
        var out = backend.add(x, backend.linear(attended, o))
        let h = backend.rmsNorm(out, weight: feedForwardNorm, eps: eps)
        let hidden: Tensor
        if let wiGate {
            hidden = backend.mul(backend.gelu(backend.linear(h, wi)), backend.linear(h, wiGate))
        } else {
            hidden = T5Encoder.relu(backend.linear(h, wi))
        }
        out = backend.add(out, backend.linear(hidden, wo))
        return out
    }
}

public struct T5Encoder: Sendable {
    public let config: T5EncoderConfig
    let embedding: Tensor               // [V, D]
    let relativeAttentionBias: Tensor   // [buckets, H]
    let blocks: [T5Block]
    let finalLayerNorm: Tensor          // [D]

    /// Builds the encoder from `config` and weights with transformers names. Strict: every expected key with its
    /// shape and no other key; all problems reported at once.
    public init(config: T5EncoderConfig, weights: any WeightSource, sourceName: String? = nil) throws {
        try config.validate()
        let (loader, embeddingKey) = try config.loader(weights, name: sourceName)
        self.config = config
        embedding = try loader.tensor(embeddingKey)
        relativeAttentionBias = try loader.tensor(T5Keys.relativeBias)
        let gated = config.feedForward == .gatedGelu
        blocks = try (0..<config.numLayers).map { i in
            let block = T5Keys.block(i)
            func linear(_ path: String) throws -> PackedLinear { try loader.linear(block + path, bias: false) }
            return T5Block(
                attentionNorm: try loader.tensor(block + T5Keys.attentionNorm),
                q: try linear(T5Keys.attention + "q"), k: try linear(T5Keys.attention + "k"),
                v: try linear(T5Keys.attention + "v"), o: try linear(T5Keys.attention + "o"),
                feedForwardNorm: try loader.tensor(block + T5Keys.feedForwardNorm),
                wi: try linear(T5Keys.feedForward + (gated ? "wi_0" : "wi")),
                wiGate: gated ? try linear(T5Keys.feedForward + "wi_1") : nil,
                wo: try linear(T5Keys.feedForward + "wo"))
        }
        finalLayerNorm = try loader.tensor(T5Keys.finalLayerNorm)
    }

    /// Loads a transformers T5EncoderModel folder: config.json and model.safetensors or a sharded
    /// model.safetensors.index.json (FLUX's text_encoder_2/ is sharded).
    public init(folder: String) throws {
        let (data, path) = try TextEncoderFolder.config(in: folder, model: "T5 encoder")
        let config = try T5EncoderConfig.decode(data, source: path)
        try self.init(config: config, weights: try WeightSources.open(path: folder), sourceName: folder)
    }

    /// What `init(folder:)` checks before it reads a tensor (config, every shard, every key and shape), without
    /// loading: a staged pipeline refuses a bad folder at `load model` and loads the weights when first used.
    public static func checkFolder(_ folder: String) throws -> T5EncoderConfig {
        let (data, path) = try TextEncoderFolder.config(in: folder, model: "T5 encoder")
        let config = try T5EncoderConfig.decode(data, source: path)
        try config.validate()
        _ = try config.loader(try WeightSources.open(path: folder), name: folder)
        return config
    }

    /// The relative position bias [H, L, L] every block adds to its scores.
    public func positionBias(length: Int) -> Tensor {
        T5RelativePosition.scoreBias(table: relativeAttentionBias, queries: length, keys: length,
                                     numBuckets: config.relativeAttentionNumBuckets, maxDistance: config.relativeAttentionMaxDistance)
    }

    /// Encodes rows of token ids (all of one length, ids in the vocabulary): last_hidden_state [B, L, d_model].
    public func callAsFunction(_ ids: [[Int32]], backend: any Backend) throws -> Tensor {
        let (_, length) = try TextEncoderFolder.checkIds(ids, vocab: config.vocabSize, maxLength: nil, model: "T5 encoder")
        let eps = Float(config.layerNormEpsilon)
        let bias = positionBias(length: length)
        var x = TextEncoderFolder.gather(embedding, ids)
        for block in blocks { x = block(x, heads: config.numHeads, bias: bias, eps: eps, backend) }
        return backend.rmsNorm(x, weight: finalLayerNorm, eps: eps)
    }

    /// max(x, 0) elementwise, NaN kept (torch.relu): a compare and a select, exact.
    static func relu(_ x: Tensor) -> Tensor {
        Tensor(shape: x.shape, data: x.data.map { $0 > 0 || $0.isNaN ? $0 : 0 })
    }
}
