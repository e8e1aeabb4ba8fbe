// Shape rules of the image ops (conv2d, groupNorm, upsampleNearest2x) and the zero padding of a convolution.
// Images are channel-major, as torch stores them: [C, H, W] or [B, C, H, W].

/// Zero padding of a 2-D convolution, in pixels per side. diffusers' 3×3 convs use `.same(1)`; its Downsample2D
/// pads right and bottom only (F.pad(x, (0, 1, 0, 1))) before a padding-0 stride-2 conv: `Padding2D(bottom: 1, right: 1)`.
public struct Padding2D: Sendable, Equatable, CustomStringConvertible {
    public var top: Int, left: Int, bottom: Int, right: Int

    public init(top: Int = 0, left: Int = 0, bottom: Int = 0, right: Int = 0) {
        precondition(top >= 0 && left >= 0 && bottom >= 0 && right >= 0, "Padding2D: negative padding")
        (self.top, self.left, self.bottom, self.right) = (top, left, bottom, right)
    }

    /// The same padding on all four sides (torch Conv2d(padding=p)).
    public static func same(_ p: Int) -> Padding2D { Padding2D(top: p, left: p, bottom: p, right: p) }
    public static let none = Padding2D()

    public var description: String { "(\(top), \(left), \(bottom), \(right))" }
}

extension ShapeRules {
    /// The dimensions of one conv2d call.
    public struct Conv2D: Sendable, Equatable {
        public var batch: Int
        public var batched: Bool
        public var channels: Int, height: Int, width: Int
        public var outChannels: Int, outHeight: Int, outWidth: Int
        public var kernel: Int, stride: Int
        public var padding: Padding2D
        /// Terms of every output's chain: C·k·k.
        public var depth: Int { channels * kernel * kernel }
        public var outPixels: Int { outHeight * outWidth }
        public var outputShape: [Int] { (batched ? [batch] : []) + [outChannels, outHeight, outWidth] }
    }

    /// Checks x [C, H, W] / [B, C, H, W] against a layer of C·k·k inputs; traps unless one window fits.
    public static func conv2d(_ x: Tensor, _ layer: PackedLinear, kernel k: Int, stride s: Int, padding: Padding2D) -> Conv2D {
        precondition((x.rank == 3 || x.rank == 4) && k > 0 && s > 0, "conv2d: input \(x.shape), kernel \(k), stride \(s)")
        let batched = x.rank == 4
        let c = x.shape[x.rank - 3], h = x.shape[x.rank - 2], w = x.shape[x.rank - 1]
        precondition(layer.inFeatures == c * k * k,
                     "conv2d: layer takes \(layer.inFeatures) inputs, \(k)x\(k) windows of \(c) channels have \(c * k * k)")
        let ph = h + padding.top + padding.bottom, pw = w + padding.left + padding.right
        precondition(ph >= k && pw >= k, "conv2d: input \(x.shape) padded by \(padding) is smaller than the \(k)x\(k) kernel")
        return Conv2D(batch: batched ? x.shape[0] : 1, batched: batched, channels: c, height: h, width: w,
                      outChannels: layer.outFeatures, outHeight: (ph - k) / s + 1, outWidth: (pw - k) / s + 1,
                      kernel: k, stride: s, padding: padding)
    }

    /// (batch, channels, elements per channel) of a groupNorm input [B, C, *]; traps unless G divides C and the
    /// parameters are [C].
    public static func groupNorm(_ x: Tensor, groups: Int, weight: Tensor?, bias: Tensor?) -> (batch: Int, channels: Int, spatial: Int) {
        precondition(x.rank >= 2, "groupNorm: input must be [B, C, ...], got \(x.shape)")
        let c = x.shape[1]
        precondition(groups > 0 && c % groups == 0, "groupNorm: \(groups) groups do not divide \(c) channels")
        for (p, name) in [(weight, "weight"), (bias, "bias")] {
            if let p { precondition(p.shape == [c], "groupNorm: \(name) \(p.shape) for \(c) channels") }
        }
        return (x.shape[0], c, x.shape.dropFirst(2).reduce(1, *))
    }

    /// The shape of upsampleNearest2x(x): the last two axes doubled (rank >= 2).
    public static func upsampleNearest2x(_ shape: [Int]) -> [Int] {
        precondition(shape.count >= 2, "upsampleNearest2x: input must be [..., H, W], got \(shape)")
        var out = shape
        out[out.count - 1] *= 2
        out[out.count - 2] *= 2
        return out
    }
}

extension Backend {
    /// The im2col rows of output pixels `pixels` of batch item `n`: row r (pixel p = pixels.lowerBound + r,
    /// (oy, ox) = (p / Wo, p % Wo)) holds the C·k·k window elements in (c, dy, dx) order, +0.0 where the window
    /// covers padding. Written into `rows` (pixels.count × depth floats). Exact copies; shared by every backend
    /// so the GEMM that follows sees the same operand everywhere.
    public func unfoldConvolution(_ x: UnsafePointer<Float>, _ g: ShapeRules.Conv2D, item n: Int, pixels: Range<Int>,
                                  into rows: UnsafeMutablePointer<Float>) {
        let (c, h, w, k, s) = (g.channels, g.height, g.width, g.kernel, g.stride)
        let depth = g.depth
        let image = x + n * c * h * w
        for (r, p) in pixels.enumerated() {
            let oy = p / g.outWidth, ox = p % g.outWidth
            let row = rows + r * depth
            for ch in 0..<c {
                let plane = image + ch * h * w
                for dy in 0..<k {
                    let iy = oy * s + dy - g.padding.top
                    let dst = row + (ch * k + dy) * k
                    guard iy >= 0 && iy < h else {
                        for dx in 0..<k { dst[dx] = 0 }
                        continue
                    }
                    let line = plane + iy * w
                    for dx in 0..<k {
                        let ix = ox * s + dx - g.padding.left
                        dst[dx] = ix >= 0 && ix < w ? line[ix] : 0
                    }
                }
            }
        }
    }
}
