// torch-cpu noise mode: reproduces `torch.randn/rand(..., generator=torch.Generator('cpu').manual_seed(s))`
// bit for bit (Docs/TORCH_RANDN.md). This is a compatibility mode, outside the exact-mode contract:
// the `.generic` kernel and the double/scalar paths call glibc's logf/cosf/sinf/log/log1p/cos/sin on
// purpose, because that is what PyTorch itself calls on the same libc (results match torch on glibc;
// Apple's libm may differ in the last ulp). The `.avx2` kernel uses the Cephes emulation in
// TorchCephesMath (no libm), matching PyTorch's AVX2 build on any machine.
import Glibc

public struct TorchCPUGenerator: Sendable {
    /// Which PyTorch CPU kernel to mimic (`torch.backends.cpu.get_cpu_capability()`).
    public enum Kernel: String, Sendable, CaseIterable {
        /// x86-64 with AVX2 and without AVX512: Cephes log256_ps / sincos256_ps in float32.
        case avx2
        /// AVX512 x86, ARM, Apple Silicon, or ATEN_CPU_CAPABILITY=default: scalar std::log/cos/sin.
        case generic
    }

    public var kernel: Kernel
    var engine: MT19937
    /// The Box–Muller partner cached by the scalar (numel < 16) double path; survives across calls.
    var cachedNormal: Double?

    public init(seed: UInt64, kernel: Kernel = .avx2) {
        self.kernel = kernel
        self.engine = MT19937(seed: UInt32(truncatingIfNeeded: seed))
        self.cachedNormal = nil
    }

    /// `manual_seed(seed)`: reseeds MT19937 with the low 32 bits and clears the cached normal.
    public mutating func manualSeed(_ seed: UInt64) {
        engine = MT19937(seed: UInt32(truncatingIfNeeded: seed))
        cachedNormal = nil
    }

    // MARK: uniforms

    /// Float uniform: (w & 0xFFFFFF) · 2^-24 ∈ [0, 1).
    mutating func uniformFloat() -> Float {
        Float(engine.next() & 0xFF_FFFF) * 0x1p-24
    }

    /// Double uniform: 64 bits = (first word << 32) | second word; (bits & (2^53 - 1)) · 2^-53.
    mutating func uniformDouble() -> Double {
        let hi = UInt64(engine.next()), lo = UInt64(engine.next())
        return Double(((hi << 32) | lo) & ((1 << 53) - 1)) * 0x1p-53
    }

    /// `torch.rand(count)` in float32.
    public mutating func rand(count: Int) -> [Float] {
        (0..<count).map { _ in uniformFloat() }
    }

    // MARK: randn

    /// `torch.randn(count)` in float32 (row-major flattening of any shape with `count` elements).
    public mutating func randn(count: Int) -> [Float] {
        if count < 16 { return (0..<count).map { _ in Float(scalarNormal()) } }
        var d = (0..<count).map { _ in uniformFloat() }
        var base = 0
        while base + 16 <= count {
            transformFloatBlock(&d, base)
            base += 16
        }
        if count % 16 != 0 {
            // Tail: 16 fresh uniforms overwrite the last 16 outputs, which are transformed again.
            for i in (count - 16)..<count { d[i] = uniformFloat() }
            transformFloatBlock(&d, count - 16)
        }
        return d
    }

    /// `torch.randn(count, dtype=torch.bfloat16)` as bf16 bit patterns: uniforms drawn block by block
    /// (16 at a time), transformed in float with the scalar math, rounded to bf16 (nearest even).
    public mutating func randnBF16(count: Int) -> [UInt16] {
        if count < 16 { return (0..<count).map { _ in DTypeConversion.bf16Bits(Float(scalarNormal())) } }
        var out = [UInt16](repeating: 0, count: count)
        var block = [Float](repeating: 0, count: 16)
        func fill(at start: Int) {
            for i in 0..<16 { block[i] = uniformFloat() }
            Self.genericFloatBlock(&block, 0)
            for i in 0..<16 { out[start + i] = DTypeConversion.bf16Bits(block[i]) }
        }
        var base = 0
        while base + 16 <= count {
            fill(at: base)
            base += 16
        }
        if count % 16 != 0 { fill(at: count - 16) }
        return out
    }

    /// `torch.randn(count, dtype=torch.float64)`: same layout as float32 with 53-bit uniforms and
    /// glibc's double log/cos/sin.
    public mutating func randnDouble(count: Int) -> [Double] {
        if count < 16 { return (0..<count).map { _ in scalarNormal() } }
        var d = (0..<count).map { _ in uniformDouble() }
        func transform(_ b: Int) {
            for j in 0..<8 {
                let u1 = 1 - d[b + j], u2 = d[b + 8 + j]
                let radius = Glibc.sqrt(-2 * Glibc.log(u1))
                let theta = 2.0 * Double.pi * u2
                d[b + j] = radius * Glibc.cos(theta)
                d[b + 8 + j] = radius * Glibc.sin(theta)
            }
        }
        var base = 0
        while base + 16 <= count {
            transform(base)
            base += 16
        }
        if count % 16 != 0 {
            for i in (count - 16)..<count { d[i] = uniformDouble() }
            transform(count - 16)
        }
        return d
    }

    /// at::normal_distribution<double> (the numel < 16 path): returns the cached partner if there is one;
    /// else u1, u2 = double uniforms, r = sqrt(-2·log1p(-u2)), θ = 2π·u1, caches r·sin θ, returns r·cos θ.
    mutating func scalarNormal() -> Double {
        if let cached = cachedNormal {
            cachedNormal = nil
            return cached
        }
        let u1 = uniformDouble()
        let u2 = uniformDouble()
        let r = Glibc.sqrt(-2.0 * Glibc.log1p(-u2))
        let theta = 2.0 * Double.pi * u1
        cachedNormal = r * Glibc.sin(theta)
        return r * Glibc.cos(theta)
    }

    // MARK: the 16-element Box–Muller block

    /// d[b+j], d[b+8+j] (j < 8) from u1 = 1 - d[b+j], u2 = d[b+8+j]: cosines first, sines second.
    func transformFloatBlock(_ d: inout [Float], _ b: Int) {
        switch kernel {
        case .avx2: Self.avx2FloatBlock(&d, b)
        case .generic: Self.genericFloatBlock(&d, b)
        }
    }

    /// normal_fill_16_AVX2 lane by lane: r = sqrt(-2·log256(u1)), θ = fl(2π_f32·u2), fma(r·cos, 1, 0).
    static func avx2FloatBlock(_ d: inout [Float], _ b: Int) {
        for j in 0..<8 {
            let u1 = 1 - d[b + j]
            let u2 = d[b + 8 + j]
            let radius = (-2 * TorchCephesMath.log(u1)).squareRoot()
            let theta = Float(2.0 * Double.pi) * u2
            let (sinTheta, cosTheta) = TorchCephesMath.sincos(theta)
            d[b + j] = Float(0).addingProduct(radius * cosTheta, 1)  // fmadd(n1, std, mean)
            d[b + 8 + j] = Float(0).addingProduct(radius * sinTheta, 1)
        }
    }

    /// The generic normal_fill_16: glibc logf/cosf/sinf; θ = Float(2π_double · u2); fma(r·cos θ, 1, 0).
    static func genericFloatBlock(_ d: inout [Float], _ b: Int) {
        for j in 0..<8 {
            let u1 = 1 - d[b + j]
            let u2 = d[b + 8 + j]
            let radius = (-2 * Glibc.logf(u1)).squareRoot()
            let theta = Float(2.0 * Double.pi * Double(u2))
            d[b + j] = Float(0).addingProduct(radius * Glibc.cosf(theta), 1)
            d[b + 8 + j] = Float(0).addingProduct(radius * Glibc.sinf(theta), 1)
        }
    }
}
