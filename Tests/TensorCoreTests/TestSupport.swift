import XCTest
import TensorCore

/// Deterministic inputs for every test: the conformance suite's SplitMix64 stream, with this target's value mixes.
struct TestRandom {
    var source: ConformanceRandom
    init(seed: UInt64) { source = ConformanceRandom(seed: seed) }

    mutating func next() -> UInt64 { source.next() }

    /// Uniform in [lo, hi).
    mutating func float(_ lo: Float = -1, _ hi: Float = 1) -> Float {
        lo + (hi - lo) * Float(next() >> 40) / Float(1 << 24)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    /// Mostly uniform values, with signed zeros, subnormals and large magnitudes mixed in (1 in 16).
    mutating func awkwardFloat() -> Float {
        switch next() % 64 {
        case 0: return 0
        case 1: return -0.0
        case 2: return Float(bitPattern: UInt32(next() % 0x7F_FFFF) + 1) * (next() % 2 == 0 ? 1 : -1)
        case 3: return float() * 1e6
        default: return float()
        }
    }

    mutating func tensor(_ shape: [Int], awkward: Bool = true, scale: Float = 1) -> Tensor {
        Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in (awkward ? awkwardFloat() : float()) * scale })
    }
}

/// Fails with the first differing element (index, both values and bit patterns, ulps) unless identical by the
/// conformance suite's one rule (Conformance.difference: same bits everywhere, any NaN equal to any NaN).
func assertBitIdentical(_ got: Tensor, _ expected: Tensor, _ what: @autoclosure () -> String,
                        file: StaticString = #filePath, line: UInt = #line) {
    if let d = Conformance.difference(got, expected) { XCTFail("\(what()): \(d)", file: file, line: line) }
}

/// The backends every exact kernel is compared across.
let exactBackends: [CPUBackend] = [CPUBackend(threads: 1), CPUBackend(threads: 2), CPUBackend(threads: 3)]
let reference = ReferenceBackend()
