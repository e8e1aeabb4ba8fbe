// Weight keys of CLIPVisionModelWithProjection (transformers names), derived from the config alone.
// One place lists every tensor the encoder reads, with its shape; loading checks a source against it strictly.

import Formats

/// One weight the encoder reads: its checkpoint key (prefix included) and its shape.
public struct CLIPWeightSpec: Sendable, Equatable {
    public let key: String
    public let shape: [Int]
}

extension CLIPVisionConfig {
    /// Keys a checkpoint may carry that the encoder ignores on purpose: the non-persistent `position_ids`
    /// buffer (0..T-1) that older transformers versions saved.
    public static let ignorableWeightKeys: Set<String> = ["vision_model.embeddings.position_ids"]

    /// Every tensor of CLIPVisionModelWithProjection for this config, in model order
    /// (8 + 16·num_hidden_layers tensors). `prefix` is prepended to each key (e.g. "image_encoder.").
    public func expectedWeights(prefix: String = "") -> [CLIPWeightSpec] {
        let h = hiddenSize, i = intermediateSize
        var specs: [CLIPWeightSpec] = []
        func add(_ key: String, _ shape: [Int]) { specs.append(CLIPWeightSpec(key: prefix + key, shape: shape)) }
        add("vision_model.embeddings.class_embedding", [h])
        add("vision_model.embeddings.patch_embedding.weight", [h, numChannels, patchSize, patchSize])
        add("vision_model.embeddings.position_embedding.weight", [tokenCount, h])
        add("vision_model.pre_layrnorm.weight", [h])   // sic: transformers spells it "layrnorm"
        add("vision_model.pre_layrnorm.bias", [h])
        for layer in 0..<numHiddenLayers {
            let p = "vision_model.encoder.layers.\(layer)."
            for proj in ["k_proj", "v_proj", "q_proj", "out_proj"] {
                add(p + "self_attn.\(proj).weight", [h, h])
                add(p + "self_attn.\(proj).bias", [h])
            }
            add(p + "layer_norm1.weight", [h])
            add(p + "layer_norm1.bias", [h])
            add(p + "mlp.fc1.weight", [i, h])
            add(p + "mlp.fc1.bias", [i])
            add(p + "mlp.fc2.weight", [h, i])
            add(p + "mlp.fc2.bias", [h])
            add(p + "layer_norm2.weight", [h])
            add(p + "layer_norm2.bias", [h])
        }
        add("vision_model.post_layernorm.weight", [h])
        add("vision_model.post_layernorm.bias", [h])
        add("visual_projection.weight", [projectionDim, h])
        return specs
    }

    /// Checks `source` against `expectedWeights(prefix:)` from headers alone (no tensor is read): every expected
    /// key present with its shape, and (when `strict`) no key left over under `prefix` except the ignorable ones.
    /// Throws `CLIPError.weightMismatch` listing all missing, unused and wrongly shaped keys.
    public func checkWeights(_ source: any WeightSource, prefix: String = "", strict: Bool = true,
                             sourceName: String = "weights") throws {
        let expected = expectedWeights(prefix: prefix)
        var missing: [String] = []
        var wrongShape: [String] = []
        for spec in expected {
            guard source.contains(spec.key) else { missing.append(spec.key); continue }
            let info = try source.info(spec.key)
            if info.shape != spec.shape {
                wrongShape.append("\(spec.key): expected \(spec.shape), found \(info.shape)")
            }
        }
        var unused: [String] = []
        if strict {
            let known = Set(expected.map(\.key))
            let ignorable = Set(Self.ignorableWeightKeys.map { prefix + $0 })
            unused = source.keys.filter { $0.hasPrefix(prefix) && !known.contains($0) && !ignorable.contains($0) }
        }
        if !missing.isEmpty || !unused.isEmpty || !wrongShape.isEmpty {
            throw CLIPError.weightMismatch(source: sourceName, missing: missing, unused: unused, wrongShape: wrongShape)
        }
    }
}
