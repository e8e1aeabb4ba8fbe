// Emulation of the float32 Cephes routines PyTorch's AVX2 CPU kernel uses for randn
// (avx_mathfun.h `log256_ps` and `sincos256_ps`), one lane at a time, with the exact FMA contraction
// pattern of the compiled PyTorch binary (Docs/TORCH_RANDN.md §5). Only the torch-cpu
// compatibility mode uses these; exact mode uses ExactMath.

@usableFromInline
enum TorchCephesMath {
    /// log256_ps for one lane (inputs here are u1 ∈ (0, 1]; the routine's NaN masking for x ≤ 0 is kept).
    @usableFromInline
    static func log(_ input: Float) -> Float {
        if input.isNaN || input <= 0 { return .nan }  // invalid_mask: all-ones bit pattern in the original
        var x = max(input, Float.leastNormalMagnitude)  // "cut off denormalized stuff"
        let exponentBits = Int32(bitPattern: x.bitPattern >> 23)
        x = Float(bitPattern: (x.bitPattern & ~0x7F80_0000) | 0x3F00_0000)  // mantissa in [0.5, 1)
        var e = Float(exponentBits - 0x7F)
        e = e + 1
        let below = x < 0x1.6a09e6p-1  // cephes_SQRTHF = 0.707106781186547524
        let tmp: Float = below ? x : 0
        x = x - 1
        e = e - (below ? 1 : 0)
        x = x + tmp
        let z = x * x
        var y: Float = 7.0376836292e-2
        y = y.fmaStep(x, -1.1514610310e-1)
        y = y.fmaStep(x, 1.1676998740e-1)
        y = y.fmaStep(x, -1.2420140846e-1)
        y = y.fmaStep(x, 1.4249322787e-1)
        y = y.fmaStep(x, -1.6668057665e-1)
        y = y.fmaStep(x, 2.0000714765e-1)
        y = y.fmaStep(x, -2.4999993993e-1)
        y = y.fmaStep(x, 3.3333331174e-1)
        let y1 = y * x
        y = (e * -2.12194440e-4).addingProduct(y1, z)  // fma(y1, z, fl(e·q1))
        y = y.addingProduct(-z, 0.5)  // fma(-z, 0.5, y)
        x = x + y
        x = x.addingProduct(e, 0.693359375)  // fma(e, q2, x)
        return x
    }

    /// sincos256_ps for one lane: returns (sin, cos) of x.
    @usableFromInline
    static func sincos(_ input: Float) -> (sin: Float, cos: Float) {
        var signSin = input.bitPattern & 0x8000_0000
        var x = Float(bitPattern: input.bitPattern & 0x7FFF_FFFF)
        var y = x * 1.27323954473516  // 4/π
        var j = Int32(y)  // cvttps: truncation
        j = j &+ 1
        j = j & ~1
        y = Float(j)
        let swapSignSin = UInt32(bitPattern: (j & 4) << 29)
        let polyMask = (j & 2) == 0
        x = x.addingProduct(y, -0.78515625)
        x = x.addingProduct(y, -2.4187564849853515625e-4)
        x = x.addingProduct(y, -3.77489497744594108e-8)
        let signCos = UInt32(bitPattern: (~(j &- 2) & 4) << 29)
        signSin ^= swapSignSin
        let z = x * x
        // Cosine polynomial.
        var c: Float = 2.443315711809948e-5
        c = c.fmaStep(z, -1.388731625493765e-3)
        c = c.fmaStep(z, 4.166664568298827e-2)
        c = c * z
        c = (-(z * 0.5)).addingProduct(c, z)  // fma(fl(c·z), z, -fl(z·0.5))
        c = c + 1
        // Sine polynomial.
        var s: Float = -1.9515295891e-4
        s = s.fmaStep(z, 8.3321608736e-3)
        s = s.fmaStep(z, -1.6666654611e-1)
        s = s * z
        s = x.addingProduct(s, x)  // fma(fl(s·z), x, x)
        // Select with the original's and/andnot/sub/add sequence (it turns -0 into +0).
        let ysin2: Float = polyMask ? s : 0
        let ysin1: Float = polyMask ? 0 : c
        let s2 = s - ysin2
        let c2 = c - ysin1
        let sinValue = ysin1 + ysin2
        let cosValue = c2 + s2
        return (Float(bitPattern: sinValue.bitPattern ^ signSin), Float(bitPattern: cosValue.bitPattern ^ signCos))
    }
}

extension Float {
    /// One Horner step as PyTorch's compiled code does it: fma(self, x, p).
    @inline(__always)
    fileprivate func fmaStep(_ x: Float, _ p: Float) -> Float { p.addingProduct(self, x) }
}
