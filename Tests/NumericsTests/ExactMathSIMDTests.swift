import Numerics
import XCTest

/// The SIMD8 exp/tanh must equal the scalar functions bit for bit, lane by lane.
final class ExactMathSIMDTests: XCTestCase {
    func check(_ name: String, _ scalar: (Float) -> Float, _ vector: (SIMD8<Float>) -> SIMD8<Float>, _ xs: [Float]) {
        var mismatches = 0
        for chunk in stride(from: 0, to: xs.count - 7, by: 8) {
            var v = SIMD8<Float>()
            for l in 0..<8 { v[l] = xs[chunk + l] }
            let out = vector(v)
            for l in 0..<8 {
                let want = scalar(v[l])
                let same = (want.isNaN && out[l].isNaN) || want.bitPattern == out[l].bitPattern
                if !same {
                    mismatches += 1
                    if mismatches < 5 { XCTFail("\(name)(\(v[l])): simd \(out[l]) scalar \(want)") }
                }
            }
        }
        XCTAssertEqual(mismatches, 0, name)
    }

    func testSIMDEqualsScalar() {
        var xs: [Float] = [0, -0.0, .infinity, -.infinity, .nan, 88.8, 88.81, -104, -104.01, 9.1, -9.1, 9.0999,
                           .leastNonzeroMagnitude, -.greatestFiniteMagnitude, 88.72284, -103.9, 1, -1, 0x1p-140, 0.5]
        var state: UInt64 = 11
        for i in 0..<400_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let u = UInt32(truncatingIfNeeded: state >> 32)
            if i % 2 == 0 {
                xs.append(Float(bitPattern: u))  // any pattern, NaNs and infinities included
            } else {
                xs.append(Float(u >> 8) * 0x1p-24 * 240 - 120)  // dense in [-120, 120)
            }
        }
        while xs.count % 8 != 0 { xs.append(1) }
        check("exp", ExactMath.exp, ExactMath.exp, xs)
        check("tanh", ExactMath.tanh, ExactMath.tanh, xs)
    }
}
