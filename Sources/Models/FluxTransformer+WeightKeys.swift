// Every checkpoint key of FluxTransformer2DModel (diffusers names), with its shape, in one place.
// port of diffusers transformer_flux.py parameter names; Docs/FLUX.md §1.2, Docs/LORWEB.md §1.3.

/// One nn.Linear of the model: its module path, sizes, and whether it has a bias.
public struct FluxLinearSpec: Sendable, Equatable {
    public let path: String
    public let inFeatures: Int
    public let outFeatures: Int
    public let hasBias: Bool
    /// Inside a double or single block: every such Linear is adapted (carries an optional low-rank delta).
    public var isAdapted: Bool { path.contains("transformer_blocks") }
}

public enum FluxWeightKeys {
    /// Module-path suffixes of the Linears of a double block `transformer_blocks.{i}` (Docs/LORWEB.md §1.3 order),
    /// with (in, out) as multiples of (D, M) resolved by `doubleBlockLinears`.
    public static let doubleBlockLinearSuffixes = [
        "norm1.linear", "norm1_context.linear",
        "attn.to_q", "attn.to_k", "attn.to_v",
        "attn.add_q_proj", "attn.add_k_proj", "attn.add_v_proj",
        "attn.to_out.0", "attn.to_add_out",
        "ff.net.0.proj", "ff.net.2", "ff_context.net.0.proj", "ff_context.net.2",
    ]
    public static let singleBlockLinearSuffixes = [
        "norm.linear", "proj_mlp", "attn.to_q", "attn.to_k", "attn.to_v", "proj_out",
    ]
    /// RMSNorm weights [head_dim] per block.
    public static let doubleBlockNormSuffixes = ["attn.norm_q", "attn.norm_k", "attn.norm_added_q", "attn.norm_added_k"]
    public static let singleBlockNormSuffixes = ["attn.norm_q", "attn.norm_k"]

    static func doubleBlockLinears(_ i: Int, _ config: FluxTransformerConfig) -> [FluxLinearSpec] {
        let d = config.innerDim, m = config.mlpHiddenDim
        let sizes: [String: (Int, Int)] = [
            "norm1.linear": (d, 6 * d), "norm1_context.linear": (d, 6 * d),
            "ff.net.0.proj": (d, m), "ff.net.2": (m, d), "ff_context.net.0.proj": (d, m), "ff_context.net.2": (m, d),
        ]
        return doubleBlockLinearSuffixes.map { s in
            let (i0, o0) = sizes[s] ?? (d, d)
            return FluxLinearSpec(path: "transformer_blocks.\(i).\(s)", inFeatures: i0, outFeatures: o0, hasBias: true)
        }
    }

    static func singleBlockLinears(_ j: Int, _ config: FluxTransformerConfig) -> [FluxLinearSpec] {
        let d = config.innerDim, m = config.mlpHiddenDim
        let sizes: [String: (Int, Int)] = ["norm.linear": (d, 3 * d), "proj_mlp": (d, m), "proj_out": (d + m, d)]
        return singleBlockLinearSuffixes.map { s in
            let (i0, o0) = sizes[s] ?? (d, d)
            return FluxLinearSpec(path: "single_transformer_blocks.\(j).\(s)", inFeatures: i0, outFeatures: o0, hasBias: true)
        }
    }

    /// Every Linear of the model in load order: embedders, blocks, output layers.
    public static func linears(_ config: FluxTransformerConfig) -> [FluxLinearSpec] {
        let d = config.innerDim
        var specs = [
            // diffusers: Linear(in_channels, D); patch_size only widens proj_out.
            FluxLinearSpec(path: "x_embedder", inFeatures: config.inChannels, outFeatures: d, hasBias: true),
            FluxLinearSpec(path: "context_embedder", inFeatures: config.jointAttentionDim, outFeatures: d, hasBias: true),
            FluxLinearSpec(path: "time_text_embed.timestep_embedder.linear_1",
                           inFeatures: FluxHostTables.sinusoidChannels, outFeatures: d, hasBias: true),
            FluxLinearSpec(path: "time_text_embed.timestep_embedder.linear_2", inFeatures: d, outFeatures: d, hasBias: true),
        ]
        if config.guidanceEmbeds {
            specs += [
                FluxLinearSpec(path: "time_text_embed.guidance_embedder.linear_1",
                               inFeatures: FluxHostTables.sinusoidChannels, outFeatures: d, hasBias: true),
                FluxLinearSpec(path: "time_text_embed.guidance_embedder.linear_2", inFeatures: d, outFeatures: d, hasBias: true),
            ]
        }
        specs += [
            FluxLinearSpec(path: "time_text_embed.text_embedder.linear_1", inFeatures: config.pooledProjectionDim,
                           outFeatures: d, hasBias: true),
            FluxLinearSpec(path: "time_text_embed.text_embedder.linear_2", inFeatures: d, outFeatures: d, hasBias: true),
        ]
        for i in 0..<config.numLayers { specs += doubleBlockLinears(i, config) }
        for j in 0..<config.numSingleLayers { specs += singleBlockLinears(j, config) }
        specs += [
            FluxLinearSpec(path: "norm_out.linear", inFeatures: d, outFeatures: 2 * d, hasBias: true),
            FluxLinearSpec(path: "proj_out", inFeatures: d, outFeatures: config.outputTokenWidth, hasBias: true),
        ]
        return specs
    }

    /// The Linears a LoRWeB basis or a LoRA adapts: all of those inside double and single blocks
    /// (19·14 + 38·6 = 494 for FLUX.1).
    public static func adaptedLinears(_ config: FluxTransformerConfig) -> [FluxLinearSpec] {
        linears(config).filter(\.isAdapted)
    }

    /// RMSNorm weight keys (each [head_dim]).
    public static func normKeys(_ config: FluxTransformerConfig) -> [String] {
        var keys: [String] = []
        for i in 0..<config.numLayers { keys += doubleBlockNormSuffixes.map { "transformer_blocks.\(i).\($0).weight" } }
        for j in 0..<config.numSingleLayers { keys += singleBlockNormSuffixes.map { "single_transformer_blocks.\(j).\($0).weight" } }
        return keys
    }

    /// Every checkpoint tensor with its shape (1160 tensors for FLUX.1-dev / Kontext-dev).
    public static func expectedShapes(_ config: FluxTransformerConfig) -> [(key: String, shape: [Int])] {
        var out: [(key: String, shape: [Int])] = []
        for l in linears(config) {
            out.append((l.path + ".weight", [l.outFeatures, l.inFeatures]))
            if l.hasBias { out.append((l.path + ".bias", [l.outFeatures])) }
        }
        out += normKeys(config).map { ($0, [config.attentionHeadDim]) }
        return out
    }
}
