// Every checkpoint key of FluxTransformer2DModel (diffusers names), with its shape, stated once: the tables
// below drive both `expectedShapes` (what the strict loader checks) and the loading itself (FluxTransformer.init,
// FluxBlockWeights), so a key cannot be spelled in one place and read under another.
// port of diffusers transformer_flux.py parameter names; Docs/FLUX.md §1.2, Docs/LORWEB.md §1.3.
import TensorCore

/// One nn.Linear of the model: its module path, sizes, and whether it has a bias.
public struct FluxLinearSpec: Sendable, Equatable {
    public let path: String
    public let inFeatures: Int
    public let outFeatures: Int
    public let hasBias: Bool
    /// Inside a double or single block: every such Linear is adapted (carries an optional low-rank delta).
    public var isAdapted: Bool { path.contains("transformer_blocks") }
}

/// A table of Linears: each case is a module-path suffix with its (in, out) for a config. Every Linear of FLUX
/// has a bias.
protocol FluxLinearTable: CaseIterable, Hashable, Sendable, RawRepresentable where RawValue == String {
    func features(_ config: FluxTransformerConfig) -> (in: Int, out: Int)
}

extension FluxLinearTable {
    func spec(_ prefix: String, _ config: FluxTransformerConfig) -> FluxLinearSpec {
        let (i, o) = features(config)
        return FluxLinearSpec(path: prefix + rawValue, inFeatures: i, outFeatures: o, hasBias: true)
    }
}

/// A table of per-head RMSNorm weights, each [head_dim]; the key is the suffix + ".weight".
protocol FluxNormTable: CaseIterable, Hashable, Sendable, RawRepresentable where RawValue == String {}

/// The Linears of a double block `transformer_blocks.{i}`, in Docs/LORWEB.md §1.3 order.
enum FluxDoubleBlockLinear: String, FluxLinearTable {
    case norm1 = "norm1.linear", norm1Context = "norm1_context.linear"
    case toQ = "attn.to_q", toK = "attn.to_k", toV = "attn.to_v"
    case addQ = "attn.add_q_proj", addK = "attn.add_k_proj", addV = "attn.add_v_proj"
    case toOut = "attn.to_out.0", toAddOut = "attn.to_add_out"
    case ffIn = "ff.net.0.proj", ffOut = "ff.net.2", ffContextIn = "ff_context.net.0.proj", ffContextOut = "ff_context.net.2"

    func features(_ config: FluxTransformerConfig) -> (in: Int, out: Int) {
        let d = config.innerDim, m = config.mlpHiddenDim
        switch self {
        case .norm1, .norm1Context: return (d, 6 * d)
        case .ffIn, .ffContextIn: return (d, m)
        case .ffOut, .ffContextOut: return (m, d)
        default: return (d, d)
        }
    }
}

enum FluxDoubleBlockNorm: String, FluxNormTable {
    case normQ = "attn.norm_q", normK = "attn.norm_k", normAddedQ = "attn.norm_added_q", normAddedK = "attn.norm_added_k"
}

/// The Linears of a single block `single_transformer_blocks.{j}`.
enum FluxSingleBlockLinear: String, FluxLinearTable {
    case norm = "norm.linear", projMlp = "proj_mlp", toQ = "attn.to_q", toK = "attn.to_k", toV = "attn.to_v"
    case projOut = "proj_out"

    func features(_ config: FluxTransformerConfig) -> (in: Int, out: Int) {
        let d = config.innerDim, m = config.mlpHiddenDim
        switch self {
        case .norm: return (d, 3 * d)
        case .projMlp: return (d, m)
        case .projOut: return (d + m, d)
        default: return (d, d)
        }
    }
}

enum FluxSingleBlockNorm: String, FluxNormTable {
    case normQ = "attn.norm_q", normK = "attn.norm_k"
}

/// The Linears outside the blocks, in load order (`afterBlocks` ones follow the blocks).
enum FluxModelLinear: String, FluxLinearTable {
    case xEmbedder = "x_embedder", contextEmbedder = "context_embedder"
    case timestep1 = "time_text_embed.timestep_embedder.linear_1", timestep2 = "time_text_embed.timestep_embedder.linear_2"
    case guidance1 = "time_text_embed.guidance_embedder.linear_1", guidance2 = "time_text_embed.guidance_embedder.linear_2"
    case text1 = "time_text_embed.text_embedder.linear_1", text2 = "time_text_embed.text_embedder.linear_2"
    case normOut = "norm_out.linear", projOut = "proj_out"

    func features(_ config: FluxTransformerConfig) -> (in: Int, out: Int) {
        let d = config.innerDim
        switch self {
        case .xEmbedder: return (config.inChannels, d)  // diffusers: Linear(in_channels, D); patch_size only widens proj_out
        case .contextEmbedder: return (config.jointAttentionDim, d)
        case .timestep1, .guidance1: return (FluxHostTables.sinusoidChannels, d)
        case .text1: return (config.pooledProjectionDim, d)
        case .timestep2, .guidance2, .text2: return (d, d)
        case .normOut: return (d, 2 * d)
        case .projOut: return (d, config.outputTokenWidth)
        }
    }

    /// Whether `config`'s checkpoint has this Linear (the guidance embedder only when it embeds guidance).
    func isPresent(_ config: FluxTransformerConfig) -> Bool {
        config.guidanceEmbeds || (self != .guidance1 && self != .guidance2)
    }

    var afterBlocks: Bool { self == .normOut || self == .projOut }
}

public enum FluxWeightKeys {
    /// Module-path suffixes of the Linears of a double block `transformer_blocks.{i}` (Docs/LORWEB.md §1.3 order).
    public static let doubleBlockLinearSuffixes = FluxDoubleBlockLinear.allCases.map(\.rawValue)
    public static let singleBlockLinearSuffixes = FluxSingleBlockLinear.allCases.map(\.rawValue)
    /// RMSNorm weights [head_dim] per block.
    public static let doubleBlockNormSuffixes = FluxDoubleBlockNorm.allCases.map(\.rawValue)
    public static let singleBlockNormSuffixes = FluxSingleBlockNorm.allCases.map(\.rawValue)

    static let doubleBlockScope = "transformer_blocks.", singleBlockScope = "single_transformer_blocks."
    static func doubleBlockPrefix(_ i: Int) -> String { doubleBlockScope + "\(i)." }
    static func singleBlockPrefix(_ j: Int) -> String { singleBlockScope + "\(j)." }

    /// Every Linear of the model in load order: embedders, blocks, output layers.
    public static func linears(_ config: FluxTransformerConfig) -> [FluxLinearSpec] {
        let model = FluxModelLinear.allCases.filter { $0.isPresent(config) }
        var specs = model.filter { !$0.afterBlocks }.map { $0.spec("", config) }
        for i in 0..<config.numLayers { specs += FluxDoubleBlockLinear.allCases.map { $0.spec(doubleBlockPrefix(i), config) } }
        for j in 0..<config.numSingleLayers { specs += FluxSingleBlockLinear.allCases.map { $0.spec(singleBlockPrefix(j), config) } }
        return specs + model.filter(\.afterBlocks).map { $0.spec("", config) }
    }

    /// The Linears a LoRWeB basis or a LoRA adapts: all of those inside double and single blocks
    /// (19·14 + 38·6 = 494 for FLUX.1).
    public static func adaptedLinears(_ config: FluxTransformerConfig) -> [FluxLinearSpec] {
        linears(config).filter(\.isAdapted)
    }

    /// RMSNorm weight keys (each [head_dim]).
    public static func normKeys(_ config: FluxTransformerConfig) -> [String] {
        var keys: [String] = []
        for i in 0..<config.numLayers { keys += doubleBlockNormSuffixes.map { doubleBlockPrefix(i) + $0 + ".weight" } }
        for j in 0..<config.numSingleLayers { keys += singleBlockNormSuffixes.map { singleBlockPrefix(j) + $0 + ".weight" } }
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

/// One block's weights, read from its tables: every Linear (adapted) and every RMSNorm weight.
struct FluxBlockWeights<Linear: FluxLinearTable, Norm: FluxNormTable>: Sendable {
    private let linears: [Linear: AdaptedLinear]
    private let norms: [Norm: Tensor]

    init(prefix: String, config: FluxTransformerConfig, loader: StrictWeightLoader) throws {
        var linears: [Linear: AdaptedLinear] = [:]
        for l in Linear.allCases {
            let spec = l.spec(prefix, config)
            linears[l] = AdaptedLinear(path: spec.path, base: try loader.linear(spec))
        }
        var norms: [Norm: Tensor] = [:]
        for n in Norm.allCases { norms[n] = try loader.tensor(prefix + n.rawValue + ".weight") }
        self.linears = linears
        self.norms = norms
    }

    subscript(_ l: Linear) -> AdaptedLinear { linears[l]! }
    subscript(_ n: Norm) -> Tensor { norms[n]! }
}
