// The sine used for Lanczos resize weights: our own routine in Double, so the weights do not depend
// on the platform's libm. Accurate to about one ulp for the arguments a resize uses (|x| <= 3π);
// it agrees with a correctly rounded sine on the overwhelming majority of inputs, and the weights are
// quantized to 22 bits afterwards, far coarser than any remaining difference.

public enum ResizeMath {
    /// π rounded to double (the C constant M_PI).
    public static let pi = Double(bitPattern: 0x4009_21FB_5444_2D18)
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

    /// sin(x) for |x| up to about 2^20 (resize weights need |x| <= 3π).
    public static func sin(_ x: Double) -> Double {
        if x.isNaN || x.isInfinite { return .nan }
        if x == 0 { return x }  // keeps the sign of zero
        let (k, hi, lo) = reduce(x)
        switch k & 3 {
        case 0: return sinKernel(hi, lo)
        case 1: return cosKernel(hi, lo)
        case 2: return -sinKernel(hi, lo)
        default: return -cosKernel(hi, lo)
        }
    }

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
