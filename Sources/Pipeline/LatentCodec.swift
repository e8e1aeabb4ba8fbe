// The seam between images and the transformer's token space.
// `mini` works in pixel space (PixelSpaceCodec); the FLUX VAE will be a second conformer.
import Formats
import TensorCore

public protocol LatentCodec: Sendable {
    /// Channels per token (the transformer's in_channels).
    var tokenChannels: Int { get }
    /// Pixels per token side: an image of W×H becomes (H/stride)·(W/stride) tokens.
    var stride: Int { get }
    /// Image → tokens [rows·cols, tokenChannels], row-major over the token grid.
    func encode(_ image: RGBImage) throws -> Tensor
    /// Tokens [rows·cols, tokenChannels] → image of (cols·stride)×(rows·stride).
    func decode(_ tokens: Tensor, rows: Int, cols: Int) throws -> RGBImage
}

/// RGB p×p patches packed into tokens exactly like FLUX packs 2×2 latent patches (flux.md §2.3):
/// token n = r·cols + q; channel k = c·p² + dy·p + dx (colour outermost, then patch row, then column).
/// Pixel values map to [-1, 1] as FLUX's image processor does: v/255 then 2x-1.
public struct PixelSpaceCodec: LatentCodec {
    public let patch: Int
    public init(patch: Int) { self.patch = patch }

    public var tokenChannels: Int { 3 * patch * patch }
    public var stride: Int { patch }

    public func encode(_ image: RGBImage) throws -> Tensor {
        guard image.width % patch == 0, image.height % patch == 0 else {
            throw PipelineError.invalid("image \(image.width)×\(image.height) is not a multiple of the \(patch)-pixel patch")
        }
        let rows = image.height / patch, cols = image.width / patch, channels = tokenChannels
        var data = [Float](repeating: 0, count: rows * cols * channels)
        for r in 0..<rows {
            for q in 0..<cols {
                let token = (r * cols + q) * channels
                for c in 0..<3 {
                    for dy in 0..<patch {
                        for dx in 0..<patch {
                            let byte = image.pixels[3 * ((r * patch + dy) * image.width + q * patch + dx) + c]
                            data[token + c * patch * patch + dy * patch + dx] = PixelSpaceCodec.signed(byte)
                        }
                    }
                }
            }
        }
        return Tensor(shape: [rows * cols, channels], data: data)
    }

    public func decode(_ tokens: Tensor, rows: Int, cols: Int) throws -> RGBImage {
        let channels = tokenChannels
        guard tokens.shape == [rows * cols, channels] else {
            throw PipelineError.invalid("tokens \(tokens.shape) do not form a \(rows)×\(cols) grid of \(channels)-channel tokens")
        }
        var image = RGBImage(width: cols * patch, height: rows * patch)
        for r in 0..<rows {
            for q in 0..<cols {
                let token = (r * cols + q) * channels
                for c in 0..<3 {
                    for dy in 0..<patch {
                        for dx in 0..<patch {
                            let value = tokens.data[token + c * patch * patch + dy * patch + dx]
                            image.pixels[3 * ((r * patch + dy) * image.width + q * patch + dx) + c] =
                                PixelSpaceCodec.byte(value)
                        }
                    }
                }
            }
        }
        return image
    }

    /// u8 → [-1, 1]: (v / 255) · 2 − 1, three roundings in this order (VaeImageProcessor.normalize).
    @inline(__always)
    static func signed(_ v: UInt8) -> Float {
        (Float(v) / 255) * 2 - 1
    }

    /// [-1, 1] → u8: x/2 + 0.5, then the project's one float→u8 rule (clamp, ×255, round half to even).
    @inline(__always)
    static func byte(_ x: Float) -> UInt8 {
        let unit = x / 2 + 0.5
        let clamped = unit.isNaN ? 0 : min(max(unit, 0), 1)
        return UInt8((clamped * 255).rounded(.toNearestOrEven))
    }
}
