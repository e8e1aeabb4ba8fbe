// Shared by the parity tests: the largest absolute difference (NaN propagates) and the reference's scale.
func maxAbsDifference(_ actual: [Float], _ expected: [Float]) -> (maxAbs: Float, scale: Float) {
    var maxAbs: Float = 0, scale: Float = 0
    for (a, e) in zip(actual, expected) {
        let d = abs(a - e)
        if !(d <= maxAbs) { maxAbs = d }  // NaN propagates
        scale = max(scale, abs(e))
    }
    return (maxAbs, scale)
}
