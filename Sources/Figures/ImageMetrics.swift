// Image quality metrics between two images of the same size: PSNR and SSIM.

import Formats
import Numerics

public struct ImageMetricsError: Error, CustomStringConvertible, Equatable, Sendable {
    public let description: String
}

public enum ImageMetrics {
    /// Peak signal-to-noise ratio in dB over all pixels and channels, peak 255:
    /// 10 · log10(255² / MSE). The squared errors are summed in integers (exact); identical images
    /// give +infinity. Same definition as skimage.metrics.peak_signal_noise_ratio(data_range=255).
    public static func psnr(_ a: RGBImage, _ b: RGBImage) throws -> Double {
        try checkSameSize(a, b, metric: "psnr")
        guard !a.pixels.isEmpty else { throw ImageMetricsError(description: "psnr: the images are empty") }
        var squaredErrors = 0
        for i in 0..<a.pixels.count {
            let d = Int(a.pixels[i]) - Int(b.pixels[i])
            squaredErrors += d * d
        }
        if squaredErrors == 0 { return .infinity }
        let mse = Double(squaredErrors) / Double(a.pixels.count)
        return 10 * ExactDoubleMath.log10(255.0 * 255.0 / mse)
    }

    /// Window half-width and weights of the SSIM Gaussian (11 taps, σ = 1.5), normalised to sum 1:
    /// exp(−x²/(2σ²)) / Σ for x = −5…5, computed offline in float64 (numpy; equal to scipy's
    /// _gaussian_kernel1d(1.5, 0, 5), the kernel skimage uses).
    static let gaussianRadius = 5
    static let gaussian: [Double] = [
        0.00102838008447911, 0.007598758135239185, 0.03600077212843083, 0.10936068950970002,
        0.2130055377112537, 0.26601172486179436, 0.2130055377112537, 0.10936068950970002,
        0.03600077212843083, 0.007598758135239185, 0.00102838008447911,
    ]

    /// Structural similarity (Wang et al. 2004) with the standard constants: Gaussian window 11×11,
    /// σ = 1.5, K1 = 0.01, K2 = 0.03, L = 255, population (not sample) covariances. Computed per
    /// channel over every window that fits inside the image ("valid" positions), averaged over
    /// positions (canonical 8-lane sum), then averaged over R, G, B. This equals
    /// skimage.metrics.structural_similarity(a, b, channel_axis=-1, gaussian_weights=True, sigma=1.5,
    /// use_sample_covariance=False, data_range=255) and pytorch-msssim's ssim(size_average=True) up to
    /// float64 rounding. Images must be at least 11×11. Identical images give exactly 1.
    public static func ssim(_ a: RGBImage, _ b: RGBImage) throws -> Double {
        try checkSameSize(a, b, metric: "ssim")
        let window = 2 * gaussianRadius + 1
        guard a.width >= window, a.height >= window else {
            throw ImageMetricsError(description: "ssim: images must be at least \(window)x\(window), got \(a.width)x\(a.height)")
        }
        var total = 0.0
        for channel in 0..<3 { total += channelSSIM(a, b, channel: channel) }
        return total / 3
    }

    private static func channelSSIM(_ a: RGBImage, _ b: RGBImage, channel: Int) -> Double {
        let w = a.width, h = a.height
        var x = [Double](repeating: 0, count: w * h), y = x
        for i in 0..<(w * h) {
            x[i] = Double(a.pixels[3 * i + channel])
            y[i] = Double(b.pixels[3 * i + channel])
        }
        let xx = zip(x, x).map { $0 * $1 }, yy = zip(y, y).map { $0 * $1 }, xy = zip(x, y).map { $0 * $1 }
        let muX = filter(x, width: w, height: h), muY = filter(y, width: w, height: h)
        let eXX = filter(xx, width: w, height: h), eYY = filter(yy, width: w, height: h), eXY = filter(xy, width: w, height: h)
        let c1 = (0.01 * 255.0) * (0.01 * 255.0), c2 = (0.03 * 255.0) * (0.03 * 255.0)
        var map = [Double](repeating: 0, count: muX.count)
        for i in 0..<muX.count {
            let mx = muX[i], my = muY[i]
            let vx = eXX[i] - mx * mx, vy = eYY[i] - my * my, cov = eXY[i] - mx * my
            let numerator = (2 * mx * my + c1) * (2 * cov + c2)
            let denominator = (mx * mx + my * my + c1) * (vx + vy + c2)
            map[i] = numerator / denominator
        }
        return MetricsMath.canonicalSum(map) / Double(map.count)
    }

    /// Separable Gaussian over valid positions: rows first, then columns; each output is an FMA chain
    /// over the 11 taps in ascending order starting from +0 (Docs/NUMERICS.md rule 1).
    /// Input w×h, output (w−10)×(h−10), row-major.
    static func filter(_ values: [Double], width w: Int, height h: Int) -> [Double] {
        let window = 2 * gaussianRadius + 1
        let ow = w - window + 1, oh = h - window + 1
        var rows = [Double](repeating: 0, count: ow * h)
        for r in 0..<h {
            for c in 0..<ow {
                var acc = 0.0
                for k in 0..<window { acc = acc.addingProduct(gaussian[k], values[r * w + c + k]) }
                rows[r * ow + c] = acc
            }
        }
        var out = [Double](repeating: 0, count: ow * oh)
        for r in 0..<oh {
            for c in 0..<ow {
                var acc = 0.0
                for k in 0..<window { acc = acc.addingProduct(gaussian[k], rows[(r + k) * ow + c]) }
                out[r * ow + c] = acc
            }
        }
        return out
    }

    private static func checkSameSize(_ a: RGBImage, _ b: RGBImage, metric: String) throws {
        guard a.width == b.width, a.height == b.height else {
            throw ImageMetricsError(description: "\(metric): images differ in size (\(a.width)x\(a.height) vs \(b.width)x\(b.height))")
        }
    }
}
