import Numerics
import XCTest

/// IEEE special cases of ExactMath: NaN, ±inf, ±0, overflow/underflow boundaries, subnormals, symmetry.
final class ExactMathSpecialValueTests: XCTestCase {
    func bits(_ x: Float) -> UInt32 { x.bitPattern }

    func testNaNPropagates() {
        let nans: [Float] = [.nan, -.nan, Float(bitPattern: 0x7FC1_2345)]
        for x in nans {
            XCTAssertTrue(ExactMath.exp(x).isNaN)
            XCTAssertTrue(ExactMath.log(x).isNaN)
            XCTAssertTrue(ExactMath.sin(x).isNaN)
            XCTAssertTrue(ExactMath.cos(x).isNaN)
            XCTAssertTrue(ExactMath.tanh(x).isNaN)
            XCTAssertTrue(ExactMath.sigmoid(x).isNaN)
            XCTAssertTrue(ExactMath.erf(x).isNaN)
        }
    }

    func testExpSpecials() {
        XCTAssertEqual(bits(ExactMath.exp(0)), bits(1))
        XCTAssertEqual(bits(ExactMath.exp(-0.0)), bits(1))
        XCTAssertEqual(ExactMath.exp(.infinity), .infinity)
        XCTAssertEqual(bits(ExactMath.exp(-.infinity)), bits(0))
        XCTAssertEqual(ExactMath.exp(88.72284), .infinity)  // e^x > FLT_MAX
        XCTAssertEqual(ExactMath.exp(88.7228), 3.4026947e38)  // correctly rounded (mpmath)
        XCTAssertTrue(ExactMath.exp(88.7228).isFinite)
        // Subnormal results, rounded once: e^-100 ≈ 3.72e-44 = 26.6 · 2^-149.
        XCTAssertEqual(ExactMath.exp(-100), Float(bitPattern: 27))
        XCTAssertEqual(ExactMath.exp(-103.9), Float.leastNonzeroMagnitude)  // e^-103.9 ≈ 0.93·2^-149
        XCTAssertEqual(bits(ExactMath.exp(-104.5)), 0)
        XCTAssertEqual(ExactMath.exp(-87.33654), 1.1754997e-38)  // near FLT_MIN, correctly rounded (mpmath)
    }

    func testLogSpecials() {
        XCTAssertEqual(ExactMath.log(0), -.infinity)
        XCTAssertEqual(ExactMath.log(-0.0), -.infinity)
        XCTAssertTrue(ExactMath.log(-1).isNaN)
        XCTAssertTrue(ExactMath.log(-.infinity).isNaN)
        XCTAssertTrue(ExactMath.log(-.leastNonzeroMagnitude).isNaN)
        XCTAssertEqual(ExactMath.log(.infinity), .infinity)
        XCTAssertEqual(bits(ExactMath.log(1)), bits(0))  // +0, not -0
        XCTAssertEqual(ExactMath.log(.leastNonzeroMagnitude), -103.27893)
        XCTAssertEqual(ExactMath.log(2), 0.6931472)
        XCTAssertEqual(ExactMath.log(.greatestFiniteMagnitude), 88.72284)
    }

    func testTrigSpecials() {
        XCTAssertEqual(bits(ExactMath.sin(0)), bits(0))
        XCTAssertEqual(bits(ExactMath.sin(-0.0)), bits(-0.0))
        XCTAssertEqual(ExactMath.cos(0), 1)
        XCTAssertEqual(ExactMath.cos(-0.0), 1)
        XCTAssertTrue(ExactMath.sin(.infinity).isNaN)
        XCTAssertTrue(ExactMath.cos(-.infinity).isNaN)
        XCTAssertEqual(bits(ExactMath.sin(-0x1p-149)), bits(-0x1p-149))  // sin x = x for tiny x (subnormal)
        // Odd/even symmetry holds bit for bit over a sweep (sign handled by bit flip).
        var x: Float = 1e-3
        while x < 1e30 {
            XCTAssertEqual(bits(ExactMath.sin(-x)), bits(ExactMath.sin(x)) ^ 0x8000_0000, "\(x)")
            XCTAssertEqual(bits(ExactMath.cos(-x)), bits(ExactMath.cos(x)), "\(x)")
            x *= 1.37
        }
        // Large arguments reduce exactly: sin(2^127) and cos(FLT_MAX) against known values.
        XCTAssertEqual(ExactMath.sin(0x1p127), 0.62338551, accuracy: 1e-7)  // mpmath
        XCTAssertEqual(ExactMath.cos(.greatestFiniteMagnitude), 0.85302104, accuracy: 1e-7)  // mpmath
    }

    func testTanhAndSigmoidSpecials() {
        XCTAssertEqual(bits(ExactMath.tanh(-0.0)), bits(-0.0))
        XCTAssertEqual(bits(ExactMath.tanh(0)), 0)
        XCTAssertEqual(ExactMath.tanh(.infinity), 1)
        XCTAssertEqual(ExactMath.tanh(-.infinity), -1)
        XCTAssertEqual(ExactMath.tanh(9.2), 1)
        XCTAssertEqual(ExactMath.tanh(-30), -1)
        XCTAssertEqual(ExactMath.tanh(0x1p-140), 0x1p-140)  // subnormal: tanh x = x
        XCTAssertLessThan(ExactMath.tanh(8.9), 1)  // still below 1 where the true value rounds below 1
        XCTAssertEqual(ExactMath.sigmoid(0), 0.5)
        XCTAssertEqual(ExactMath.sigmoid(.infinity), 1)
        XCTAssertEqual(bits(ExactMath.sigmoid(-.infinity)), 0)
        XCTAssertEqual(bits(ExactMath.sigmoid(-89)), 0)  // exp(89) overflows: +0 by definition
        XCTAssertEqual(ExactMath.sigmoid(20), 1)
    }

    func testErfSpecials() {
        XCTAssertEqual(ExactMath.erf(0).bitPattern, 0)
        XCTAssertEqual(ExactMath.erf(-0.0).bitPattern, Float(-0.0).bitPattern)
        XCTAssertEqual(ExactMath.erf(.infinity), 1)
        XCTAssertEqual(ExactMath.erf(-.infinity), -1)
        XCTAssertEqual(ExactMath.erf(4), 1)
        XCTAssertEqual(ExactMath.erf(-3.95), -1)
        XCTAssertLessThan(ExactMath.erf(3.8), 1)  // erfc(3.8) = 7.7e-8 > half an ulp below 1
        XCTAssertEqual(ExactMath.erf(0x1p-149), 0x1p-149)  // 1.128·2^-149 rounds to 2^-149
        var x: Float = 1e-3
        while x < 5 {
            XCTAssertEqual(ExactMath.erf(-x).bitPattern, ExactMath.erf(x).bitPattern ^ 0x8000_0000)
            x *= 1.07
        }
    }
}
