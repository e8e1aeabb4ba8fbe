// NUMERICS.md rule 2 (all sums that are not dot products), in ONE place for this module.
// Lane l (0...7) adds the elements i ≡ l (mod 8) in ascending i from +0.0; lanes then combine by halving:
//   s[l] += s[l+4] (l < 4); s[l] += s[l+2] (l < 2); s[0] += s[1].
// TODO(numerics): switch to Numerics.CanonicalSum once it is on main; keep these entry points as forwarders.

enum LaneSum {
    /// Scalar form, written straight from the rule (the reference).
    static func reference(_ count: Int, _ element: (Int) -> Float) -> Float {
        var s = [Float](repeating: 0, count: 8)
        for i in 0..<count { s[i % 8] = s[i % 8] + element(i) }
        for l in 0..<4 { s[l] = s[l] + s[l + 4] }
        for l in 0..<2 { s[l] = s[l] + s[l + 2] }
        return s[0] + s[1]
    }

    /// Same order with one SIMD8 register: lane l of the register is lane l of the rule.
    @inline(__always)
    static func sum(_ p: UnsafePointer<Float>, _ count: Int) -> Float {
        var acc = SIMD8<Float>(repeating: 0)
        var i = 0
        while i + 8 <= count {
            acc += UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
            i += 8
        }
        var tail = SIMD8<Float>(repeating: 0)
        var lane = 0
        while i < count { tail[lane] = p[i]; i += 1; lane += 1 }
        if lane > 0 {
            // Lanes without a tail element must stay untouched (x + 0.0 would turn -0.0 into +0.0).
            for l in 0..<lane { acc[l] = acc[l] + tail[l] }
        }
        return combine(acc)
    }

    /// Sum of squares (each product rounded, then added: no FMA), same lane order.
    @inline(__always)
    static func sumOfSquares(_ p: UnsafePointer<Float>, _ count: Int) -> Float {
        var acc = SIMD8<Float>(repeating: 0)
        var i = 0
        while i + 8 <= count {
            let x = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
            acc += x * x
            i += 8
        }
        var lane = 0
        while i < count { acc[lane] = acc[lane] + p[i] * p[i]; i += 1; lane += 1 }
        return combine(acc)
    }

    /// Sum of (x - c)² with d = x - c rounded, d*d rounded, then added.
    @inline(__always)
    static func sumOfSquaredDeviations(_ p: UnsafePointer<Float>, _ count: Int, from c: Float) -> Float {
        var acc = SIMD8<Float>(repeating: 0)
        let cv = SIMD8<Float>(repeating: c)
        var i = 0
        while i + 8 <= count {
            let d = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self) - cv
            acc += d * d
            i += 8
        }
        var lane = 0
        while i < count { let d = p[i] - c; acc[lane] = acc[lane] + d * d; i += 1; lane += 1 }
        return combine(acc)
    }

    @inline(__always)
    static func combine(_ v: SIMD8<Float>) -> Float {
        let a = v.lowHalf + v.highHalf          // s[l] + s[l+4]
        let b = a.lowHalf + a.highHalf          // s[l] + s[l+2]
        return b[0] + b[1]
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
