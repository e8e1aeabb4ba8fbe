import XCTest
import TensorCore

/// SplitMix64: deterministic inputs for every test.
struct TestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

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

/// Fails with the first differing element (index, both values and bit patterns) unless bit-identical.
/// NaNs compare equal to each other whatever their sign and payload: IEEE 754 leaves those to the operand
/// order of the instruction, which the compiler picks for commutative ops (silu(NaN) is -NaN in one inlining
/// context and +NaN in another), so "NaN propagates" is the contract and the bits of a NaN are not.
func assertBitIdentical(_ got: Tensor, _ expected: Tensor, _ what: @autoclosure () -> String,
                        file: StaticString = #filePath, line: UInt = #line) {
    guard got.shape == expected.shape else {
        XCTFail("\(what()): shape \(got.shape) != \(expected.shape)", file: file, line: line)
        return
    }
    var mismatches = 0
    var first: Int? = nil
    for i in 0..<got.count
    where got.data[i].bitPattern != expected.data[i].bitPattern && !(got.data[i].isNaN && expected.data[i].isNaN) {
        mismatches += 1
        if first == nil { first = i }
    }
    if let i = first {
        XCTFail("\(what()): \(mismatches)/\(got.count) elements differ; first at \(i): \(got.data[i]) " +
                "(0x\(String(got.data[i].bitPattern, radix: 16))) vs \(expected.data[i]) " +
                "(0x\(String(expected.data[i].bitPattern, radix: 16)))", file: file, line: line)
    }
}

/// The backends every exact kernel is compared across.
let exactBackends: [CPUBackend] = [CPUBackend(threads: 1), CPUBackend(threads: 2), CPUBackend(threads: 3)]
let reference = ReferenceBackend()
