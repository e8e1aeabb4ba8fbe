// Host-side double-precision helpers for the sigma schedule (NUMERICS.md "Computed once, on the host").
//
// diffusers builds the FLUX schedule from Python floats (IEEE double) and numpy: linspace in double,
// `math.exp(mu)` in double, then float32 arithmetic. We reproduce each step with IEEE operations only,
// so the table is the same bits on every machine and is handed to every backend as data.

/// Double-precision helpers that mirror the Python/numpy expressions of the scheduler.
public enum SchedulerMath {
    /// `numpy.linspace(start, stop, num)` (endpoint true) in double, element by element as numpy computes it:
    /// `step = (stop - start) / (num - 1)`; `y_i = Double(i) * step + start` (product rounded, then the add:
    /// no FMA); the last element is set to `stop` exactly. `num == 1` gives `[start]`; `num == 0` gives `[]`.
    /// (numpy's special path for a step that underflows to 0 is not needed: it only changes results when
    /// `stop - start` is subnormal-small, which a schedule never is; such inputs fall back to it anyway.)
    public static func linspace(_ start: Double, _ stop: Double, _ num: Int) -> [Double] {
        precondition(num >= 0, "linspace: negative count \(num)")
        if num == 0 { return [] }
        if num == 1 { return [start] }
        let delta = stop - start
        let div = Double(num - 1)
        let step = delta / div
        var y = [Double](repeating: 0, count: num)
        for i in 0..<num {
            if step == 0 {
                y[i] = (Double(i) / div) * delta + start
            } else {
                y[i] = Double(i) * step + start
            }
        }
        y[num - 1] = stop
        return y
    }

    /// exp(x) in double precision from IEEE operations only (no libm), for `exp(mu)` of the dynamic shift.
    ///
    /// Method: k = round(x / ln 2); r = (x - k·ln2_hi) - k·ln2_lo (Cody-Waite: ln2_hi has its low 32 bits zero,
    /// so k·ln2_hi is exact for |k| < 2^20), |r| ≤ 0.3466; exp(r) by its Taylor series to degree 14 in Horner form
    /// (truncation error < 0.3466^15 / 15! < 2e-20, far below half an ulp); then scaling by 2^k through the
    /// exponent bits. Measured against glibc's exp the result is within 1 ulp (double).
    ///
    /// Why this is enough: the schedule uses `Float(exp(mu))` (numpy rounds the Python double to float32).
    /// A double within an ulp or two of the true value rounds to the same float unless the true value lies within
    /// ~2^-52 (relative) of a float32 rounding boundary, a chance of about 2^-28 per value; the tests pin every
    /// fixture case bit-exactly and compare a dense sweep with libm.
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

    /// v · 2^k exactly (while the result is normal), by building powers of two from exponent bits.
    static func scaleByPowerOfTwo(_ v: Double, _ k: Int) -> Double {
        var value = v
        var e = k
        while e > 1000 { value *= Double(bitPattern: UInt64(1023 + 1000) << 52); e -= 1000 }
        while e < -1000 { value *= Double(bitPattern: UInt64(1023 - 1000) << 52); e += 1000 }
        return value * Double(bitPattern: UInt64(1023 + e) << 52)
    }
}
