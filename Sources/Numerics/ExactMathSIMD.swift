// SIMD8 versions of ExactMath.exp and ExactMath.tanh: the scalar op sequences lane by lane (same
// constants, same FMAs, same order), with the scalar early-outs turned into selects afterwards.
// They equal the scalar functions bit for bit on every input (Tests/NumericsTests/ExactMathSIMDTests).

extension ExactMath {
    @inlinable
    static func bits(_ v: SIMD8<Float>) -> SIMD8<UInt32> { unsafeBitCast(v, to: SIMD8<UInt32>.self) }

    @inlinable
    static func floats(_ v: SIMD8<UInt32>) -> SIMD8<Float> { unsafeBitCast(v, to: SIMD8<Float>.self) }

    /// 2^k for integer-valued k ∈ [-126, 127] given as Int32 lanes.
    @inlinable @inline(__always)
    static func powerOfTwo(_ k: SIMD8<Int32>) -> SIMD8<Float> {
        floats(unsafeBitCast(k &+ 127, to: SIMD8<UInt32>.self) &<< 23)
    }

    /// ExpReduction.reduce + expm1Kernel, lane-wise: returns (k, e^r - 1).
    @inlinable @inline(__always)
    static func expm1Parts(_ x: SIMD8<Float>) -> (k: SIMD8<Int32>, s: SIMD8<Float>) {
        let t = x * 0x1.715476p0
        let shifted = t + 0x1.8p23
        let kf = shifted - 0x1.8p23
        var r = x.addingProduct(kf, SIMD8(repeating: -LogConstants.ln2Hi))
        r = r.addingProduct(kf, SIMD8(repeating: -LogConstants.ln2Lo))
        var q = SIMD8<Float>(repeating: 0x1.a01a02p-13)
        q = SIMD8<Float>(repeating: 0x1.6c16c2p-10).addingProduct(q, r)
        q = SIMD8<Float>(repeating: 0x1.111112p-7).addingProduct(q, r)
        q = SIMD8<Float>(repeating: 0x1.555556p-5).addingProduct(q, r)
        q = SIMD8<Float>(repeating: 0x1.555556p-3).addingProduct(q, r)
        q = SIMD8<Float>(repeating: 0.5).addingProduct(q, r)
        let r2 = r * r
        // k = Int32(kf) read from the bits of `shifted` (1.5·2^23 + k, exact for |k| < 2^22): the generic SIMD
        // float-to-int initialiser is not lowered to one instruction and cost more than the whole polynomial.
        let k = unsafeBitCast(bits(shifted), to: SIMD8<Int32>.self) &- 0x4B40_0000
        return (k, r.addingProduct(q, r2))
    }

    /// exp on 8 lanes, bit-identical to the scalar `exp`.
    @inlinable @inline(__always)
    public static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let overflow = .!(x .<= 88.8)  // includes NaN
        let underflow = x .< -104
        let xc = x.replacing(with: 0, where: overflow .| underflow)
        let (k, s) = expm1Parts(xc)
        let p = 1 + s
        let k1 = k &>> 1
        let k2 = k &- k1
        var result = (p * powerOfTwo(k1)) * powerOfTwo(k2)
        result.replace(with: .infinity, where: overflow)
        result.replace(with: 0, where: underflow)
        result.replace(with: x + x, where: x .!= x)
        return result
    }

    /// tanh on 8 lanes, bit-identical to the scalar `tanh`.
    @inlinable @inline(__always)
    public static func tanh(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let sign = bits(x) & 0x8000_0000
        let ax = floats(bits(x) & 0x7FFF_FFFF)
        let saturated = .!(ax .< 9.1)
        let axc = ax.replacing(with: 0, where: saturated)
        let (k, s) = expm1Parts(axc + axc)
        let two = powerOfTwo(k)
        let e = (two - 1) + two * s
        let d = e + 2
        let dv = d - e
        let dErr = (e - (d - dv)) + (2 - dv)
        let q = e / d
        let rem = e.addingProduct(-q, d)
        let t = q + (rem - q * dErr) / d
        var result = floats(bits(t) | sign)
        result.replace(with: floats(sign | 0x3F80_0000), where: saturated)
        result.replace(with: x + x, where: x .!= x)
        return result
    }
}
