// CLIP vision tower with projection: transformers CLIPVisionModelWithProjection, forward only.
// port of transformers/models/clip/modeling_clip.py (CLIPVisionEmbeddings, CLIPEncoderLayer, CLIPVisionModel,
// CLIPVisionModelWithProjection). Shapes: B images, T = (image/patch)² + 1 tokens, H = hidden_size.
//
//   x  = cat([class_embedding, patch_conv(pixels)]) + position_embedding       [B, T, H]  (conv without bias)
//   x  = pre_layrnorm(x)
//   per layer:  x = x + out_proj(attention(q_proj(LN1 x), k_proj(LN1 x), v_proj(LN1 x)))   scale head_dim^-0.5
//               x = x + fc2(act(fc1(LN2 x)))                                                act = hidden_act
//   last_hidden_state = x;  pooled = post_layernorm(x[:, 0]);  image_embeds = visual_projection(pooled)  (no bias)
// No L2 normalisation (LoRWeB uses image_embeds as is, Docs/LORWEB.md §2.1).

import Formats
import TensorCore

/// LayerNorm parameters (affine) and epsilon.
struct CLIPLayerNorm: Sendable {
    let weight: Tensor
    let bias: Tensor
    let eps: Float

    func callAsFunction(_ x: Tensor, _ backend: any Backend) -> Tensor {
        backend.layerNorm(x, weight: weight, bias: bias, eps: eps)
    }
}

/// One pre-norm transformer layer: self-attention and MLP, each with a residual.
struct CLIPEncoderLayer: Sendable {
    let layerNorm1: CLIPLayerNorm
    let qProj: PackedLinear
    let kProj: PackedLinear
    let vProj: PackedLinear
    let outProj: PackedLinear
    let layerNorm2: CLIPLayerNorm
    let fc1: PackedLinear
    let fc2: PackedLinear

    /// The layer under `scope` ("….encoder.layers.{i}.", vision or text tower), every Linear with its bias.
    init(loader: StrictWeightLoader, scope: String, eps: Float) throws {
        func linear(_ module: CLIPLayerWeight) throws -> PackedLinear { try loader.linear(scope + module.rawValue, bias: true) }
        layerNorm1 = try loader.layerNorm(CLIPLayerWeight.layerNorm1, in: scope, eps: eps)
        qProj = try linear(.qProj)
        kProj = try linear(.kProj)
        vProj = try linear(.vProj)
        outProj = try linear(.outProj)
        layerNorm2 = try loader.layerNorm(CLIPLayerWeight.layerNorm2, in: scope, eps: eps)
        fc1 = try linear(.fc1)
        fc2 = try linear(.fc2)
    }

    // x: [B, T, H]; scoreBias [1, T, T] when the tower masks attention (the text tower's causal mask).
    func callAsFunction(_ x: Tensor, heads: Int, scale: Float, activation: CLIPActivation, scoreBias: Tensor? = nil,
                        _ backend: any Backend) -> Tensor {
        let h = layerNorm1(x, backend)
        let q = backend.linear(h, qProj)
        let k = backend.linear(h, kProj)
        let v = backend.linear(h, vProj)
        let attended = scoreBias.map { backend.attention(q: q, k: k, v: v, heads: heads, scale: scale, bias: $0) }
            ?? backend.attention(q: q, k: k, v: v, heads: heads, scale: scale)
        var out = backend.add(x, backend.linear(attended, outProj))
        let m = backend.linear(layerNorm2(out, backend), fc1)           // [B, T, I]
        let activated: Tensor
        switch activation {
        case .quickGelu: activated = backend.quickGelu(m)
        case .geluTanh: activated = backend.gelu(m)
        }
        out = backend.add(out, backend.linear(activated, fc2))
        return out
    }
}

/// What the vision tower returns (transformers CLIPVisionModelOutput plus the pooled CLS state).
public struct CLIPVisionOutput: Sendable {
    /// [B, projection_dim]: the projected CLS state (LoRWeB's per-image query embedding).
    public let imageEmbeds: Tensor
    /// [B, T, hidden_size]: the encoder output before post_layernorm.
    public let lastHiddenState: Tensor
    /// [B, hidden_size]: post_layernorm of the CLS token.
    public let pooledOutput: Tensor
}

public struct CLIPVisionEncoder: Sendable {
    public let config: CLIPVisionConfig
    let activation: CLIPActivation
    let patchEmbedding: PackedLinear      // conv weight [H, C, p, p] as a [H, C·p·p] product, no bias
    let classEmbedding: Tensor            // [H]
    let positionEmbedding: Tensor         // [T, H]
    let preLayerNorm: CLIPLayerNorm
    let layers: [CLIPEncoderLayer]
    let postLayerNorm: CLIPLayerNorm
    let visualProjection: PackedLinear    // [P, H], no bias

    /// Builds the encoder from `config` and a weight source with transformers names (under `prefix`).
    /// Loading is strict: every expected key must be present with its shape, and with `strict` no other key
    /// may appear under `prefix` (except `vision_model.embeddings.position_ids`); all problems are reported at once.
    public init(config: CLIPVisionConfig, weights: any WeightSource, prefix: String = "", strict: Bool = true,
                sourceName: String = "CLIP weights") throws {
        try config.validate()
        let loader = try config.loader(weights, prefix: prefix, strict: strict, sourceName: sourceName)
        self.config = config
        activation = CLIPActivation(configName: config.hiddenAct)!  // validate() checked it
        let eps = Float(config.layerNormEps)

        patchEmbedding = try loader.linear(CLIPModelWeight.patchEmbedding, config: config)
        classEmbedding = try loader.tensor(CLIPModelWeight.classEmbedding.rawValue)
        positionEmbedding = try loader.tensor(CLIPModelWeight.positionEmbedding.rawValue + ".weight")
        preLayerNorm = try loader.layerNorm(CLIPModelWeight.preLayerNorm, eps: eps)
        layers = try (0..<config.numHiddenLayers).map { i in
            try CLIPEncoderLayer(loader: loader, scope: CLIPLayerWeight.scope(i), eps: eps)
        }
        postLayerNorm = try loader.layerNorm(CLIPModelWeight.postLayerNorm, eps: eps)
        visualProjection = try loader.linear(CLIPModelWeight.visualProjection, config: config)
    }

    /// Attention scale head_dim^-0.5: transformers computes it as a Python float; rounded once to f32 here.
    public var attentionScale: Float { Float(1.0 / Double(config.headDim).squareRoot()) }

    /// Runs the tower on pixel values [B, C, S, S] (or one image [C, S, S], treated as B = 1), S = image_size.
    public func callAsFunction(_ pixelValues: Tensor, backend: any Backend) throws -> CLIPVisionOutput {
        let s = config.imageSize, c = config.numChannels, h = config.hiddenSize
        var pixels = pixelValues
        if pixels.rank == 3 { pixels = pixels.reshaped([1] + pixels.shape) }
        guard pixels.rank == 4, pixels.shape[1] == c, pixels.shape[2] == s, pixels.shape[3] == s else {
            throw CLIPError.invalidInput("CLIP vision: pixel values \(pixelValues.shape), expected [B, \(c), \(s), \(s)]")
        }
        let batch = pixels.shape[0]
        let tokens = config.tokenCount

        // Embeddings: [B, G², H] patches after one class token per image, plus positions (one add, broadcast).
        let patches = backend.patchEmbed(pixels, patchEmbedding, patch: config.patchSize)
        var cls = [Float]()
        cls.reserveCapacity(batch * h)
        for _ in 0..<batch { cls.append(contentsOf: classEmbedding.data) }
        var x = backend.concat([Tensor(shape: [batch, 1, h], data: cls), patches], axis: 1)   // [B, T, H]
        precondition(x.shape == [batch, tokens, h], "CLIP vision: embeddings \(x.shape)")
        x = backend.add(x, positionEmbedding)
        x = preLayerNorm(x, backend)

        let scale = attentionScale
        for layer in layers {
            x = layer(x, heads: config.numAttentionHeads, scale: scale, activation: activation, backend)
        }
        let cls0 = backend.slice(x, axis: 1, range: 0..<1).reshaped([batch, h])
        let pooled = postLayerNorm(cls0, backend)
        let embeds = backend.linear(pooled, visualProjection)
        return CLIPVisionOutput(imageEmbeds: embeds, lastHiddenState: x, pooledOutput: pooled)
    }
}
