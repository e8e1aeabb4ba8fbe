import Glibc  // Double reference functions: tests only, never in Sources.
import Numerics
import XCTest

/// ExactDoubleMath (host-side double exp/log/pow/sin/cos) against glibc, which is a reference here only.
/// The callers' own fixture tests (RoPE tables, scheduler, resize, PSNR) pin the bits that matter; these
/// sweeps guard the accuracy the consolidation chose per function.
final class ExactDoubleMathTests: XCTestCase {
    static func ulps(_ a: Double, _ b: Double) -> UInt64 {
        a.bitPattern > b.bitPattern ? a.bitPattern - b.bitPattern : b.bitPattern - a.bitPattern
    }

    func testLogWithinTwoUlpsOverManyBinades() {
        var worst: UInt64 = 0
        var x = 1e-300
        while x < 1e300 {  // geometric sweep, ~138k points, including x just below and above 1
            worst = max(worst, Self.ulps(ExactDoubleMath.log(x), Glibc.log(x)))
            x *= 1.005123
        }
        for x in [0.5, 0.999, 1.001, 2, 10000, Double.leastNormalMagnitude, Double.leastNonzeroMagnitude, 1e308] {
            worst = max(worst, Self.ulps(ExactDoubleMath.log(x), Glibc.log(x)))
        }
        XCTAssertLessThanOrEqual(worst, 2, "log: \(worst) ulp")
    }

    func testSinCosWithinOneUlpOnRopeAngles() {
        // RoPE angles are position · ω with positions in the thousands and ω ≤ 1.
        var worst: UInt64 = 0
        let n = 400_000
        for i in 0...n {
            let x = 4096.0 * Double(i) / Double(n) + 0.1
            worst = max(worst, Self.ulps(ExactDoubleMath.sin(x), Glibc.sin(x)), Self.ulps(ExactDoubleMath.cos(x), Glibc.cos(x)))
        }
        XCTAssertLessThanOrEqual(worst, 1, "sin/cos: \(worst) ulp")
    }

    func testPowOnRopeFrequencies() {
        for d in stride(from: 2, through: 128, by: 2) {
            for j in 0..<(d / 2) {
                let e = Double(2 * j) / Double(d)
                let ours = ExactDoubleMath.pow(10000, e), ref = Glibc.pow(10000.0, e)
                XCTAssertLessThanOrEqual(Self.ulps(ours, ref), 15, "pow(10000, \(e))")
            }
        }
    }

    func testSpecialValues() {
        XCTAssertEqual(ExactDoubleMath.log(1), 0)
        XCTAssertEqual(ExactDoubleMath.log(0), -.infinity)
        XCTAssertEqual(ExactDoubleMath.log(.infinity), .infinity)
        XCTAssertTrue(ExactDoubleMath.log(-1).isNaN)
        XCTAssertTrue(ExactDoubleMath.log(.nan).isNaN)
        XCTAssertEqual(ExactDoubleMath.exp(0), 1)
        XCTAssertEqual(ExactDoubleMath.exp(800), .infinity)
        XCTAssertEqual(ExactDoubleMath.exp(-800), 0)
        // Results in the subnormal range used to hit a zero scale factor; now they are rounded once.
        XCTAssertLessThanOrEqual(abs(ExactDoubleMath.exp(-709.5) - Glibc.exp(-709.5)), 2 * Glibc.exp(-709.5).ulp)
        XCTAssertLessThanOrEqual(abs(ExactDoubleMath.exp(-740) - Glibc.exp(-740)), Glibc.exp(-740).ulp)
        XCTAssertEqual(ExactDoubleMath.pow(10000, 0), 1)
        XCTAssertEqual(ExactDoubleMath.sin(-0.0).sign, .minus)
        XCTAssertEqual(ExactDoubleMath.cos(0), 1)
        XCTAssertTrue(ExactDoubleMath.sin(.infinity).isNaN)
        XCTAssertLessThanOrEqual(Self.ulps(ExactDoubleMath.log10(1000), 3), 1)
    }
}
