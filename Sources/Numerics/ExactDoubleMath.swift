// Double-precision exp / log / pow / sin / cos from IEEE operations only (no libm), for values computed
// once on the host (Docs/NUMERICS.md "Computed once, on the host"): the scheduler's exp(mu), the RoPE angle
// tables, the Lanczos resize weights and the PSNR logarithm. Because every step is an IEEE add, multiply,
// divide or an explicit FMA, the results are the same bits on every machine.
//
// This is the one copy of these routines; it replaced four private ones (HostMath in Models,
// SchedulerMath.exp in Pipeline, ResizeMath in Formats, MetricsMath.log in Figures). Per function the
// most accurate of those was kept; each caller's own fixtures (torch RoPE tables, diffusers schedules,
// Pillow resizes, skimage PSNR) still pin it bit for bit.
//
// Accuracy (measured against glibc, which is a reference only; Tests/NumericsTests/ExactDoubleMathTests):
// exp within 1 ulp on [-4, 8]; sin/cos within 1 ulp on [-3π, 3π] and on [0, 4096] (valid for |x| < 2^20);
// log within 2 ulp over 1e-300 ... 1e300.

public enum ExactDoubleMath {
    /// π rounded to double (the C constant M_PI).
    public static let pi = Double(bitPattern: 0x4009_21FB_5444_2D18)
    /// Nearest doubles to ln 2 and ln 10.
    public static let ln2 = 0.6931471805599453
    public static let ln10 = 2.302585092994046

    // MARK: exp

    /// exp(x). k = round(x / ln 2); r = (x - k·ln2_hi) - k·ln2_lo (Cody-Waite: ln2_hi has its low 32 bits
    /// zero, so k·ln2_hi is exact for |k| < 2^20), |r| ≤ 0.3466; exp(r) by its Taylor series to degree 14
    /// in Horner form (truncation < 0.3466^15 / 15! < 2e-20, far below half an ulp); then scaling by 2^k,
    /// exact while the result is normal (a subnormal result is rounded once).
    public static func exp(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x > 709.782712893384 { return .infinity }
        if x < -745.1332191019412 { return 0 }
        let ln2Hi = Double(bitPattern: 0x3FE6_2E42_FEE0_0000)  // 6.93147180369123816490e-01
        let ln2Lo = Double(bitPattern: 0x3DEA_39EF_3579_3C76)  // 1.90821492927058770002e-10
        let invLn2 = 1.4426950408889634
        let k = (x * invLn2).rounded(.toNearestOrEven)
        let r = (x - k * ln2Hi) - k * ln2Lo
        // Horner: p = 1 + r(1 + r/2(1 + r/3(1 + ... (1 + r/14)))). Each factor r/n is one rounded division.
        var p = 1.0
        var n = 14.0
        while n >= 1 {
            p = 1.0 + (r / n) * p
            n -= 1
        }
        return scaleByPowerOfTwo(p, Int(k))
    }

    /// v · 2^k: exact while the result is normal; one rounding for a subnormal result.
    static func scaleByPowerOfTwo(_ v: Double, _ k: Int) -> Double {
        var value = v
        var e = k
        while e > 1000 { value *= Double(bitPattern: UInt64(1023 + 1000) << 52); e -= 1000 }
        while e < -1000 { value *= Double(bitPattern: UInt64(1023 - 1000) << 52); e += 1000 }
        return value * Double(sign: .plus, exponent: e, significand: 1)
    }

    // MARK: log

    /// Natural logarithm. x = m · 2^e with m in [√½, √2); ln m = 2 atanh(s), s = (m − 1)/(m + 1),
    /// |s| ≤ 0.1716, by the odd series 2(s + s³/3 + … + s²⁷/27) in Horner form (truncation < 1e-22).
    /// NaN for x < 0, -inf for ±0, +inf for +inf.
    public static func log(_ x: Double) -> Double {
        if x.isNaN || x < 0 { return .nan }
        if x == 0 { return -.infinity }
        if x == .infinity { return .infinity }
        var value = x
        var exponent = 0
        if value < Double.leastNormalMagnitude {  // scale subnormals into the normal range (exact)
            value *= 0x1p54
            exponent -= 54
        }
        exponent += Int(value.exponent)
        var m = value.significand  // [1, 2), exact
        if m > 1.4142135623730951 {
            m *= 0.5
            exponent += 1
        }
        let s = (m - 1) / (m + 1)
        let s2 = s * s
        var series = 1.0 / 27.0
        var k = 25
        while k >= 1 {
            series = series * s2 + 1.0 / Double(k)
            k -= 2
        }
        return Double(exponent) * ln2 + 2 * s * series
    }

    /// log10(x) = log(x) / ln 10 (one more rounding).
    public static func log10(_ x: Double) -> Double { log(x) / ln10 }

    /// base^e = exp(e · log(base)) for base > 0. The error of the product e · log(base) is amplified by
    /// its size: for the RoPE frequencies 10000^(2j/d) (product ≤ 9.3) it is at most 15 ulp from glibc,
    /// far below what the f32 tables resolve.
    public static func pow(_ base: Double, _ e: Double) -> Double {
        precondition(base > 0, "ExactDoubleMath.pow needs a positive base")
        return exp(e * log(base))
    }

    // MARK: sin / cos

    /// π/2 split into three parts: the first two have 33 significant bits, so k * part is exact
    /// for |k| < 2^20, and their sum is π/2 to about 2^-120 (Cody-Waite reduction).
    static let halfPiHigh = 0x1.921fb544p+0
    static let halfPiMid = 0x1.0b4611a6p-34
    static let halfPiLow = 0x1.3198a2e037073p-69
    static let twoOverPi = 0x1.45f306dc9c883p-1

    /// 1/n! for n = 0...27, each one correctly rounded division of exact integers (n! is exact
    /// in double up to 22!, and 23!...27! are rounded once; their terms are far below an ulp).
    static let inverseFactorial: [Double] = {
        var out: [Double] = []
        var f = 1.0
        for n in 0...27 {
            if n > 0 { f *= Double(n) }
            out.append(1.0 / f)
        }
        return out
    }()

    /// sin(x) for |x| up to about 2^20 (keeps the sign of zero; NaN for NaN and ±inf).
    public static func sin(_ x: Double) -> Double {
        if x.isNaN || x.isInfinite { return .nan }
        if x == 0 { return x }
        let (k, hi, lo) = reduce(x)
        switch k & 3 {
        case 0: return sinKernel(hi, lo)
        case 1: return cosKernel(hi, lo)
        case 2: return -sinKernel(hi, lo)
        default: return -cosKernel(hi, lo)
        }
    }

    /// cos(x) for |x| up to about 2^20 (NaN for NaN and ±inf).
    public static func cos(_ x: Double) -> Double {
        if x.isNaN || x.isInfinite { return .nan }
        let (k, hi, lo) = reduce(x)
        switch k & 3 {
        case 0: return cosKernel(hi, lo)
        case 1: return -sinKernel(hi, lo)
        case 2: return -cosKernel(hi, lo)
        default: return sinKernel(hi, lo)
        }
    }

    /// x = k * π/2 + (hi + lo) with |hi + lo| <= π/4 (about), hi + lo carrying ~100 bits.
    /// k * halfPiHigh and k * halfPiMid are exact (33-bit constants, small k); x - k * halfPiHigh is
    /// exact (Sterbenz); the second subtraction's rounding error is recovered exactly and moved to lo.
    static func reduce(_ x: Double) -> (Int, Double, Double) {
        let k = (x * twoOverPi).rounded(.toNearestOrEven)
        let t = x - k * halfPiHigh
        let mid = k * halfPiMid
        let hi = t - mid
        let lo = ((t - hi) - mid) - k * halfPiLow
        let r = hi + lo
        return (Int(k), r, (hi - r) + lo)
    }

    /// Taylor series on |r| <= π/4: r + r^3 * (-1/3! + z/5! - ...), z = r^2, Horner in z.
    static func sinKernel(_ r: Double, _ tail: Double) -> Double {
        let z = r * r
        var p = 0.0
        var n = 27
        var sign = (n - 1) / 2 % 2 == 0 ? 1.0 : -1.0
        while n >= 3 {
            p = p * z + sign * inverseFactorial[n]
            n -= 2
            sign = -sign
        }
        // sin(r + tail) ~ sin(r) + tail * cos(r); cos(r) ~ 1 - z/2 is plenty for a tail below ulp(r).
        return r + ((r * z) * p + tail * (1.0 - 0.5 * z))
    }

    /// Taylor series on |r| <= π/4: 1 - z/2 + z^2 * (1/4! - z/6! + ...), with the 1 - z/2 step
    /// done in two parts so its rounding error is carried into the small tail.
    static func cosKernel(_ r: Double, _ tail: Double) -> Double {
        let z = r * r
        var q = 0.0
        var n = 26
        var sign = n / 2 % 2 == 0 ? 1.0 : -1.0
        while n >= 4 {
            q = q * z + sign * inverseFactorial[n]
            n -= 2
            sign = -sign
        }
        let hz = 0.5 * z
        let w = 1.0 - hz
        // cos(r + tail) ~ cos(r) - tail * r.
        return w + ((((1.0 - w) - hz) + (z * z) * q) - r * tail)
    }
}
