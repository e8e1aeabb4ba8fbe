// The canonical sum in Double for the metrics: Numerics.CanonicalSum is binary32 only and metrics accumulate
// in Double, hence this Double copy of rule 2. (The PSNR logarithm is Numerics.ExactDoubleMath.log10, IEEE
// operations only, so a PSNR printed in a table is the same number on every machine.)

enum MetricsMath {
    /// Docs/NUMERICS.md rule 2 in Double: 8 lanes by index mod 8 in ascending order, then halving.
    static func canonicalSum(_ values: [Double]) -> Double {
        var lanes = [Double](repeating: 0, count: 8)
        for (i, v) in values.enumerated() { lanes[i & 7] += v }
        for l in 0..<4 { lanes[l] += lanes[l + 4] }
        for l in 0..<2 { lanes[l] += lanes[l + 2] }
        return lanes[0] + lanes[1]
    }
}
