// Configuration of the VAE (diffusers `AutoencoderKL`, `vae/config.json` key names). Missing keys take
// diffusers' defaults (which are SD's, not FLUX's: quant convs on, 4 latents, one 64-channel block).
// `force_upcast`, `sample_size`, `latents_mean` and `latents_std` are read by other pipelines, never by the model
// or by FluxKontextPipeline: they are ignored. Docs/VAE.md.

import Foundation

public struct VAEConfig: Codable, Sendable, Equatable {
    public var inChannels: Int = 3
    public var outChannels: Int = 3
    public var downBlockTypes: [String] = ["DownEncoderBlock2D"]
    public var upBlockTypes: [String] = ["UpDecoderBlock2D"]
    public var blockOutChannels: [Int] = [64]
    public var layersPerBlock: Int = 1
    public var actFn: String = "silu"
    public var latentChannels: Int = 4
    public var normNumGroups: Int = 32
    public var scalingFactor: Double = 0.18215
    /// `shift_factor`; null or absent (SD's VAEs) reads as 0, no shift.
    public var shiftFactor: Double = 0
    public var useQuantConv: Bool = true
    public var usePostQuantConv: Bool = true
    public var midBlockAddAttention: Bool = true

    enum CodingKeys: String, CodingKey {
        case inChannels = "in_channels"
        case outChannels = "out_channels"
        case downBlockTypes = "down_block_types"
        case upBlockTypes = "up_block_types"
        case blockOutChannels = "block_out_channels"
        case layersPerBlock = "layers_per_block"
        case actFn = "act_fn"
        case latentChannels = "latent_channels"
        case normNumGroups = "norm_num_groups"
        case scalingFactor = "scaling_factor"
        case shiftFactor = "shift_factor"
        case useQuantConv = "use_quant_conv"
        case usePostQuantConv = "use_post_quant_conv"
        case midBlockAddAttention = "mid_block_add_attention"
    }

    public init() {}

    /// FLUX.1's published `vae/config.json` (FLUX.1-dev, -schnell and Kontext-dev share it; Docs/VAE.md).
    public static let flux1: VAEConfig = {
        var c = VAEConfig()
        c.downBlockTypes = Array(repeating: "DownEncoderBlock2D", count: 4)
        c.upBlockTypes = Array(repeating: "UpDecoderBlock2D", count: 4)
        c.blockOutChannels = [128, 256, 512, 512]
        c.layersPerBlock = 2
        c.latentChannels = 16
        c.normNumGroups = 32
        c.scalingFactor = 0.3611
        c.shiftFactor = 0.1159
        c.useQuantConv = false
        c.usePostQuantConv = false
        return c
    }()

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = VAEConfig()
        inChannels = try c.decodeIfPresent(Int.self, forKey: .inChannels) ?? d.inChannels
        outChannels = try c.decodeIfPresent(Int.self, forKey: .outChannels) ?? d.outChannels
        downBlockTypes = try c.decodeIfPresent([String].self, forKey: .downBlockTypes) ?? d.downBlockTypes
        upBlockTypes = try c.decodeIfPresent([String].self, forKey: .upBlockTypes) ?? d.upBlockTypes
        blockOutChannels = try c.decodeIfPresent([Int].self, forKey: .blockOutChannels) ?? d.blockOutChannels
        layersPerBlock = try c.decodeIfPresent(Int.self, forKey: .layersPerBlock) ?? d.layersPerBlock
        actFn = try c.decodeIfPresent(String.self, forKey: .actFn) ?? d.actFn
        latentChannels = try c.decodeIfPresent(Int.self, forKey: .latentChannels) ?? d.latentChannels
        normNumGroups = try c.decodeIfPresent(Int.self, forKey: .normNumGroups) ?? d.normNumGroups
        scalingFactor = try c.decodeIfPresent(Double.self, forKey: .scalingFactor) ?? d.scalingFactor
        shiftFactor = try c.decodeIfPresent(Double.self, forKey: .shiftFactor) ?? d.shiftFactor
        useQuantConv = try c.decodeIfPresent(Bool.self, forKey: .useQuantConv) ?? d.useQuantConv
        usePostQuantConv = try c.decodeIfPresent(Bool.self, forKey: .usePostQuantConv) ?? d.usePostQuantConv
        midBlockAddAttention = try c.decodeIfPresent(Bool.self, forKey: .midBlockAddAttention) ?? d.midBlockAddAttention
    }

    // MARK: Derived sizes

    /// Pixels per latent side: 2^(blocks - 1), one stride-2 downsampler per block but the last
    /// (diffusers' `vae_scale_factor`; 8 for FLUX.1).
    public var scaleFactor: Int { 1 << max(0, blockOutChannels.count - 1) }
    /// GroupNorm epsilon of every norm in the encoder and decoder (diffusers hard-codes 1e-6).
    public static let normEps: Float = 1e-6

    /// The block types this port implements (the only ones AutoencoderKL's FLUX and SD configs use).
    public static let supportedDownBlock = "DownEncoderBlock2D"
    public static let supportedUpBlock = "UpDecoderBlock2D"

    /// Every size positive, one down and one up block per entry of block_out_channels, of the supported types,
    /// norm groups dividing every block's channels, SiLU, a usable scaling factor. `source` names the file.
    public func validate(source: String = "VAE config") throws {
        func fail(_ message: String) -> ModelError { ModelError.config(path: source, message) }
        let dims: [(String, Int)] = [("in_channels", inChannels), ("out_channels", outChannels),
                                     ("latent_channels", latentChannels), ("layers_per_block", layersPerBlock),
                                     ("norm_num_groups", normNumGroups)]
        for (name, value) in dims where value <= 0 { throw fail("\(name) must be positive, got \(value)") }
        if blockOutChannels.isEmpty { throw fail("block_out_channels is empty") }
        if let bad = blockOutChannels.first(where: { $0 <= 0 }) {
            throw fail("block_out_channels \(blockOutChannels) holds \(bad); every block needs a positive width")
        }
        if blockOutChannels.count > 12 { throw fail("block_out_channels has \(blockOutChannels.count) blocks (at most 12)") }
        if let bad = blockOutChannels.first(where: { $0 % normNumGroups != 0 }) {
            throw fail("norm_num_groups \(normNumGroups) does not divide block width \(bad) of block_out_channels \(blockOutChannels)")
        }
        for (name, types, supported) in [("down_block_types", downBlockTypes, Self.supportedDownBlock),
                                         ("up_block_types", upBlockTypes, Self.supportedUpBlock)] {
            if types.count != blockOutChannels.count {
                throw fail("\(name) has \(types.count) entries, block_out_channels \(blockOutChannels.count)")
            }
            if let bad = types.first(where: { $0 != supported }) {
                throw fail("\(name) holds \"\(bad)\"; only \"\(supported)\" is supported")
            }
        }
        if actFn != "silu" { throw fail("act_fn \"\(actFn)\" is not supported (silu)") }
        if !(scalingFactor.isFinite && scalingFactor != 0) { throw fail("scaling_factor must be finite and non-zero, got \(scalingFactor)") }
        if !shiftFactor.isFinite { throw fail("shift_factor must be finite, got \(shiftFactor)") }
    }

    /// Decodes a diffusers AutoencoderKL config.json and validates it.
    public static func decode(_ data: Data, source: String = "config.json") throws -> VAEConfig {
        let config: VAEConfig
        do {
            config = try JSONDecoder().decode(VAEConfig.self, from: data)
        } catch {
            throw ModelError.config(path: source, "not an AutoencoderKL config: \(Self.reason(error))")
        }
        try config.validate(source: source)
        return config
    }

    /// Reads and validates `config.json` (a file, or a folder holding one).
    public static func load(path: String) throws -> VAEConfig {
        var isDirectory: ObjCBool = false
        var file = path
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            file = (path as NSString).appendingPathComponent("config.json")
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ModelError.config(path: file, "cannot read the VAE config (missing or unreadable)")
        }
        return try decode(data, source: file)
    }

    /// A DecodingError in words: the key path and what was wrong with it.
    static func reason(_ error: Error) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            return "\(path(c).isEmpty ? "the file" : "\"\(path(c))\""): \(c.debugDescription)"
        case DecodingError.dataCorrupted(let c): return "invalid JSON (\(c.underlyingError.map { "\($0)" } ?? c.debugDescription))"
        case DecodingError.keyNotFound(let key, _): return "missing \"\(key.stringValue)\""
        default: return "\(error)"
        }
    }
}
