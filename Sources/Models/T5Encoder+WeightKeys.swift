// Weight keys of T5EncoderModel (transformers names), derived from the config alone. The token embedding is
// `shared.weight`, tied to `encoder.embed_tokens.weight`: a checkpoint may hold either or both (transformers 5
// saves only `shared.weight`); when both are present both are shape-checked and `shared.weight` is read.

import Formats

public struct T5WeightSpec: Sendable, Equatable {
    public let key: String
    public let shape: [Int]
}

enum T5Keys {
    static let shared = "shared.weight"
    static let embedTokens = "encoder.embed_tokens.weight"
    static let finalLayerNorm = "encoder.final_layer_norm.weight"
    static func block(_ i: Int) -> String { "encoder.block.\(i)." }
    static let attention = "layer.0.SelfAttention."
    static let attentionNorm = "layer.0.layer_norm.weight"
    static let feedForward = "layer.1.DenseReluDense."
    static let feedForwardNorm = "layer.1.layer_norm.weight"
    /// Block 0 only; every layer uses it.
    static let relativeBias = "encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight"
}

extension T5EncoderConfig {
    /// Every tensor of T5EncoderModel for this config in transformers' state_dict order, with the embedding as
    /// `embeddingKeys` name it (by default `shared.weight` alone, as transformers 5 saves it).
    public func expectedWeights(embeddingKeys: [String] = ["shared.weight"]) -> [T5WeightSpec] {
        let d = dModel, inner = innerDim
        var specs = embeddingKeys.map { T5WeightSpec(key: $0, shape: [vocabSize, d]) }
        for i in 0..<numLayers {
            let block = T5Keys.block(i)
            for name in ["q", "k", "v"] { specs.append(T5WeightSpec(key: block + T5Keys.attention + name + ".weight", shape: [inner, d])) }
            specs.append(T5WeightSpec(key: block + T5Keys.attention + "o.weight", shape: [d, inner]))
            if i == 0 { specs.append(T5WeightSpec(key: T5Keys.relativeBias, shape: [relativeAttentionNumBuckets, numHeads])) }
            specs.append(T5WeightSpec(key: block + T5Keys.attentionNorm, shape: [d]))
            let inputs = feedForward == .relu ? ["wi"] : ["wi_0", "wi_1"]
            for name in inputs { specs.append(T5WeightSpec(key: block + T5Keys.feedForward + name + ".weight", shape: [dFf, d])) }
            specs.append(T5WeightSpec(key: block + T5Keys.feedForward + "wo.weight", shape: [d, dFf]))
            specs.append(T5WeightSpec(key: block + T5Keys.feedForwardNorm, shape: [d]))
        }
        specs.append(T5WeightSpec(key: T5Keys.finalLayerNorm, shape: [d]))
        return specs
    }

    /// Checks `source` from headers alone (no tensor is read), strictly; throws `ModelError.weights` listing every
    /// missing, unexpected and misshapen key.
    public func checkWeights(_ source: any WeightSource, sourceName: String = "weights") throws {
        _ = try loader(source, name: sourceName)
    }

    /// The strict loader and the embedding key it reads.
    func loader(_ source: any WeightSource, name: String?) throws -> (loader: StrictWeightLoader, embedding: String) {
        let present = [T5Keys.shared, T5Keys.embedTokens].filter(source.contains)
        let keys = present.isEmpty ? [T5Keys.shared] : present
        let loader = try StrictWeightLoader(source: source, expected: expectedWeights(embeddingKeys: keys).map { ($0.key, $0.shape) },
                                            name: name, report: TextEncoderFolder.report(model: "T5 encoder"))
        return (loader, keys[0])
    }
}
