// torch-cuda noise mode: torch.randn(…, generator=torch.Generator("cuda").manual_seed(s), device="cuda"), as
// PyTorch's CUDA normal kernel assigns Philox4x32-10 outputs to elements (Docs/TORCH_RANDN.md §7, read from
// ATen/native/cuda/DistributionTemplates.h and curand_kernel.h / curand_normal.h):
//
//   blocks = min(⌈n / 256⌉, residentThreads / 256); T = 256 · blocks threads; thread t seeds curand with
//   (key = seed, subsequence = t, offset = the generator's Philox offset), i.e. counter (offset/4, 0, t, 0)
//   for a fresh generator. Round j of thread t draws one 128-bit block (counter.x = j) and turns it into
//   4 normals by Box-Muller on (x, y) and (z, w):  u = x·2⁻³² + 2⁻³³; v = y·2π·2⁻³² + π·2⁻³² (one FMA);
//   s = sqrt(−2·log u); the pair is (sin v · s, cos v · s). Normal i of round j goes to element
//   t + (4j + i)·T, if that is below n. Then each element is cast to the requested dtype (bf16: round to
//   nearest even), as the official bf16 pipeline draws its latents.
//
// Limits (documented in Docs/TORCH_RANDN.md): the GPU computes log with CUDA's logf (≤ 1 ulp) and sin/cos with
// the __sincosf intrinsic; this file uses glibc's correctly rounded functions, so f32 values can differ from a
// GPU's in the last bits (bf16 values only where that difference crosses a bf16 rounding boundary). Elements
// past the first 4·T depend on T, i.e. on the GPU's resident thread count (SMs × max threads per SM) when
// ⌈n / 256⌉ exceeds its resident blocks: pass that GPU's figure to match it.
#if canImport(Glibc)
import Glibc
#endif

public struct TorchCUDAGenerator: Sendable {
    public enum Output: String, CaseIterable, Sendable { case f32, bf16 }

    public let seed: UInt64
    /// The Philox offset of the generator (0 after manual_seed; each randn call advances it).
    public private(set) var offset: UInt64 = 0
    /// SMs × max threads per SM of the GPU to match; nil: enough for any draw (grid = ⌈n / 256⌉).
    public let residentThreads: Int?

    public static let blockSize = 256
    static let twoPow32Inverse: Float = 2.3283064e-10
    static let twoPow32Inverse2Pi: Float = 2.3283064e-10 * 6.2831855

    public init(seed: UInt64, residentThreads: Int? = nil) {
        self.seed = seed
        self.residentThreads = residentThreads
    }

    /// The number of blocks PyTorch launches for `count` elements (calc_execution_policy).
    func blocks(_ count: Int) -> Int {
        let needed = (count + Self.blockSize - 1) / Self.blockSize
        guard let resident = residentThreads else { return needed }
        return max(1, min(needed, resident / Self.blockSize))
    }

    /// Box-Muller as curand's _curand_box_muller: (sin v · s, cos v · s).
    @inline(__always)
    static func boxMuller(_ x: UInt32, _ y: UInt32) -> (Float, Float) {
        let u = Float(x) * twoPow32Inverse + twoPow32Inverse / 2          // exact product (power of two), one rounding
        let v = fmaf(Float(y), twoPow32Inverse2Pi, twoPow32Inverse2Pi / 2)     // nvcc contracts x·a + b into one FMA
        let s = sqrtf(-2 * logf(u))
        return (sinf(v) * s, cosf(v) * s)
    }

    /// `count` normals as one torch.randn call, rounded to `output`; advances the offset as PyTorch does.
    public mutating func randn(count: Int, output: Output = .f32) -> [Float] {
        guard count > 0 else { return [] }
        let threads = blocks(count) * Self.blockSize
        let unroll = 4
        let rounds = (count - 1) / (threads * unroll) + 1
        var out = [Float](repeating: 0, count: count)
        let key = SIMD2<UInt32>(UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32))
        // curand_init(seed, t, offset): counter.x..y = offset / 4 (+ rounds), counter.z..w = t; offset % 4 shifts
        // the first draw within a block. PyTorch's offsets are multiples of 4, so the shift is always 0.
        precondition(offset % 4 == 0, "torch-cuda: Philox offsets are multiples of 4")
        let base = offset / 4
        for t in 0..<min(threads, count) {
            for j in 0..<rounds {
                let c = base &+ UInt64(j)
                let r = Philox4x32.block(counter: SIMD4(UInt32(truncatingIfNeeded: c), UInt32(truncatingIfNeeded: c >> 32),
                                                        UInt32(truncatingIfNeeded: t), 0), key: key)
                let (n0, n1) = Self.boxMuller(r[0], r[1])
                let (n2, n3) = Self.boxMuller(r[2], r[3])
                let normals = SIMD4(n0, n1, n2, n3)
                for i in 0..<unroll {
                    let element = t + (unroll * j + i) * threads
                    guard element < count else { break }    // later normals of the round land further out
                    out[element] = output == .bf16 ? DTypeConversion.float(bf16Bits: DTypeConversion.bf16Bits(normals[i])) : normals[i]
                }
            }
        }
        offset &+= UInt64(rounds * unroll)
        return out
    }
}
