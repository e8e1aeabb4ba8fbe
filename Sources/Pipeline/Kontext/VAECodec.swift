// Images ↔ tokens through the FLUX VAE, as FluxKontextPipeline does it (Docs/FLUX.md §2.3-2.4, §2.7):
//   encode: u8 → [-1, 1] (VaeImageProcessor) → posterior mode (mean) → (z − shift) · scale → 2×2 pack
//   decode: unpack → z / scale + shift → VAE decode → (x·0.5 + 0.5).clamp(0, 1) → round(·255)
// The scalings are AutoencoderKL's (pipelineLatents, decoderInput): one f32 rounding each, in the pipeline's order.
import Formats
import Models
import TensorCore

public struct VAECodec: LatentCodec {
    public let vae: AutoencoderKL
    let backend: any Backend

    public init(vae: AutoencoderKL, backend: any Backend) {
        self.vae = vae
        self.backend = backend
    }

    var packing: PatchPacking { PatchPacking(channels: vae.config.latentChannels, patch: 2) }
    public var tokenChannels: Int { packing.tokenChannels }
    /// Pixels per token side: the VAE's factor times the 2×2 pack (16 for FLUX).
    public var stride: Int { vae.scaleFactor * 2 }

    public func encode(_ image: RGBImage) throws -> Tensor {
        guard image.width % stride == 0, image.height % stride == 0 else {
            throw PipelineError.invalid("image \(image.width)×\(image.height) is not a multiple of the VAE's \(stride)-pixel token")
        }
        let mean = try vae.encode(Tensor(shape: [1, 3, image.height, image.width], data: PixelPlanes.signed(image)), backend: backend)
        let latents = vae.pipelineLatents(fromMean: mean, backend: backend)
        return packing.pack(latents.reshaped(Array(latents.shape.dropFirst())))
    }

    public func decode(_ tokens: Tensor, rows: Int, cols: Int) throws -> RGBImage {
        guard tokens.shape == [rows * cols, tokenChannels] else {
            throw PipelineError.invalid("tokens \(tokens.shape) do not form a \(rows)×\(cols) grid of \(tokenChannels)-channel tokens")
        }
        let planes = packing.unpack(tokens, rows: rows, cols: cols)
        let latents = vae.decoderInput(fromPipelineLatents: planes, backend: backend)
        let decoded = try vae.decode(latents.reshaped([1] + latents.shape), backend: backend)
        return PixelPlanes.image(width: decoded.shape[3], height: decoded.shape[2], signed: decoded.data)
    }
}
