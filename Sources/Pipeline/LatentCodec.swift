// The seam between images and the transformer's token space.
// `mini` works in pixel space (PixelSpaceCodec); flux-kontext through its VAE (Kontext/VAECodec.swift).
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

/// RGB p×p patches packed into tokens exactly like FLUX packs 2×2 latent patches (Docs/FLUX.md §2.1):
/// token n = r·cols + q; channel k = c·p² + dy·p + dx (colour outermost, then patch row, then column).
/// Pixel values map to [-1, 1] and back through `PixelConversion` (the project's one rule).
public struct PixelSpaceCodec: LatentCodec {
    public let patch: Int
    public init(patch: Int) { self.patch = patch }

    public var tokenChannels: Int { 3 * patch * patch }
    public var stride: Int { patch }

    public func encode(_ image: RGBImage) throws -> Tensor {
        guard image.width % patch == 0, image.height % patch == 0 else {
            throw PipelineError.invalid("image \(image.width)×\(image.height) is not a multiple of the \(patch)-pixel patch")
        }
        return pack(Tensor(shape: [3, image.height, image.width], data: PixelPlanes.signed(image)))
    }

    public func decode(_ tokens: Tensor, rows: Int, cols: Int) throws -> RGBImage {
        guard tokens.shape == [rows * cols, tokenChannels] else {
            throw PipelineError.invalid("tokens \(tokens.shape) do not form a \(rows)×\(cols) grid of \(tokenChannels)-channel tokens")
        }
        return PixelPlanes.image(width: cols * patch, height: rows * patch, signed: unpack(tokens, rows: rows, cols: cols).data)
    }

    /// [3, H, W] planes → tokens [(H/p)·(W/p), 3·p²] (FLUX's pack with p instead of 2).
    public func pack(_ planes: Tensor) -> Tensor {
        precondition(planes.rank == 3 && planes.shape[0] == 3, "pack: planes \(planes.shape)")
        return packing.pack(planes)
    }

    /// The inverse of `pack`.
    public func unpack(_ tokens: Tensor, rows: Int, cols: Int) -> Tensor { packing.unpack(tokens, rows: rows, cols: cols) }

    var packing: PatchPacking { PatchPacking(channels: 3, patch: patch) }
}

/// RGB pixels ↔ [-1, 1] planes [3, H, W] by the project's one conversion rule (PixelConversion), for both codecs.
enum PixelPlanes {
    static func signed(_ image: RGBImage) -> [Float] {
        let plane = image.width * image.height
        var planes = [Float](repeating: 0, count: 3 * plane)
        for i in 0..<plane {
            for c in 0..<3 { planes[c * plane + i] = PixelConversion.signedFloat(image.pixels[3 * i + c]) }
        }
        return planes
    }

    static func image(width: Int, height: Int, signed planes: [Float]) -> RGBImage {
        var image = RGBImage(width: width, height: height)
        let plane = width * height
        for i in 0..<plane {
            for c in 0..<3 { image.pixels[3 * i + c] = PixelConversion.u8(signed: planes[c * plane + i]) }
        }
        return image
    }
}

/// FLUX's token packing for any channel count C and patch p (Docs/FLUX.md §2.3; p = 2 for latents):
/// planes [C, H, W] ↔ tokens [(H/p)·(W/p), C·p²], token n = r·cols + q, channel k = c·p² + dy·p + dx.
public struct PatchPacking: Sendable {
    public let channels: Int
    public let patch: Int
    public init(channels: Int, patch: Int) {
        self.channels = channels
        self.patch = patch
    }

    public var tokenChannels: Int { channels * patch * patch }

    /// [C, H, W] planes → tokens; remainder rows/columns are dropped, as the reshape in diffusers' _pack_latents requires none.
    public func pack(_ planes: Tensor) -> Tensor {
        precondition(planes.rank == 3 && planes.shape[0] == channels, "pack: planes \(planes.shape), \(channels) channels")
        let rows = planes.shape[1] / patch, cols = planes.shape[2] / patch
        var data = [Float](repeating: 0, count: rows * cols * tokenChannels)
        forEachElement(rows: rows, cols: cols, height: planes.shape[1], width: planes.shape[2]) { token, plane in
            data[token] = planes.data[plane]
        }
        return Tensor(shape: [rows * cols, tokenChannels], data: data)
    }

    /// The inverse of `pack`: tokens [rows·cols, C·p²] → planes [C, rows·p, cols·p].
    public func unpack(_ tokens: Tensor, rows: Int, cols: Int) -> Tensor {
        let height = rows * patch, width = cols * patch
        var data = [Float](repeating: 0, count: channels * height * width)
        forEachElement(rows: rows, cols: cols, height: height, width: width) { token, plane in data[plane] = tokens.data[token] }
        return Tensor(shape: [channels, height, width], data: data)
    }

    /// The one index mapping `pack` and `unpack` share: body(token-layout index, plane-layout index) for
    /// every element of a rows×cols token grid over planes of height×width.
    private func forEachElement(rows: Int, cols: Int, height: Int, width: Int, _ body: (Int, Int) -> Void) {
        let channelsPerToken = tokenChannels
        for r in 0..<rows {
            for q in 0..<cols {
                let token = (r * cols + q) * channelsPerToken
                for c in 0..<channels {
                    for dy in 0..<patch {
                        for dx in 0..<patch {
                            body(token + (c * patch + dy) * patch + dx, (c * height + r * patch + dy) * width + q * patch + dx)
                        }
                    }
                }
            }
        }
    }
}
