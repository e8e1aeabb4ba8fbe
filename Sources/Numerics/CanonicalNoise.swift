// Canonical noise: Philox4x32-10 + Box–Muller over ExactMath (Docs/NUMERICS.md "Random numbers").
//
// Definition (every backend must follow it exactly):
//   key     = (k0, k1) = (seed & 0xFFFFFFFF, seed >> 32)
//   element i ≥ 0 of (seed, stream) lives in block b = i / 4, slot j = i % 4:
//   counter = (b & 0xFFFFFFFF, b >> 32, stream & 0xFFFFFFFF, stream >> 32)
//   (w0, w1, w2, w3) = Philox4x32-10(counter, key)
//   pair p = j / 2 uses (a, c) = (w[2p], w[2p+1]):
//     u1 = Float((a >> 8) + 1) · 2^-24      ∈ (0, 1]   (exact; never 0, so log is finite)
//     u2 = Float(c >> 8) · 2^-24            ∈ [0, 1)   (exact)
//     r  = sqrt(-2 · log(u1))               (ExactMath.log; -2·l is exact; IEEE sqrt)
//     θ  = u2 · 6.2831855 (2π rounded to binary32; one rounding)
//   slot 2p   (even) = r · cos(θ)           (ExactMath.cos; one rounding)
//   slot 2p+1 (odd)  = r · sin(θ)           (ExactMath.sin; one rounding)
// So element i depends only on (seed, stream, i): any range [offset, offset+count) can be generated
// alone, in pieces or in parallel with identical results. Uniforms (`uniforms`) use word i % 4 of
// block i / 4 directly: u = Float(w >> 8) · 2^-24 ∈ [0, 1).
// Test vectors (first outputs for seeds 0 and 42, streams 0 and 7): Tests/NumericsTests/CanonicalNoiseTests.

public enum CanonicalNoise {
    @inlinable
    static func key(_ seed: UInt64) -> SIMD2<UInt32> {
        SIMD2(UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32))
    }

    @inlinable
    static func counter(block: UInt64, stream: UInt64) -> SIMD4<UInt32> {
        SIMD4(UInt32(truncatingIfNeeded: block), UInt32(truncatingIfNeeded: block >> 32),
              UInt32(truncatingIfNeeded: stream), UInt32(truncatingIfNeeded: stream >> 32))
    }

    /// The four normals of one Philox block: (r0 cos θ0, r0 sin θ0, r1 cos θ1, r1 sin θ1).
    @inlinable
    public static func normalBlock(seed: UInt64, stream: UInt64, block: UInt64) -> SIMD4<Float> {
        let w = Philox4x32.block(counter: counter(block: block, stream: stream), key: key(seed))
        let (c0, s0) = boxMuller(w[0], w[1])
        let (c1, s1) = boxMuller(w[2], w[3])
        return SIMD4(c0, s0, c1, s1)
    }

    /// Box–Muller on two 32-bit words, exactly as documented at the top of this file.
    @inlinable
    public static func boxMuller(_ a: UInt32, _ c: UInt32) -> (cos: Float, sin: Float) {
        let u1 = Float((a >> 8) + 1) * 0x1p-24
        let u2 = Float(c >> 8) * 0x1p-24
        let r = (-2 * ExactMath.log(u1)).squareRoot()
        let theta = u2 * 0x1.921fb6p2  // 2π rounded to binary32
        return (r * ExactMath.cos(theta), r * ExactMath.sin(theta))
    }

    /// Normal number `index` of (seed, stream), computed alone.
    @inlinable
    public static func normal(seed: UInt64, stream: UInt64, index: UInt64) -> Float {
        normalBlock(seed: seed, stream: stream, block: index / 4)[Int(index % 4)]
    }

    /// Normals [offset, offset + count) of (seed, stream) into `out` (out.count must be ≥ count).
    public static func fillNormals(seed: UInt64, stream: UInt64, offset: UInt64 = 0, into out: UnsafeMutableBufferPointer<Float>) {
        let count = out.count
        var i = 0
        while i < count {
            let index = offset + UInt64(i)
            let block = normalBlock(seed: seed, stream: stream, block: index / 4)
            var slot = Int(index % 4)
            while slot < 4 && i < count {
                out[i] = block[slot]
                slot += 1
                i += 1
            }
        }
    }

    /// Normals [offset, offset + count) of (seed, stream).
    public static func normals(seed: UInt64, stream: UInt64, offset: Int = 0, count: Int) -> [Float] {
        precondition(offset >= 0 && count >= 0, "offset and count must be non-negative")
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            fillNormals(seed: seed, stream: stream, offset: UInt64(offset), into: buffer)
            initialized = count
        }
    }

    /// Uniforms in [0, 1) on a 2^-24 grid: element i = Float(w[i % 4] >> 8) · 2^-24 of block i / 4.
    public static func uniforms(seed: UInt64, stream: UInt64, offset: Int = 0, count: Int) -> [Float] {
        precondition(offset >= 0 && count >= 0, "offset and count must be non-negative")
        return (0..<count).map { i in
            let index = UInt64(offset + i)
            let w = Philox4x32.block(counter: counter(block: index / 4, stream: stream), key: key(seed))
            return Float(w[Int(index % 4)] >> 8) * 0x1p-24
        }
    }
}

/// Stream ids for recipe-level random draws: FNV-1a 64 over the UTF-8 bytes of `name + "#" + index`
/// (index in decimal), e.g. "noise#0". Stable across runs, platforms and releases.
public enum StreamID {
    public static func make(name: String, index: Int = 0) -> UInt64 {
        fnv1a64(Array((name + "#" + String(index)).utf8))
    }

    /// FNV-1a, 64-bit: h = 0xcbf29ce484222325; for each byte: h = (h ^ byte) · 0x100000001b3 (mod 2^64).
    public static func fnv1a64(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }
}
