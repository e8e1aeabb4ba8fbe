// The FLUX transformer's configuration, decoded from a diffusers `transformer/config.json`.
// port of diffusers FluxTransformer2DModel.__init__ (register_to_config); Docs/FLUX.md §1.1.
import Foundation

public struct FluxTransformerConfig: Codable, Sendable, Equatable {
    public var patchSize: Int
    public var inChannels: Int
    /// nil in config.json means "same as in_channels"; see `outputChannels`.
    public var outChannels: Int?
    /// Double-stream blocks.
    public var numLayers: Int
    /// Single-stream blocks.
    public var numSingleLayers: Int
    public var attentionHeadDim: Int
    public var numAttentionHeads: Int
    /// Width of the text-encoder tokens (T5: 4096).
    public var jointAttentionDim: Int
    /// Width of the pooled text vector (CLIP: 768).
    public var pooledProjectionDim: Int
    public var guidanceEmbeds: Bool
    public var axesDimsRope: [Int]

    enum CodingKeys: String, CodingKey {
        case patchSize = "patch_size"
        case inChannels = "in_channels"
        case outChannels = "out_channels"
        case numLayers = "num_layers"
        case numSingleLayers = "num_single_layers"
        case attentionHeadDim = "attention_head_dim"
        case numAttentionHeads = "num_attention_heads"
        case jointAttentionDim = "joint_attention_dim"
        case pooledProjectionDim = "pooled_projection_dim"
        case guidanceEmbeds = "guidance_embeds"
        case axesDimsRope = "axes_dims_rope"
    }

    /// The `register_to_config` defaults (FLUX.1 size, no guidance embedding).
    public init(patchSize: Int = 1, inChannels: Int = 64, outChannels: Int? = nil, numLayers: Int = 19,
                numSingleLayers: Int = 38, attentionHeadDim: Int = 128, numAttentionHeads: Int = 24,
                jointAttentionDim: Int = 4096, pooledProjectionDim: Int = 768, guidanceEmbeds: Bool = false,
                axesDimsRope: [Int] = [16, 56, 56]) {
        self.patchSize = patchSize
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.numLayers = numLayers
        self.numSingleLayers = numSingleLayers
        self.attentionHeadDim = attentionHeadDim
        self.numAttentionHeads = numAttentionHeads
        self.jointAttentionDim = jointAttentionDim
        self.pooledProjectionDim = pooledProjectionDim
        self.guidanceEmbeds = guidanceEmbeds
        self.axesDimsRope = axesDimsRope
    }

    public init(from decoder: Decoder) throws {
        let d = FluxTransformerConfig()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        patchSize = try c.decodeIfPresent(Int.self, forKey: .patchSize) ?? d.patchSize
        inChannels = try c.decodeIfPresent(Int.self, forKey: .inChannels) ?? d.inChannels
        outChannels = try c.decodeIfPresent(Int.self, forKey: .outChannels) ?? d.outChannels
        numLayers = try c.decodeIfPresent(Int.self, forKey: .numLayers) ?? d.numLayers
        numSingleLayers = try c.decodeIfPresent(Int.self, forKey: .numSingleLayers) ?? d.numSingleLayers
        attentionHeadDim = try c.decodeIfPresent(Int.self, forKey: .attentionHeadDim) ?? d.attentionHeadDim
        numAttentionHeads = try c.decodeIfPresent(Int.self, forKey: .numAttentionHeads) ?? d.numAttentionHeads
        jointAttentionDim = try c.decodeIfPresent(Int.self, forKey: .jointAttentionDim) ?? d.jointAttentionDim
        pooledProjectionDim = try c.decodeIfPresent(Int.self, forKey: .pooledProjectionDim) ?? d.pooledProjectionDim
        guidanceEmbeds = try c.decodeIfPresent(Bool.self, forKey: .guidanceEmbeds) ?? d.guidanceEmbeds
        axesDimsRope = try c.decodeIfPresent([Int].self, forKey: .axesDimsRope) ?? d.axesDimsRope
    }

    /// FLUX.1-Kontext-dev (same architecture as FLUX.1-dev; Docs/FLUX.md §1.1).
    public static let kontextDev = FluxTransformerConfig(guidanceEmbeds: true)

    /// Decodes `config.json` (a file, or a folder holding one) and validates it.
    public static func load(path: String) throws -> FluxTransformerConfig {
        var isDirectory: ObjCBool = false
        var file = path
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            file = (path as NSString).appendingPathComponent("config.json")
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ModelError.config(path: file, "cannot read the file")
        }
        let config: FluxTransformerConfig
        do {
            config = try JSONDecoder().decode(FluxTransformerConfig.self, from: data)
        } catch {
            throw ModelError.config(path: file, "not a FluxTransformer2DModel config: \(error)")
        }
        try config.validate(path: file)
        return config
    }

    // MARK: Derived sizes

    /// D = heads · head_dim.
    public var innerDim: Int { numAttentionHeads * attentionHeadDim }
    /// MLP hidden width (diffusers hard-codes mlp_ratio 4).
    public var mlpHiddenDim: Int { 4 * innerDim }
    public var outputChannels: Int { outChannels ?? inChannels }
    /// Width of one output token: p² · out_channels.
    public var outputTokenWidth: Int { patchSize * patchSize * outputChannels }

    /// Checks what the forward pass relies on; the message names the offending field.
    public func validate(path: String = "config") throws {
        func fail(_ message: String) -> ModelError { .config(path: path, message) }
        let positive: [(String, Int)] = [
            ("patch_size", patchSize), ("in_channels", inChannels), ("attention_head_dim", attentionHeadDim),
            ("num_attention_heads", numAttentionHeads), ("joint_attention_dim", jointAttentionDim),
            ("pooled_projection_dim", pooledProjectionDim),
        ]
        for (name, value) in positive where value <= 0 { throw fail("\(name) must be positive, got \(value)") }
        if let o = outChannels, o <= 0 { throw fail("out_channels must be positive, got \(o)") }
        if numLayers < 0 || numSingleLayers < 0 { throw fail("negative block count") }
        if axesDimsRope.isEmpty || axesDimsRope.contains(where: { $0 <= 0 || $0 % 2 != 0 }) {
            throw fail("axes_dims_rope must be positive even numbers, got \(axesDimsRope)")
        }
        if axesDimsRope.reduce(0, +) != attentionHeadDim {
            throw fail("sum of axes_dims_rope \(axesDimsRope) must equal attention_head_dim \(attentionHeadDim)")
        }
    }
}
