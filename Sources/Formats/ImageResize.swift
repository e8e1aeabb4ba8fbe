// Image resize, bit-exact with Pillow's Image.resize for 8-bit RGB (libImaging/Resample.c,
// Pillow 13; verified against committed fixtures made by Tools/fixtures/resize_fixtures.py).
//
// The algorithm, as Pillow defines it:
// - Two separable passes, each only if its size changes (an unchanged size returns the image as is).
//   Horizontal first, except (Pillow 13, python-pillow/Pillow#9549) when both change, the height
//   shrinks, and it shrinks by more than twice as many pixels as the width does:
//   outH < inH && (inH - outH) > 2 * (inW - outW). The order changes the rounding of the
//   intermediate image, so it is part of the result. (Rule fitted to Pillow 13.0.0 on 1,472 random
//   size pairs with zero exceptions; the fixtures include cases on both sides of it and the tie.)
// - Per output position i (0-based) along an axis of `inSize` -> `outSize`:
//     scale = inSize / outSize; filterScale = max(scale, 1); support = filterSupport * filterScale
//     center = (i + 0.5) * scale
//     first = Int(center - support + 0.5) (truncation toward zero), at least 0
//     end   = Int(center + support + 0.5), at most inSize
//     w_j = filter((j - center + 0.5) / filterScale, computed as (j - center + 0.5) * (1 / filterScale))
//     for j in first..<end; then each w_j /= Σ w (sequential sum, if the sum is not 0).
//   All of this in Double: host-computed filter weights (Docs/NUMERICS.md), identical on every machine
//   because the only transcendental, the Lanczos sine, is our own (ExactDoubleMath.sin).
// - Fixed point: k_j = Int(w_j * 2^22 + 0.5) for w_j >= 0, Int(w_j * 2^22 - 0.5) otherwise
//   (PRECISION_BITS = 32 - 8 - 2 = 22).
// - Each output sample: acc = 2^21 + Σ pixel_j * k_j in integers (exact, so the order does not
//   matter and Docs/NUMERICS.md's rule-2 sum order is moot), result = clamp(acc >> 22, 0, 255) with an
//   arithmetic (flooring) shift.
// - Filters: bicubic (a = -0.5, support 2), Lanczos (a = 3, support 3: sinc(x) * sinc(x / 3) on
//   [-3, 3), sinc(x) = sin(πx) / (πx), sinc(0) = 1), with Pillow's exact expression order.

import Numerics

public enum ResizeFilter: String, Sendable, CaseIterable {
    case bicubic
    case lanczos

    var support: Double {
        switch self {
        case .bicubic: return 2
        case .lanczos: return 3
        }
    }

    @inline(__always)
    func weight(_ t: Double, sine: (Double) -> Double) -> Double {
        switch self {
        case .bicubic:
            let a = -0.5
            let x = t < 0 ? -t : t
            if x < 1 { return ((a + 2.0) * x - (a + 3.0)) * x * x + 1 }
            if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
            return 0
        case .lanczos:
            if -3.0 <= t && t < 3.0 { return Self.sinc(t, sine) * Self.sinc(t / 3, sine) }
            return 0
        }
    }

    private static func sinc(_ t: Double, _ sine: (Double) -> Double) -> Double {
        if t == 0 { return 1 }
        let x = t * ExactDoubleMath.pi
        return sine(x) / x
    }
}

/// Fixed-point weights for one axis: output i reads input first[i] ..< first[i] + count[i].
public struct ResizeWeights: Sendable, Equatable {
    public static let precisionBits = 22
    public let first: [Int]
    public let count: [Int]
    /// Row i's weights start at i * stride.
    public let stride: Int
    public let fixed: [Int32]
    /// The normalized Double weights before quantization (same layout), for inspection and tests.
    public let normalized: [Double]

    /// `sine` exists so tests can measure the effect of another sine (e.g. the C library's);
    /// production code always uses the default, ExactDoubleMath.sin.
    public init(inSize: Int, outSize: Int, filter: ResizeFilter, sine: (Double) -> Double = ExactDoubleMath.sin) {
        precondition(inSize > 0 && outSize > 0)
        let scale = Double(inSize) / Double(outSize)
        let filterScale = max(scale, 1.0)
        let support = filter.support * filterScale
        let stride = Int(support.rounded(.up)) * 2 + 1
        let inverseFilterScale = 1.0 / filterScale
        var first = [Int](repeating: 0, count: outSize)
        var count = [Int](repeating: 0, count: outSize)
        var normalized = [Double](repeating: 0, count: outSize * stride)
        var fixed = [Int32](repeating: 0, count: outSize * stride)
        let one = Double(1 << Self.precisionBits)
        for i in 0..<outSize {
            let center = (Double(i) + 0.5) * scale
            let lo = max(Int(center - support + 0.5), 0)
            let hi = min(Int(center + support + 0.5), inSize)
            let n = hi - lo
            var sum = 0.0
            for j in 0..<n {
                let w = filter.weight((Double(j + lo) - center + 0.5) * inverseFilterScale, sine: sine)
                normalized[i * stride + j] = w
                sum += w
            }
            for j in 0..<n {
                if sum != 0 { normalized[i * stride + j] /= sum }
                let w = normalized[i * stride + j]
                fixed[i * stride + j] = Int32(w < 0 ? (-0.5 + w * one) : (0.5 + w * one))
            }
            first[i] = lo
            count[i] = n
        }
        self.first = first
        self.count = count
        self.stride = stride
        self.fixed = fixed
        self.normalized = normalized
    }
}

public enum ImageResize {
    public static func resize(_ image: RGBImage, width: Int, height: Int, filter: ResizeFilter) -> RGBImage {
        precondition(width > 0 && height > 0, "resize target must be at least 1x1, got \(width)x\(height)")
        precondition(image.width > 0 && image.height > 0, "cannot resize an empty image")
        let needHorizontal = width != image.width
        let needVertical = height != image.height
        let horizontalWeights = needHorizontal ? ResizeWeights(inSize: image.width, outSize: width, filter: filter) : nil
        let verticalWeights = needVertical ? ResizeWeights(inSize: image.height, outSize: height, filter: filter) : nil
        var current = image
        if verticalFirst(inWidth: image.width, inHeight: image.height, outWidth: width, outHeight: height) {
            current = vertical(current, weights: verticalWeights!)
            return horizontal(current, weights: horizontalWeights!)
        }
        if let horizontalWeights { current = horizontal(current, weights: horizontalWeights) }
        if let verticalWeights { current = vertical(current, weights: verticalWeights) }
        return current
    }

    /// Pillow's pass order (see the file comment).
    public static func verticalFirst(inWidth: Int, inHeight: Int, outWidth: Int, outHeight: Int) -> Bool {
        outWidth != inWidth && outHeight < inHeight && (inHeight - outHeight) > 2 * (inWidth - outWidth)
    }

    @inline(__always)
    static func clip(_ acc: Int) -> UInt8 {
        let v = acc >> ResizeWeights.precisionBits
        return UInt8(v < 0 ? 0 : (v > 255 ? 255 : v))
    }

    static func horizontal(_ image: RGBImage, weights: ResizeWeights) -> RGBImage {
        let outWidth = weights.first.count
        var out = [UInt8](repeating: 0, count: outWidth * image.height * 3)
        let rounding = 1 << (ResizeWeights.precisionBits - 1)
        image.pixels.withUnsafeBufferPointer { src in
            weights.fixed.withUnsafeBufferPointer { k in
                out.withUnsafeMutableBufferPointer { dst in
                    for y in 0..<image.height {
                        let row = y * image.width * 3
                        for x in 0..<outWidth {
                            let lo = weights.first[x], n = weights.count[x], kb = x * weights.stride
                            var r = rounding, g = rounding, b = rounding
                            for j in 0..<n {
                                let w = Int(k[kb + j])
                                let p = row + (lo + j) * 3
                                r += Int(src[p]) * w
                                g += Int(src[p + 1]) * w
                                b += Int(src[p + 2]) * w
                            }
                            let o = (y * outWidth + x) * 3
                            dst[o] = clip(r); dst[o + 1] = clip(g); dst[o + 2] = clip(b)
                        }
                    }
                }
            }
        }
        return RGBImage(width: outWidth, height: image.height, pixels: out)
    }

    static func vertical(_ image: RGBImage, weights: ResizeWeights) -> RGBImage {
        let outHeight = weights.first.count
        let rowBytes = image.width * 3
        var out = [UInt8](repeating: 0, count: rowBytes * outHeight)
        let rounding = 1 << (ResizeWeights.precisionBits - 1)
        image.pixels.withUnsafeBufferPointer { src in
            weights.fixed.withUnsafeBufferPointer { k in
                out.withUnsafeMutableBufferPointer { dst in
                    for y in 0..<outHeight {
                        let lo = weights.first[y], n = weights.count[y], kb = y * weights.stride
                        for c in 0..<rowBytes {
                            var acc = rounding
                            for j in 0..<n {
                                acc += Int(src[(lo + j) * rowBytes + c]) * Int(k[kb + j])
                            }
                            dst[y * rowBytes + c] = clip(acc)
                        }
                    }
                }
            }
        }
        return RGBImage(width: image.width, height: outHeight, pixels: out)
    }
}
