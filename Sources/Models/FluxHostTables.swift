// Everything the FLUX forward needs that does not depend on image data, computed once on the host
// (Docs/NUMERICS.md "Computed once, on the host"): the timestep/guidance sinusoid and the RoPE cos/sin tables.
// Backends receive these as plain tensors, so they cannot diverge on them.
import Numerics
import TensorCore

public enum FluxHostTables {
    /// Sinusoid width (diffusers `Timesteps(num_channels=256)`).
    public static let sinusoidChannels = 256

    /// freq_k = exp(e_k / 128), e_k = fl32(-ln(10000)) * k, k = 0..<128, all in f32 (Docs/FLUX.md §1.3).
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
    /// [index, r, c]; index 0 for noise tokens, 1 for Kontext context tokens (Docs/FLUX.md §2.1-2.2). [rows·cols, 3].
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
            let omegas = (0..<(d / 2)).map { j in 1.0 / ExactDoubleMath.pow(theta, Double(2 * j) / Double(d)) }
            for s in 0..<positions {
                let pos = Double(ids.data[s * axesDims.count + axis])
                for (j, omega) in omegas.enumerated() {
                    let angle = pos * omega
                    let c = Float(ExactDoubleMath.cos(angle)), sn = Float(ExactDoubleMath.sin(angle))
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
