// Transformations that act on pixels rather than on the scene description. All integer arithmetic.

import Formats

public enum FlipAxis: String, Sendable, Equatable, CaseIterable {
    /// Mirror left-right: pixel (x, y) takes the value of (w−1−x, y).
    case horizontal
    /// Mirror top-bottom: pixel (x, y) takes the value of (x, h−1−y).
    case vertical
}

public enum PixelOperations {
    /// 255 − v in every channel.
    public static func invert(_ image: RGBImage) -> RGBImage {
        var out = image
        for i in 0..<out.pixels.count { out.pixels[i] = 255 - out.pixels[i] }
        return out
    }

    /// Luma (77 R + 150 G + 29 B + 128) / 256 (BT.601 weights in 1/256ths, summing to 256) in all channels.
    public static func grayscale(_ image: RGBImage) -> RGBImage {
        var out = image
        for i in 0..<(image.width * image.height) {
            let r = Int(image.pixels[3 * i]), g = Int(image.pixels[3 * i + 1]), b = Int(image.pixels[3 * i + 2])
            let y = UInt8((77 * r + 150 * g + 29 * b + 128) >> 8)
            out.pixels[3 * i] = y; out.pixels[3 * i + 1] = y; out.pixels[3 * i + 2] = y
        }
        return out
    }

    /// Hue rotation by a multiple of 120 degrees, which is exactly a cyclic permutation of the channels:
    /// +120 sends red to green (new G = old R, new B = old G, new R = old B). Greys are unchanged.
    public static func hueShift(_ image: RGBImage, degrees: Int) -> RGBImage {
        let thirds = (((degrees / 120) % 3) + 3) % 3
        precondition(degrees % 120 == 0, "hueShift supports multiples of 120 degrees, got \(degrees)")
        guard thirds != 0 else { return image }
        var out = image
        for i in 0..<(image.width * image.height) {
            for c in 0..<3 { out.pixels[3 * i + (c + thirds) % 3] = image.pixels[3 * i + c] }
        }
        return out
    }

    public static func flip(_ image: RGBImage, _ axis: FlipAxis) -> RGBImage {
        var out = image
        let w = image.width, h = image.height
        for y in 0..<h {
            for x in 0..<w {
                let (sx, sy) = axis == .horizontal ? (w - 1 - x, y) : (x, h - 1 - y)
                out.setPixel(x, y, image.pixel(sx, sy))
            }
        }
        return out
    }

    /// Rotation by `quarterTurns` × 90 degrees clockwise. One clockwise turn: the new image is h wide and
    /// w tall, and new pixel (x, y) is old pixel (y, h−1−x).
    public static func rotateQuarterTurns(_ image: RGBImage, _ quarterTurns: Int) -> RGBImage {
        var out = image
        for _ in 0..<(((quarterTurns % 4) + 4) % 4) { out = rotateClockwise(out) }
        return out
    }

    private static func rotateClockwise(_ image: RGBImage) -> RGBImage {
        let w = image.width, h = image.height
        var out = RGBImage(width: h, height: w)
        for y in 0..<w {
            for x in 0..<h { out.setPixel(x, y, image.pixel(y, h - 1 - x)) }
        }
        return out
    }

    /// `passes` applications of the 3×3 binomial filter [1 2 1]ᵀ[1 2 1] / 16, edges clamped, each pass
    /// rounding (sum + 8) / 16 (both directions at once, so each pass rounds once).
    public static func blur(_ image: RGBImage, passes: Int) -> RGBImage {
        var current = image
        let w = image.width, h = image.height
        let weights = [1, 2, 1]
        for _ in 0..<max(0, passes) {
            var out = current
            for y in 0..<h {
                for x in 0..<w {
                    for c in 0..<3 {
                        var sum = 0
                        for dy in -1...1 {
                            let yy = min(max(y + dy, 0), h - 1)
                            for dx in -1...1 {
                                let xx = min(max(x + dx, 0), w - 1)
                                sum += weights[dy + 1] * weights[dx + 1] * Int(current.pixels[3 * (yy * w + xx) + c])
                            }
                        }
                        out.pixels[3 * (y * w + x) + c] = UInt8((sum + 8) >> 4)
                    }
                }
            }
            current = out
        }
        return current
    }
}
