// Everything the FLUX forward needs that does not depend on image data, computed once on the host
// (NUMERICS.md "Computed once, on the host"): the timestep/guidance sinusoid and the RoPE cos/sin tables.
// Backends receive these as plain tensors, so they cannot diverge on them.
import Numerics
import TensorCore

public enum FluxHostTables {
    /// Sinusoid width (diffusers `Timesteps(num_channels=256)`).
    public static let sinusoidChannels = 256

    /// freq_k = exp(e_k / 128), e_k = fl32(-ln(10000)) * k, k = 0..<128, all in f32 (flux.md §1.3).
    /// Near t = 1000 the sinusoid is ill-conditioned: a 1-ulp difference here moves sin/cos by up to 1e-4,
    /// which is why a transformer lets callers replace this table (parity with torch's own `exp`).
    public static func timestepFrequencies() -> [Float] {
        let half = sinusoidChannels / 2
        let minusLog10000 = Float(-9.210340371976184)  // fl32(-ln 10000)
        return (0..<half).map { k in ExactMath.exp((minusLog10000 * Float(k)) / Float(half)) }
    }

    /// diffusers `Timesteps(256, flip_sin_to_cos=True, downscale_freq_shift=0)` of already-scaled values
    /// (t · 1000): row b = [cos(t_b·f_0) … cos(t_b·f_127), sin(t_b·f_0) … sin(t_b·f_127)]. Returns [B, 256].
    public static func sinusoid(_ scaledTimesteps: [Float], frequencies: [Float]) -> Tensor {
        let half = frequencies.count
        var data = [Float](repeating: 0, count: scaledTimesteps.count * 2 * half)
        for (b, t) in scaledTimesteps.enumerated() {
            for k in 0..<half {
                let arg = t * frequencies[k]
                data[b * 2 * half + k] = ExactMath.cos(arg)
                data[b * 2 * half + half + k] = ExactMath.sin(arg)
            }
        }
        return Tensor(shape: [scaledTimesteps.count, 2 * half], data: data)
    }

    /// Position ids of a packed token grid (pipeline `_prepare_latent_image_ids`): token n = r·cols + c gets
    /// [index, r, c]; index 0 for noise tokens, 1 for Kontext context tokens (flux.md §2.3-2.4). [rows·cols, 3].
    public static func imageIds(rows: Int, cols: Int, index: Float = 0) -> Tensor {
        Tensor(shape: [rows * cols, 3]) { i in
            let (n, axis) = (i / 3, i % 3)
            return axis == 0 ? index : Float(axis == 1 ? n / cols : n % cols)
        }
    }

    /// Text ids: all zeros (identity rotation), [count, 3].
    public static func textIds(count: Int) -> Tensor { Tensor(zeros: [count, 3]) }

    /// FluxPosEmbed (theta 10000) for position ids [S, axes]: per axis a of width d_a,
    /// ω_j = 1 / 10000^(2j/d_a), θ = pos · ω_j in f64, cos/sin rounded to f32 and repeat-interleaved
    /// (entries 2j and 2j+1 share θ_j); axes concatenated. Returns (cos, sin), each [S, Σ d_a].
    public static func rope(ids: Tensor, axesDims: [Int], theta: Double = 10000) -> (cos: Tensor, sin: Tensor) {
        precondition(ids.rank == 2 && ids.shape[1] == axesDims.count, "rope ids \(ids.shape) for axes \(axesDims)")
        let positions = ids.shape[0]
        let width = axesDims.reduce(0, +)
        var cosData = [Float](repeating: 0, count: positions * width)
        var sinData = [Float](repeating: 0, count: positions * width)
        var column = 0
        for (axis, d) in axesDims.enumerated() {
            let omegas = (0..<(d / 2)).map { j in 1.0 / HostMath.pow(theta, Double(2 * j) / Double(d)) }
            for s in 0..<positions {
                let pos = Double(ids.data[s * axesDims.count + axis])
                for (j, omega) in omegas.enumerated() {
                    let angle = pos * omega
                    let c = Float(HostMath.cos(angle)), sn = Float(HostMath.sin(angle))
                    let at = s * width + column + 2 * j
                    cosData[at] = c; cosData[at + 1] = c
                    sinData[at] = sn; sinData[at + 1] = sn
                }
            }
            column += d
        }
        return (Tensor(shape: [positions, width], data: cosData), Tensor(shape: [positions, width], data: sinData))
    }
}

/// Double-precision exp/pow/sin/cos for host tables only (the RoPE angles are f64 in diffusers).
/// Built from IEEE double add/mul/div and explicit FMA (NUMERICS.md allowed operations): range reduction,
/// then a Taylor polynomial far past double precision. Accuracy ~1e-15 absolute, ample for f32 tables.
/// (Kept here until Numerics offers double versions.)
enum HostMath {
    static let ln2Hi = 6.93147180369123816490e-01, ln2Lo = 1.90821492927058770002e-10
    static let twoPiHi = 6.283185307179586, twoPiLo = 2.4492935982947064e-16

    static func exp(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x > 709 { return .infinity }
        if x < -745 { return 0 }
        let k = (x / 0.6931471805599453).rounded()
        let r = (x - k * ln2Hi) - k * ln2Lo  // k * ln2Hi is exact: ln2Hi has 32 significant bits
        var sum = 1.0, term = 1.0
        for n in 1...22 { term = term * r / Double(n); sum += term }
        return Double(sign: .plus, exponent: Int(k), significand: sum)
    }

    /// base^e for base > 0.
    static func pow(_ base: Double, _ e: Double) -> Double {
        precondition(base > 0, "HostMath.pow needs a positive base")
        return exp(e * log(base))
    }

    /// Natural log for x > 0: x = m · 2^k with m in [1, 2), log m by atanh series of (m-1)/(m+1).
    static func log(_ x: Double) -> Double {
        let k = Double(x.exponent)
        let m = x.significand
        let s = (m - 1) / (m + 1), s2 = s * s
        var sum = 0.0, power = s
        for n in stride(from: 1, through: 61, by: 2) { sum += power / Double(n); power *= s2 }
        return 2 * sum + k * 0.6931471805599453
    }

    /// Reduces x to r in about [-π, π] with x = r + k·2π (two-constant Cody-Waite with FMA).
    static func reduce(_ x: Double) -> Double {
        let k = (x / (2 * Double.pi)).rounded()
        return x.addingProduct(-k, twoPiHi).addingProduct(-k, twoPiLo)
    }

    static func sin(_ x: Double) -> Double {
        let r = reduce(x), r2 = r * r
        var sum = 0.0, term = r
        for n in 0..<16 { sum += term; term = -term * r2 / Double((2 * n + 2) * (2 * n + 3)) }
        return sum
    }

    static func cos(_ x: Double) -> Double {
        let r = reduce(x), r2 = r * r
        var sum = 0.0, term = 1.0
        for n in 0..<16 { sum += term; term = -term * r2 / Double((2 * n + 1) * (2 * n + 2)) }
        return sum
    }
}
