// The canonical 8-lane sum (Docs/NUMERICS.md "Canonical orders", rule 2), used for every sum that is not a
// dot product: means, variances, softmax denominators, pooling, metrics.
//
// Lane l (0…7) adds the elements i ≡ l (mod 8) in ascending i, starting from +0.0. Then the lanes
// combine by halving: s[l] += s[l+4] (l < 4), s[l] += s[l+2] (l < 2), s[0] += s[1]. Every addition is
// one IEEE binary32 add. On CPU the lanes are one SIMD8<Float>; a GPU thread keeps 8 accumulators.
// `reference` is the rule written as plainly as possible; the fast paths must equal it bit for bit
// (Tests/NumericsTests/CanonicalSumTests).

public enum CanonicalSum {
    /// Sum of `count` values produced by `element(i)`, in the canonical order. Fused uses pass a closure,
    /// e.g. `sum(count: n) { let d = x[$0] - mean; return d * d }`.
    @inlinable
    public static func sum(count: Int, _ element: (Int) -> Float) -> Float {
        var acc = SIMD8<Float>(repeating: 0)
        var i = 0
        while i + 8 <= count {
            let v = SIMD8<Float>(element(i), element(i + 1), element(i + 2), element(i + 3),
                                 element(i + 4), element(i + 5), element(i + 6), element(i + 7))
            acc = acc + v
            i += 8
        }
        // Tail: the first (count - i) lanes take one more element each, in ascending order.
        var lane = 0
        while i < count {
            acc[lane] = acc[lane] + element(i)
            lane += 1
            i += 1
        }
        return combine(acc)
    }

    /// Sum of a buffer in the canonical order.
    @inlinable
    public static func sum(_ p: UnsafeBufferPointer<Float>) -> Float {
        guard let base = p.baseAddress else { return 0 }
        let count = p.count
        var acc = SIMD8<Float>(repeating: 0)
        var i = 0
        let raw = UnsafeRawPointer(base)
        while i + 8 <= count {
            acc = acc + raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
        var lane = 0
        while i < count {
            acc[lane] = acc[lane] + base[i]
            lane += 1
            i += 1
        }
        return combine(acc)
    }

    /// Sum of an array in the canonical order.
    @inlinable
    public static func sum(_ values: [Float]) -> Float {
        values.withUnsafeBufferPointer { sum($0) }
    }

    /// The final halving combination of the 8 lanes: (l, l+4), then (l, l+2), then (0, 1).
    @inlinable
    public static func combine(_ s: SIMD8<Float>) -> Float {
        let s4 = s.lowHalf + s.highHalf  // s[l] + s[l+4], l < 4
        let s2 = s4.lowHalf + s4.highHalf  // s[l] + s[l+2], l < 2
        return s2[0] + s2[1]
    }

    /// Rule 2 written out literally, one element at a time: the obviously-right definition.
    public static func reference(count: Int, _ element: (Int) -> Float) -> Float {
        var lanes = [Float](repeating: 0, count: 8)
        for i in 0..<count {
            lanes[i % 8] = lanes[i % 8] + element(i)
        }
        for l in 0..<4 { lanes[l] = lanes[l] + lanes[l + 4] }
        for l in 0..<2 { lanes[l] = lanes[l] + lanes[l + 2] }
        return lanes[0] + lanes[1]
    }
}
