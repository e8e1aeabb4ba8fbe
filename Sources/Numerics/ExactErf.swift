// erf of the numerics contract (see ExactMath.swift for the rules). Not used by FLUX (GELU is the tanh
// form) but available for exact-GELU models.
//   |x| < 1:      erf x = x + x·R(x²), R the Taylor series of (2/√π)·Σ (-1)^n x^2n / (n!(2n+1)) minus 1, n ≤ 11
//   1 ≤ |x| < 3.93: erf x = 1 - e^{-x²}·g(|x|), g(t) ≈ erfc(t)·e^{t²}: degree-12 polynomial in (t - 2.5),
//                 least-squares fit with relative weights (max relative error 1.5e-8 with binary32 coefficients);
//                 e^{-x²} = exp(-hi)·(1 - lo) with x² = hi + lo split exactly by an FMA
//   |x| ≥ 3.93:   ±1 (erfc < 2^-25 there)
// The sign is restored by bit manipulation (erf(-0) = -0).

extension ExactMath {
    @inlinable
    public static func erf(_ x: Float) -> Float {
        let sign = x.bitPattern & 0x8000_0000
        let ax = Float(bitPattern: x.bitPattern & 0x7FFF_FFFF)
        let v: Float
        if ax < 1 {
            let z = ax * ax
            var r: Float = -0x1.51d718p-30
            r = (0x1.fcc572p-27 as Float).addingProduct(r, z)
            r = (-0x1.5f742ep-23 as Float).addingProduct(r, z)
            r = (0x1.b9e6cap-20 as Float).addingProduct(r, z)
            r = (-0x1.f4d25cp-17 as Float).addingProduct(r, z)
            r = (0x1.f9a326p-14 as Float).addingProduct(r, z)
            r = (-0x1.c02db4p-11 as Float).addingProduct(r, z)
            r = (0x1.565bcep-8 as Float).addingProduct(r, z)
            r = (-0x1.b82ce4p-6 as Float).addingProduct(r, z)
            r = (0x1.ce2f22p-4 as Float).addingProduct(r, z)
            r = (-0x1.812746p-2 as Float).addingProduct(r, z)
            r = (0x1.06eba8p-3 as Float).addingProduct(r, z)  // 2/√π - 1
            v = ax.addingProduct(ax, r)  // x + x·R
        } else if ax < 3.93 {
            let u = ax - 2.5
            var g: Float = 0x1.c5dc88p-24
            g = (-0x1.c15376p-22 as Float).addingProduct(g, u)
            g = (0x1.02b20ep-20 as Float).addingProduct(g, u)
            g = (-0x1.fce48ep-19 as Float).addingProduct(g, u)
            g = (0x1.0eb07ep-16 as Float).addingProduct(g, u)
            g = (-0x1.f292aep-15 as Float).addingProduct(g, u)
            g = (0x1.ba4d8ap-13 as Float).addingProduct(g, u)
            g = (-0x1.806c7cp-11 as Float).addingProduct(g, u)
            g = (0x1.435d02p-9 as Float).addingProduct(g, u)
            g = (-0x1.0632d8p-7 as Float).addingProduct(g, u)
            g = (0x1.989588p-6 as Float).addingProduct(g, u)
            g = (-0x1.3086d6p-4 as Float).addingProduct(g, u)
            g = (0x1.afbb4p-3 as Float).addingProduct(g, u)
            let hi = ax * ax
            let lo = (-hi).addingProduct(ax, ax)  // ax² - hi, exact
            var e = exp(-hi)
            e = e.addingProduct(-e, lo)  // e^{-hi}·(1 - lo)
            v = (1 as Float).addingProduct(-e, g)  // 1 - e·g, one rounding
        } else {
            if x.isNaN { return x + x }
            v = 1
        }
        return Float(bitPattern: v.bitPattern | sign)
    }
}
