// The VAE of FLUX.1 (diffusers AutoencoderKL; models/autoencoders/autoencoder_kl.py and vae.py), forward only:
// the encoder's posterior mode (the mean, as FluxKontextPipeline uses it) and the decoder. f = scale factor.
//
//   encode:  conv_in → down blocks (stride-2 downsampler after each but the last) → mid block → GN → SiLU → conv_out
//            → [quant_conv] → moments [B, 2L, H/f, W/f]; mean = moments[:, :L]   (logvar is not needed for the mode)
//   decode:  [post_quant_conv] → conv_in → mid block → up blocks (nearest ×2 + conv after each but the last)
//            → GN → SiLU → conv_out → [B, out, h·f, w·f], unclamped
// Tiling and slicing are off, as in the pipelines by default. Docs/VAE.md.
import Foundation
import Formats
import TensorCore

/// Errors of a VAE forward pass: an input that does not fit the model.
public enum VAEError: Error, CustomStringConvertible, Equatable, Sendable {
    case invalidInput(String)

    public var description: String {
        switch self { case .invalidInput(let message): return "VAE: \(message)" }
    }
}

public struct AutoencoderKL: Sendable {
    public let config: VAEConfig
    let encoderIn: VAEConv
    let downBlocks: [VAEBlock]
    let encoderMid: VAEMidBlock
    let encoderNormOut: VAEGroupNorm
    let encoderOut: VAEConv
    let quantConv: VAEConv?
    let postQuantConv: VAEConv?
    let decoderIn: VAEConv
    let decoderMid: VAEMidBlock
    let upBlocks: [VAEBlock]
    let decoderNormOut: VAEGroupNorm
    let decoderOut: VAEConv

    /// Pixels per latent side, 2^(blocks - 1) (8 for FLUX.1).
    public var scaleFactor: Int { config.scaleFactor }

    /// Loads a diffusers `vae/` folder: `config.json` and `diffusion_pytorch_model.safetensors` (or a sharded
    /// `*.safetensors.index.json`; f32, f16 or bf16, widened exactly). Strict: every key of the config's model
    /// with its shape, and no other key.
    public init(folder: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ModelError.config(path: folder, "the VAE folder does not exist (expected config.json and diffusion_pytorch_model.safetensors in it)")
        }
        let config = try VAEConfig.load(path: (folder as NSString).appendingPathComponent("config.json"))
        let weights = try WeightSources.open(path: folder)
        try self.init(config: config, weights: weights)
    }

    /// Builds the VAE from `config` and weights under diffusers names (after `prefix`, e.g. "vae."); strict as above.
    public init(config: VAEConfig, weights: any WeightSource, prefix: String = "", sourceName: String? = nil) throws {
        try config.validate()
        let loader = try config.loader(weights, prefix: prefix, sourceName: sourceName)
        let layout = VAELayout(config: config)
        let groups = config.normNumGroups, blocks = layout.blocks, deepest = layout.deepest
        self.config = config

        encoderIn = try loader.vaeConv("encoder.conv_in", kernel: 3, padding: .same(1))
        downBlocks = try (0..<blocks).map { i in
            let scope = "encoder.down_blocks.\(i)."
            return VAEBlock(
                resnets: try layout.downResnets(i).enumerated().map { j, io in
                    try loader.vaeResnet(scope + "resnets.\(j).", in: io.in, out: io.out, groups: groups)
                },
                resampling: i == blocks - 1 ? .none
                    : .down(try loader.vaeConv(scope + "downsamplers.0.conv", kernel: 3, stride: 2, padding: Padding2D(bottom: 1, right: 1))))
        }
        encoderMid = try loader.vaeMidBlock("encoder.mid_block.", channels: deepest, groups: groups, attention: config.midBlockAddAttention)
        encoderNormOut = try loader.vaeGroupNorm("encoder.conv_norm_out", groups: groups)
        encoderOut = try loader.vaeConv("encoder.conv_out", kernel: 3, padding: .same(1))
        quantConv = config.useQuantConv ? try loader.vaeConv("quant_conv", kernel: 1, padding: .none) : nil

        postQuantConv = config.usePostQuantConv ? try loader.vaeConv("post_quant_conv", kernel: 1, padding: .none) : nil
        decoderIn = try loader.vaeConv("decoder.conv_in", kernel: 3, padding: .same(1))
        decoderMid = try loader.vaeMidBlock("decoder.mid_block.", channels: deepest, groups: groups, attention: config.midBlockAddAttention)
        upBlocks = try (0..<blocks).map { i in
            let scope = "decoder.up_blocks.\(i)."
            return VAEBlock(
                resnets: try layout.upResnets(i).enumerated().map { j, io in
                    try loader.vaeResnet(scope + "resnets.\(j).", in: io.in, out: io.out, groups: groups)
                },
                resampling: i == blocks - 1 ? .none : .up(try loader.vaeConv(scope + "upsamplers.0.conv", kernel: 3, padding: .same(1))))
        }
        decoderNormOut = try loader.vaeGroupNorm("decoder.conv_norm_out", groups: groups)
        decoderOut = try loader.vaeConv("decoder.conv_out", kernel: 3, padding: .same(1))
    }

    // MARK: Forward

    /// The encoder's output before the split: [B, 2L, H/f, W/f] = mean ‖ logvar (after quant_conv when present).
    /// `image` is [B, in_channels, H, W] in [-1, 1] (or one image [C, H, W]); H and W must be positive multiples of
    /// the scale factor.
    public func moments(_ image: Tensor, backend: any Backend) throws -> Tensor {
        let x = try checkImage(image)
        var h = encoderIn(x, backend)
        for block in downBlocks { h = block(h, backend) }
        h = encoderMid(h, backend)
        h = encoderOut(backend.silu(encoderNormOut(h, backend)), backend)
        if let quantConv { h = quantConv(h, backend) }
        return h
    }

    /// The posterior mode (= its mean; `latent_dist.mode()`, what FluxKontextPipeline takes): [B, L, H/f, W/f].
    public func encode(_ image: Tensor, backend: any Backend) throws -> Tensor {
        backend.slice(try moments(image, backend: backend), axis: 1, range: 0..<config.latentChannels)
    }

    /// The decoder's image for latents [B, L, h, w] (or [L, h, w]): [B, out_channels, h·f, w·f], unclamped
    /// (`vae.decode(z).sample`). The latents are the VAE's own (unscale them first: `decoderInput`).
    public func decode(_ latents: Tensor, backend: any Backend) throws -> Tensor {
        let l = config.latentChannels
        let z = latents.rank == 3 ? latents.reshaped([1] + latents.shape) : latents
        guard z.rank == 4, z.shape[1] == l, z.shape[0] > 0, z.shape[2] > 0, z.shape[3] > 0 else {
            throw VAEError.invalidInput("latents \(latents.shape) are not [B, \(l), h, w]")
        }
        var h = postQuantConv.map { $0(z, backend) } ?? z
        h = decoderIn(h, backend)
        h = decoderMid(h, backend)
        for block in upBlocks { h = block(h, backend) }
        return decoderOut(backend.silu(decoderNormOut(h, backend)), backend)
    }

    func checkImage(_ image: Tensor) throws -> Tensor {
        let c = config.inChannels, f = scaleFactor
        let x = image.rank == 3 ? image.reshaped([1] + image.shape) : image
        guard x.rank == 4, x.shape[1] == c, x.shape[0] > 0 else {
            throw VAEError.invalidInput("image \(image.shape) is not [B, \(c), H, W]")
        }
        let (h, w) = (x.shape[2], x.shape[3])
        guard h > 0, w > 0, h % f == 0, w % f == 0 else {
            throw VAEError.invalidInput("image size \(w)×\(h) (width × height) is not a positive multiple of the scale factor \(f)")
        }
        return x
    }

    // MARK: FluxKontextPipeline's latent scaling

    /// The transformer's context latents from the posterior mean, as FluxKontextPipeline writes it:
    /// `(mean - shift_factor) * scaling_factor` (each factor rounded to f32; one sub, then one mul).
    public func pipelineLatents(fromMean mean: Tensor, backend: any Backend) -> Tensor {
        backend.mul(backend.sub(mean, scalar: Float(config.shiftFactor)), scalar: Float(config.scalingFactor))
    }

    /// The decoder's input from the pipeline's (unpacked) latents, as FluxKontextPipeline writes it:
    /// `latents / scaling_factor + shift_factor` (one div, then one add).
    public func decoderInput(fromPipelineLatents latents: Tensor, backend: any Backend) -> Tensor {
        backend.add(backend.div(latents, scalar: Float(config.scalingFactor)), scalar: Float(config.shiftFactor))
    }
}
