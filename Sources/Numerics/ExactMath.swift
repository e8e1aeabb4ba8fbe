// The project's own transcendental functions (Docs/NUMERICS.md "Transcendental functions").
//
// Every function is built only from binary32 add/sub/mul/div, explicit FMA (`a.addingProduct(b, c)`,
// one rounding), compares, integer<->float conversions and bit manipulation. No libm. Each function is
// the single source of truth: a GPU backend reproduces the op sequence below step for step, so the
// sequences are written out plainly (no clever reassociation, no hidden contraction: Swift never
// fuses `a*b+c` on its own).
//
// Accuracy (max ulp against a Double reference; Tests/NumericsTests/ExactMathAccuracyTests prints the
// table over 1M inputs per function): exp 1.03, log 0.81, sin 0.71, cos 0.70, tanh 1.46, erf 1.04, and sigmoid 2.35
// (sigmoid is 1/(1 + exp(-x)) by definition, so it inherits exp's error plus two roundings; below
// x = -88.72 exp(-x) overflows and sigmoid returns +0).
// Exhaustive runs over every binary32 input of the non-trivial ranges (positive x by symmetry for the odd/
// even functions; sin/cos for |x| ≥ 2^-12 up to FLT_MAX; exp over [-104, 89]; log over all positive
// floats; tanh below 9.1; erf below 4) gave: exp 1.06, log 0.86, sin 0.73, cos 0.73, tanh 1.66, erf 1.17.
// Special values: NaN propagates; ±inf, overflow, underflow, subnormal results and -0 follow IEEE
// conventions (exp(-inf) = +0, log(0) = -inf, log(x<0) = NaN, sin(±inf) = NaN, tanh(±inf) = ±1, ...).

public enum ExactMath {
    // MARK: exp

    /// e^x. Range reduction x = k·ln2 + r (|r| ≤ ln2/2), e^r by a degree-7 Taylor polynomial,
    /// then an exact two-step scaling by 2^k (so subnormal results are rounded once).
    @inlinable
    public static func exp(_ x: Float) -> Float {
        if !(x <= 88.8) { return x.isNaN ? x + x : Float.infinity }  // e^88.8 > FLT_MAX
        if x < -104 { return 0 }  // e^-104 < 2^-150: rounds to +0
        let (k, r) = ExpReduction.reduce(x)
        let s = ExpReduction.expm1Kernel(r)  // ≈ e^r - 1
        let p = 1 + s
        return ExpReduction.scale(p, by: k)
    }

    // MARK: log

    /// Natural logarithm. x = 2^k · m with m ∈ [√½, √2); f = m - 1; s = f/(2+f);
    /// log(1+f) = f - (f²/2 - s·(f²/2 + R(s²))) with R the Taylor series of 2·atanh(s)/s - 2 to s^8;
    /// result = k·ln2_hi + (that + k·ln2_lo), the last step one FMA.
    @inlinable
    public static func log(_ x: Float) -> Float {
        var bits = x.bitPattern
        var k: Int32 = 0
        if bits < 0x0080_0000 || bits >= 0x7F80_0000 {
            // ±0, subnormals, negatives, ±inf and NaN.
            if x.isNaN { return x + x }
            if bits & 0x7FFF_FFFF == 0 { return -Float.infinity }  // log(±0) = -inf
            if bits >> 31 != 0 { return Float.nan }  // x < 0 (incl. -inf)
            if bits == 0x7F80_0000 { return x }  // log(+inf) = +inf
            // Positive subnormal: scale by 2^23 (exact) and account for it in k.
            bits = (x * 0x1p23).bitPattern
            k = -23
        }
        k += Int32(bitPattern: bits >> 23) - 127
        var m = Float(bitPattern: (bits & 0x007F_FFFF) | 0x3F80_0000)  // m ∈ [1, 2)
        if m >= 0x1.6a09e6p0 {  // m ≥ √2 (rounded): use m/2 ∈ [√½, 1) instead
            m = m * 0.5
            k += 1
        }
        let f = m - 1  // exact (Sterbenz)
        let s = f / (2 + f)
        let z = s * s
        // R = z·(2/3 + z·(2/5 + z·(2/7 + z·2/9)))
        var r: Float = 0x1.c71c72p-3  // 2/9
        r = (0x1.24924ap-2 as Float).addingProduct(r, z)  // 2/7 + r·z
        r = (0x1.99999ap-2 as Float).addingProduct(r, z)  // 2/5 + r·z
        r = (0x1.555556p-1 as Float).addingProduct(r, z)  // 2/3 + r·z
        r = r * z
        let hfsq = 0.5 * f * f
        let dk = Float(k)
        var tail = s * (hfsq + r)
        tail = tail.addingProduct(dk, LogConstants.ln2Lo)  // tail + k·ln2_lo
        let low = f - (hfsq - tail)
        return low.addingProduct(dk, LogConstants.ln2Hi)  // low + k·ln2_hi
    }

    // MARK: tanh

    /// Hyperbolic tangent: tanh|x| = e/(e+2) with e = expm1(2|x|) (accurate near 0, no cancellation),
    /// the quotient corrected for the rounding of e + 2, ±1 for |x| ≥ 9.1 (where tanh rounds to 1), sign restored by bit manipulation (tanh(-0) = -0).
    @inlinable
    public static func tanh(_ x: Float) -> Float {
        let sign = x.bitPattern & 0x8000_0000
        let ax = Float(bitPattern: x.bitPattern & 0x7FFF_FFFF)
        if !(ax < 9.1) {
            if x.isNaN { return x + x }
            return Float(bitPattern: sign | 0x3F80_0000)  // ±1
        }
        let e = ExpReduction.expm1NonNegative(ax + ax)
        // t = e / (e + 2) with the denominator's rounding error folded back in (two-sum, exact
        // remainder by FMA), so the quotient is nearly correctly rounded for the computed e.
        let d = e + 2
        let dv = d - e
        let dErr = (e - (d - dv)) + (2 - dv)  // e + 2 = d + dErr exactly (Knuth two-sum)
        let q = e / d
        let rem = e.addingProduct(-q, d)  // e - q·d, exact
        let t = q + (rem - q * dErr) / d
        return Float(bitPattern: t.bitPattern | sign)
    }

    // MARK: sigmoid

    /// Logistic sigmoid, defined as exactly `1 / (1 + exp(-x))` with the project's exp
    /// (three roundings after exp: the add, the division; exp(-x) = inf gives +0, NaN propagates).
    @inlinable
    public static func sigmoid(_ x: Float) -> Float {
        1 / (1 + exp(-x))
    }

    // MARK: expm1

    /// e^x - 1 for x ≥ 0 (used by tanh): same reduction as exp, result (2^k - 1) + 2^k·s.
    /// Accurate near 0 (k = 0 gives s itself). Valid for 0 ≤ x ≤ 88.
    @inlinable
    public static func expm1(nonNegative x: Float) -> Float {
        ExpReduction.expm1NonNegative(x)
    }
}

@usableFromInline
enum LogConstants {
    /// ln 2 rounded to binary32, and the rounding remainder (ln2 - ln2Hi) rounded to binary32.
    @usableFromInline static let ln2Hi: Float = 0x1.62e43p-1
    @usableFromInline static let ln2Lo: Float = -0x1.05c61p-29
}

/// The shared pieces of exp and expm1. Written so that every step is one IEEE operation.
@usableFromInline
enum ExpReduction {
    /// k = round-to-nearest-even(x·log2(e)) via the 1.5·2^23 trick, r = x - k·ln2 by two FMAs.
    /// The first FMA is exact (|r| < 0.5, both operands on a 2^-25 grid); valid for |x| < 2^21.
    @inlinable
    static func reduce(_ x: Float) -> (k: Int32, r: Float) {
        let t = x * 0x1.715476p0  // log2(e)
        let kf = (t + 0x1.8p23) - 0x1.8p23
        var r = x.addingProduct(kf, -LogConstants.ln2Hi)  // x - k·ln2_hi
        r = r.addingProduct(kf, -LogConstants.ln2Lo)  // … - k·ln2_lo
        return (Int32(kf), r)
    }

    /// e^r - 1 ≈ r + r²·(1/2 + r/6 + r²/24 + r³/120 + r⁴/720 + r⁵/5040) for |r| ≤ 0.35 (Taylor, degree 7).
    @inlinable
    static func expm1Kernel(_ r: Float) -> Float {
        var q: Float = 0x1.a01a02p-13  // 1/5040
        q = (0x1.6c16c2p-10 as Float).addingProduct(q, r)  // 1/720 + q·r
        q = (0x1.111112p-7 as Float).addingProduct(q, r)  // 1/120 + q·r
        q = (0x1.555556p-5 as Float).addingProduct(q, r)  // 1/24 + q·r
        q = (0x1.555556p-3 as Float).addingProduct(q, r)  // 1/6 + q·r
        q = (0.5 as Float).addingProduct(q, r)  // 1/2 + q·r
        let r2 = r * r
        return r.addingProduct(q, r2)  // r + q·r²
    }

    /// p·2^k for k ∈ [-150, 128] as two exact-or-once-rounded multiplies by normal powers of two:
    /// k1 = k >> 1 (floor), k2 = k - k1, result = (p·2^k1)·2^k2. The first product is exact
    /// (p ∈ [0.7, 1.5], k1 ≥ -75), so a subnormal or overflowing result is rounded exactly once.
    @inlinable
    static func scale(_ p: Float, by k: Int32) -> Float {
        let k1 = k >> 1
        let k2 = k - k1
        let f1 = Float(bitPattern: UInt32(bitPattern: k1 + 127) << 23)
        let f2 = Float(bitPattern: UInt32(bitPattern: k2 + 127) << 23)
        return (p * f1) * f2
    }

    /// e^x - 1 for 0 ≤ x ≤ 88: (2^k - 1) + 2^k·s, where 2^k·s is exact and 2^k - 1 is exact for k ≤ 24.
    @inlinable
    static func expm1NonNegative(_ x: Float) -> Float {
        let (k, r) = reduce(x)
        let s = expm1Kernel(r)
        let two = Float(bitPattern: UInt32(bitPattern: k + 127) << 23)  // 2^k, k ∈ [0, 127]
        return (two - 1) + two * s
    }
}
