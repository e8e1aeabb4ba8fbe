// Weight keys of diffusers AutoencoderKL, derived from the config alone and stated once: `VAELayout` lists
// every module (its key, kind and sizes) in state_dict order; `expectedWeights` (what the strict loader checks)
// and the model's loading both walk it.

import Formats
import TensorCore

/// One module of the VAE that holds weights.
enum VAEModuleKind: Equatable {
    /// Conv2d with bias: `.weight` [out, in, k, k], `.bias` [out].
    case conv(in: Int, out: Int, kernel: Int)
    /// GroupNorm (affine): `.weight`, `.bias` [channels].
    case groupNorm(Int)
    /// Linear with bias: `.weight` [out, in], `.bias` [out].
    case linear(in: Int, out: Int)

    var tensors: [(suffix: String, shape: [Int])] {
        switch self {
        case .conv(let i, let o, let k): return [(".weight", [o, i, k, k]), (".bias", [o])]
        case .groupNorm(let c): return [(".weight", [c]), (".bias", [c])]
        case .linear(let i, let o): return [(".weight", [o, i]), (".bias", [o])]
        }
    }
}

/// The channel plan of the encoder and decoder (diffusers Encoder / Decoder): which blocks, with which widths.
struct VAELayout {
    let config: VAEConfig

    /// (in, out) of every resnet of encoder down block `i`: the first takes the previous block's width.
    func downResnets(_ i: Int) -> [(in: Int, out: Int)] {
        let out = config.blockOutChannels[i], first = i == 0 ? config.blockOutChannels[0] : config.blockOutChannels[i - 1]
        return (0..<config.layersPerBlock).map { ($0 == 0 ? first : out, out) }
    }

    /// (in, out) of every resnet of decoder up block `i` (widths reversed; layers_per_block + 1 resnets).
    func upResnets(_ i: Int) -> [(in: Int, out: Int)] {
        let reversed = Array(config.blockOutChannels.reversed())
        let out = reversed[i], first = i == 0 ? reversed[0] : reversed[i - 1]
        return (0...config.layersPerBlock).map { ($0 == 0 ? first : out, out) }
    }

    var blocks: Int { config.blockOutChannels.count }
    var deepest: Int { config.blockOutChannels.last! }

    /// Every module, in diffusers' state_dict order (module registration order).
    var modules: [(path: String, kind: VAEModuleKind)] {
        let c = config
        var m: [(String, VAEModuleKind)] = []
        func resnet(_ scope: String, _ io: (in: Int, out: Int)) {
            m.append((scope + "norm1", .groupNorm(io.in)))
            m.append((scope + "conv1", .conv(in: io.in, out: io.out, kernel: 3)))
            m.append((scope + "norm2", .groupNorm(io.out)))
            m.append((scope + "conv2", .conv(in: io.out, out: io.out, kernel: 3)))
            if io.in != io.out { m.append((scope + "conv_shortcut", .conv(in: io.in, out: io.out, kernel: 1))) }
        }
        func midBlock(_ scope: String) {  // UNetMidBlock2D registers its attentions before its resnets
            if c.midBlockAddAttention {
                let a = scope + "mid_block.attentions.0."
                m.append((a + "group_norm", .groupNorm(deepest)))
                for name in ["to_q", "to_k", "to_v", "to_out.0"] { m.append((a + name, .linear(in: deepest, out: deepest))) }
            }
            resnet(scope + "mid_block.resnets.0.", (deepest, deepest))
            resnet(scope + "mid_block.resnets.1.", (deepest, deepest))
        }
        m.append(("encoder.conv_in", .conv(in: c.inChannels, out: c.blockOutChannels[0], kernel: 3)))
        for i in 0..<blocks {
            for (j, io) in downResnets(i).enumerated() { resnet("encoder.down_blocks.\(i).resnets.\(j).", io) }
            if i < blocks - 1 {
                let w = c.blockOutChannels[i]
                m.append(("encoder.down_blocks.\(i).downsamplers.0.conv", .conv(in: w, out: w, kernel: 3)))
            }
        }
        midBlock("encoder.")
        m.append(("encoder.conv_norm_out", .groupNorm(deepest)))
        m.append(("encoder.conv_out", .conv(in: deepest, out: 2 * c.latentChannels, kernel: 3)))

        m.append(("decoder.conv_in", .conv(in: c.latentChannels, out: deepest, kernel: 3)))
        for i in 0..<blocks {
            for (j, io) in upResnets(i).enumerated() { resnet("decoder.up_blocks.\(i).resnets.\(j).", io) }
            if i < blocks - 1 {
                let w = Array(c.blockOutChannels.reversed())[i]
                m.append(("decoder.up_blocks.\(i).upsamplers.0.conv", .conv(in: w, out: w, kernel: 3)))
            }
        }
        midBlock("decoder.")  // registered after the up blocks, although it runs before them
        m.append(("decoder.conv_norm_out", .groupNorm(c.blockOutChannels[0])))
        m.append(("decoder.conv_out", .conv(in: c.blockOutChannels[0], out: c.outChannels, kernel: 3)))

        if c.useQuantConv { m.append(("quant_conv", .conv(in: 2 * c.latentChannels, out: 2 * c.latentChannels, kernel: 1))) }
        if c.usePostQuantConv { m.append(("post_quant_conv", .conv(in: c.latentChannels, out: c.latentChannels, kernel: 1))) }
        return m
    }
}

/// One weight the VAE reads: its checkpoint key (prefix included) and its shape.
public struct VAEWeightSpec: Sendable, Equatable {
    public let key: String
    public let shape: [Int]

    public init(key: String, shape: [Int]) {
        self.key = key
        self.shape = shape
    }
}

extension VAEConfig {
    /// Every tensor of diffusers AutoencoderKL for this config (diffusers names; `prefix` is prepended, e.g.
    /// "vae." inside a single-file checkpoint). For FLUX.1: 244 tensors, 83,819,683 parameters.
    public func expectedWeights(prefix: String = "") -> [VAEWeightSpec] {
        VAELayout(config: self).modules.flatMap { module in
            module.kind.tensors.map { VAEWeightSpec(key: prefix + module.path + $0.suffix, shape: $0.shape) }
        }
    }

    /// The parameter count of `expectedWeights`.
    public var parameterCount: Int { expectedWeights().reduce(0) { $0 + $1.shape.reduce(1, *) } }

    /// Checks `source` against `expectedWeights(prefix:)` from headers alone (no tensor is read): every key present
    /// with its shape, and no other key under `prefix`. Throws ModelError.weights naming the missing and unused
    /// keys (else the first wrong shape).
    public func checkWeights(_ source: any WeightSource, prefix: String = "", sourceName: String? = nil) throws {
        _ = try loader(source, prefix: prefix, sourceName: sourceName)
    }

    func loader(_ source: any WeightSource, prefix: String, sourceName: String?) throws -> StrictWeightLoader {
        try StrictWeightLoader(source: source, expected: expectedWeights(prefix: prefix).map { ($0.key, $0.shape) },
                               name: sourceName, prefix: prefix)
    }
}
