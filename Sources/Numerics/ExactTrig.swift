// sin and cos of the numerics contract (see ExactMath.swift for the rules).
//
// Range reduction is exact-in-integers for every finite float (Payne–Hanek): |x|·(2/π) is formed as a
// 64-bit fixed-point number mod 4 from a 24-bit mantissa and a window of the bits of 2/π, so there is
// one reduction path for every |x| ≥ π/4 (no Cody–Waite/large-argument split that a port could get wrong).
// The reduced argument r = f·π/2, f ∈ [-½, ½], is carried as a float pair (rHi, rLo) into Taylor
// polynomials on |r| ≤ π/4. The quadrant picks ±sin/±cos; the sign of x is applied last by bit flip.

extension ExactMath {
    /// Sine. sin(±0) = ±0, sin(±inf) = NaN, NaN propagates.
    @inlinable
    public static func sin(_ x: Float) -> Float {
        let sign = x.bitPattern & 0x8000_0000
        let ax = Float(bitPattern: x.bitPattern & 0x7FFF_FFFF)
        if !(ax < Float.infinity) { return x - x }  // inf or NaN -> NaN
        let red = TrigReduction.reduce(ax)
        let v: Float
        switch red.quadrant & 3 {
        case 0: v = TrigReduction.sinKernel(red.hi, red.lo)
        case 1: v = TrigReduction.cosKernel(red.hi, red.lo)
        case 2: v = -TrigReduction.sinKernel(red.hi, red.lo)
        default: v = -TrigReduction.cosKernel(red.hi, red.lo)
        }
        return Float(bitPattern: v.bitPattern ^ sign)  // sin(-x) = -sin(x)
    }

    /// Cosine. cos(±0) = 1, cos(±inf) = NaN, NaN propagates.
    @inlinable
    public static func cos(_ x: Float) -> Float {
        let ax = Float(bitPattern: x.bitPattern & 0x7FFF_FFFF)  // cos(-x) = cos(x)
        if !(ax < Float.infinity) { return x - x }
        let red = TrigReduction.reduce(ax)
        switch red.quadrant & 3 {
        case 0: return TrigReduction.cosKernel(red.hi, red.lo)
        case 1: return -TrigReduction.sinKernel(red.hi, red.lo)
        case 2: return -TrigReduction.cosKernel(red.hi, red.lo)
        default: return TrigReduction.sinKernel(red.hi, red.lo)
        }
    }
}

@usableFromInline
enum TrigReduction {
    /// Bits of 2/π after the binary point, most significant first, preceded by one zero word
    /// (so windows that start up to 31 bits before the point read zeros). Word j+1 holds bits
    /// 32j+1 … 32j+32 of 2/π = 0.A2F9836E 4E441529 … (hex).
    @usableFromInline static let twoOverPiWords: [UInt32] = [
        0x0000_0000,
        0xA2F9_836E, 0x4E44_1529, 0xFC27_57D1, 0xF534_DDC0, 0xDB62_9599,
        0x3C43_9041, 0xFE51_63AB, 0xDEBB_C561, 0xB724_6E3A, 0x424D_D2E0,
    ]

    /// 64 bits of 2/π starting at bit k after the binary point (k ≥ -31; bits at k ≤ 0 are zero).
    @inlinable
    static func bits64(from k: Int) -> UInt64 {
        let p = k + 31  // position in the padded table, MSB first
        let w = p >> 5
        let o = UInt64(p & 31)
        let words = twoOverPiWords
        let top = UInt64(words[w]) << 32 | UInt64(words[w + 1])
        if o == 0 { return top }
        return (top << o) | (UInt64(words[w + 2]) >> (32 - o))
    }

    /// |x| = (quadrant + f)·π/2 with f ∈ [-½, ½]; returns r = f·π/2 as hi + lo.
    /// For ax < π/4: quadrant 0, r = ax exactly.
    @inlinable
    static func reduce(_ ax: Float) -> (quadrant: UInt64, hi: Float, lo: Float) {
        if ax < 0x1.921fb6p-1 { return (0, ax, 0) }  // π/4 rounded
        // ax = M · 2^shift with M the 24-bit integer significand (ax ≥ π/4 is normal).
        let bits = ax.bitPattern
        let m = UInt64((bits & 0x007F_FFFF) | 0x0080_0000)
        let shift = Int(bits >> 23) - 127 - 23
        // W = floor(ax·(2/π)·2^62) mod 2^64: 2 integer bits (quadrant mod 4) and 62 fraction bits.
        // Bits of 2/π before k = shift-1 only add multiples of 4 to ax·2/π; drop them.
        let a1 = bits64(from: shift - 1)
        let a2 = bits64(from: shift + 63)
        let w = (m &* a1) &+ m.multipliedFullWidth(by: a2).high
        // Round to the nearest quadrant; the signed remainder is f·2^62.
        let q = (w &+ (1 << 61)) >> 62
        let frac = Int64(bitPattern: w &- (q << 62))
        // f as a float pair (exact split of the 62-bit integer, then exact scaling by 2^-62).
        let fHi = Float(frac)
        let fLo = Float(frac - Int64(fHi))
        let scale: Float = 0x1p-62
        let hi = fHi * scale
        let lo = fLo * scale
        // r = f · π/2 in double-float arithmetic: (hi + lo)·(C1 + C2), C1 + C2 = π/2.
        let c1: Float = 0x1.921fb6p0
        let c2: Float = -0x1.777a5cp-25
        let ph = hi * c1
        var pl = (-ph).addingProduct(hi, c1)  // exact error of ph
        pl = pl.addingProduct(hi, c2)
        pl = pl.addingProduct(lo, c1)
        let rHi = ph + pl
        let rLo = pl - (rHi - ph)
        return (q, rHi, rLo)
    }

    /// sin(rHi + rLo) for |r| ≤ π/4: r + r³·(-1/6 + r²/120 - r⁴/5040 + r⁶/362880) + rLo·(1 - r²/2).
    @inlinable
    static func sinKernel(_ rHi: Float, _ rLo: Float) -> Float {
        let z = rHi * rHi
        var p: Float = 0x1.71de3ap-19  // 1/9!
        p = (-0x1.a01a02p-13 as Float).addingProduct(p, z)  // -1/7! + p·z
        p = (0x1.111112p-7 as Float).addingProduct(p, z)  // 1/5! + p·z
        p = (-0x1.555556p-3 as Float).addingProduct(p, z)  // -1/3! + p·z
        let t = rHi * z  // r³
        let hz = 0.5 * z
        let corr = rLo.addingProduct(-hz, rLo)  // rLo·(1 - r²/2)
        return rHi + corr.addingProduct(t, p)  // r + (corr + r³·p)
    }

    /// cos(rHi + rLo) for |r| ≤ π/4: 1 - r²/2 + r⁴·(1/24 - r²/720 + r⁴/8! - r⁶/10!) - rHi·rLo,
    /// with 1 - r²/2 split into w + its exact rounding error, and r² = z + zLo exactly.
    @inlinable
    static func cosKernel(_ rHi: Float, _ rLo: Float) -> Float {
        let z = rHi * rHi
        let zLo = (-z).addingProduct(rHi, rHi)  // r² - z exactly
        var c: Float = -0x1.27e4fcp-22  // -1/10!
        c = (0x1.a01a02p-16 as Float).addingProduct(c, z)  // 1/8! + c·z
        c = (-0x1.6c16c2p-10 as Float).addingProduct(c, z)  // -1/6! + c·z
        c = (0x1.555556p-5 as Float).addingProduct(c, z)  // 1/4! + c·z
        let hz = 0.5 * z
        let w = 1 - hz
        let wErr = (1 - w) - hz  // exact rounding error of w
        let corr = (0.5 * zLo).addingProduct(rHi, rLo)  // zLo/2 + rHi·rLo
        let z2 = z * z
        let tail = (-corr).addingProduct(z2, c)  // r⁴·c - corr
        return w + (wErr + tail)
    }
}
