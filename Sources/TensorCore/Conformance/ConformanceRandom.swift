// The conformance suite's inputs; the tests of every backend use the same generator.

/// Deterministic inputs (SplitMix64): mixed magnitudes and signs, some exact zeros. The tests use it too.
public struct ConformanceRandom: RandomNumberGenerator {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    public mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    public mutating func float() -> Float {
        let u = Float(next() >> 40) / Float(1 << 24)
        let kind = next() % 16
        if kind == 0 { return 0 }
        return (u * 4 - 2) * (kind == 1 ? 1e-3 : 1)
    }
    public mutating func tensor(_ shape: [Int], scale: Float = 1) -> Tensor { Tensor(shape: shape) { _ in float() * scale } }

    /// Rank 1-4 with odd sizes; at most a few thousand elements.
    public mutating func shape() -> [Int] {
        let rank = int(1...4)
        return (0..<rank).map { _ in int(1...(rank <= 2 ? 37 : 9)) }
    }

    /// Mostly ordinary values, with signed zeros, subnormals, infinities and NaN sprinkled in.
    public mutating func tensorWithSpecials(_ shape: [Int], scale: Float = 1) -> Tensor {
        let specials: [Float] = [0, -0.0, 0x1p-149, -0x1.8p-140, .infinity, -.infinity, .nan, 0x1.fffffep127, 1e-39]
        return Tensor(shape: shape) { _ in int(0...19) == 0 ? specials[int(0...specials.count - 1)] : float() * scale }
    }
}
