// NUMERICS.md rule 2 (all sums that are not dot products) for this module: thin forwarders to
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

/// Max reduction (NUMERICS.md rule 3), defined once: NaN if any element is NaN; +0.0 wins over -0.0;
/// otherwise the largest value. -infinity for an empty range. Order-independent by construction.
@inline(__always)
func canonicalMax(_ count: Int, _ element: (Int) -> Float) -> Float {
    var m = -Float.infinity
    for i in 0..<count {
        let x = element(i)
        if x.isNaN { return .nan }
        if x > m || (x == m && x.sign == .plus) { m = x }
    }
    return m
}
