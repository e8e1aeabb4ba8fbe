// Docs/NUMERICS.md rule 2 (all sums that are not dot products) for this module: thin forwarders to
// Numerics.CanonicalSum, the one implementation of the 8-lane order (lane l adds i ≡ l mod 8 ascending from
// +0.0; lanes combine (l, l+4), (l, l+2), (0, 1)). The fused forms round each term (d*d) before adding it.
import Numerics

enum LaneSum {
    /// The rule written out literally (used by ReferenceBackend).
    static func reference(_ count: Int, _ element: (Int) -> Float) -> Float {
        CanonicalSum.reference(count: count, element)
    }

    @inline(__always)
    static func sum(_ p: UnsafePointer<Float>, _ count: Int) -> Float {
        CanonicalSum.sum(UnsafeBufferPointer(start: p, count: count))
    }

    /// Σ x_i² with each square rounded, then added (no FMA).
    @inline(__always)
    static func sumOfSquares(_ p: UnsafePointer<Float>, _ count: Int) -> Float {
        CanonicalSum.sum(count: count) { p[$0] * p[$0] }
    }

    /// Σ (x_i - c)² with d = x_i - c rounded, d*d rounded, then added.
    @inline(__always)
    static func sumOfSquaredDeviations(_ p: UnsafePointer<Float>, _ count: Int, from c: Float) -> Float {
        CanonicalSum.sum(count: count) { let d = p[$0] - c; return d * d }
    }
}

/// Max reduction (Docs/NUMERICS.md rule 3), defined once: NaN if any element is NaN; +0.0 wins over -0.0;
/// otherwise the largest value. -infinity for an empty range. Order-independent by construction.
@inline(__always)
func canonicalMax(_ count: Int, _ element: (Int) -> Float) -> Float {
    var m = -Float.infinity
    for i in 0..<count {
        let x = element(i)
        if x.isNaN { return .nan }
        m = maxStep(m, x)
    }
    return m
}

/// One step of the max rule for a non-NaN x: x wins if larger, or if equal with x = +0.0.
@inline(__always)
func maxStep(_ m: Float, _ x: Float) -> Float { x > m || (x == m && x.sign == .plus) ? x : m }

/// canonicalMax over n contiguous floats, 8 lanes at a time. Equal to `canonicalMax` on every input because the
/// rule is order-independent: any NaN gives NaN, otherwise the largest value with +0.0 preferred to -0.0.
/// The lanes use only float compares and blends (integer/unsigned lane masks compile to per-lane loops);
/// the sign of a zero maximum is settled afterwards by a scalar scan.
@inline(__always)
func canonicalMax(_ p: UnsafePointer<Float>, _ count: Int) -> Float {
    guard count >= 16 else { return canonicalMax(count) { p[$0] } }
    var best = SIMD8<Float>(repeating: -.infinity)
    var sawNaN = SIMDMask<SIMD8<Int32>>(repeating: false)
    let vectorEnd = count & ~7
    var i = 0
    while i < vectorEnd {
        let x = loadLanes(p + i)
        sawNaN = sawNaN .| (x .!= x)
        best.replace(with: x, where: x .> best)
        i += 8
    }
    if any(sawNaN) { return .nan }
    var m = best.max()
    if m == 0 {  // ±0: +0.0 if any element of the vector part is +0.0
        m = -0.0
        for j in 0..<vectorEnd where p[j].bitPattern == 0 { m = 0; break }
    }
    for j in vectorEnd..<count {
        if p[j].isNaN { return .nan }
        m = maxStep(m, p[j])
    }
    return m
}
