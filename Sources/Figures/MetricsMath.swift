// Double-precision logarithm for the metrics, from IEEE operations only (no libm), so a PSNR printed in
// a table is the same number on every machine.

enum MetricsMath {
    static let ln2 = 0.6931471805599453    // nearest double to ln 2
    static let ln10 = 2.302585092994046    // nearest double to ln 10

    /// Natural logarithm. x = m · 2^e with m in [√½, √2); ln m = 2 atanh(s), s = (m − 1)/(m + 1),
    /// |s| ≤ 0.1716, by the odd series 2(s + s³/3 + … + s²⁷/27) in Horner form (truncation < 1e-22).
    static func log(_ x: Double) -> Double {
        if x.isNaN || x < 0 { return .nan }
        if x == 0 { return -.infinity }
        if x == .infinity { return .infinity }
        var value = x
        var exponent = 0
        if value < Double.leastNormalMagnitude {  // scale subnormals into the normal range (exact)
            value *= 0x1p54
            exponent -= 54
        }
        exponent += Int(value.exponent)
        var m = value.significand  // [1, 2), exact
        if m > 1.4142135623730951 {
            m *= 0.5
            exponent += 1
        }
        let s = (m - 1) / (m + 1)
        let s2 = s * s
        var series = 1.0 / 27.0
        var k = 25
        while k >= 1 {
            series = series * s2 + 1.0 / Double(k)
            k -= 2
        }
        return Double(exponent) * ln2 + 2 * s * series
    }

    static func log10(_ x: Double) -> Double { log(x) / ln10 }

    /// NUMERICS.md rule 2 in Double: 8 lanes by index mod 8 in ascending order, then halving.
    static func canonicalSum(_ values: [Double]) -> Double {
        var lanes = [Double](repeating: 0, count: 8)
        for (i, v) in values.enumerated() { lanes[i & 7] += v }
        for l in 0..<4 { lanes[l] += lanes[l + 4] }
        for l in 0..<2 { lanes[l] += lanes[l + 2] }
        return lanes[0] + lanes[1]
    }
}
