// Philox4x32-10 (Salmon, Moraes, Dror, Shaw: "Parallel Random Numbers: As Easy as 1, 2, 3", SC11),
// the canonical counter-based generator of Docs/NUMERICS.md "Random numbers". Pure integer arithmetic:
// every backend reproduces it exactly. Checked against the published Random123 known-answer vectors.

public enum Philox4x32 {
    public static let multiplier0: UInt32 = 0xD251_1F53
    public static let multiplier1: UInt32 = 0xCD9E_8D57
    /// Key schedule increments (golden ratio and √3 - 1, as 32-bit fractions).
    public static let weyl0: UInt32 = 0x9E37_79B9
    public static let weyl1: UInt32 = 0xBB67_AE85

    /// One Philox round: two 32×32→64 products, then a Feistel-like swap with the key mixed in.
    @inlinable
    static func round(_ c: SIMD4<UInt32>, _ k0: UInt32, _ k1: UInt32) -> SIMD4<UInt32> {
        let p0 = UInt64(multiplier0) &* UInt64(c[0])
        let p1 = UInt64(multiplier1) &* UInt64(c[2])
        let hi0 = UInt32(truncatingIfNeeded: p0 >> 32), lo0 = UInt32(truncatingIfNeeded: p0)
        let hi1 = UInt32(truncatingIfNeeded: p1 >> 32), lo1 = UInt32(truncatingIfNeeded: p1)
        return SIMD4(hi1 ^ c[1] ^ k0, lo1, hi0 ^ c[3] ^ k1, lo0)
    }

    /// Philox4x32 with `rounds` rounds (10 is the standard); the key is bumped between rounds.
    @inlinable
    public static func block(counter: SIMD4<UInt32>, key: SIMD2<UInt32>, rounds: Int = 10) -> SIMD4<UInt32> {
        var c = counter
        var k0 = key[0], k1 = key[1]
        for r in 0..<rounds {
            if r > 0 {
                k0 = k0 &+ weyl0
                k1 = k1 &+ weyl1
            }
            c = round(c, k0, k1)
        }
        return c
    }
}
