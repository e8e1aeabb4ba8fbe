import Numerics
import XCTest

/// The storage conversions of Docs/NUMERICS.md "Types": f16/bf16 -> f32 exact, f32 -> f16/bf16 round to nearest even.
final class DTypeConversionTests: XCTestCase {
    func isHalfNaN(_ h: UInt16) -> Bool { (h & 0x7C00) == 0x7C00 && (h & 0x03FF) != 0 }

    /// All 65536 half patterns: widening equals Swift's Float16 conversion and narrowing gives the pattern back.
    func testHalfRoundTripExhaustive() {
        var nanCount = 0
        for bits in 0...UInt16.max {
            let f = DTypeConversion.float(f16Bits: bits)
            let swift = Float(Float16(bitPattern: bits))
            let back = DTypeConversion.f16Bits(f)
            if isHalfNaN(bits) {
                XCTAssertTrue(f.isNaN, "\(bits)")
                XCTAssertTrue(isHalfNaN(back), "\(bits)")
                XCTAssertEqual(back & 0x8000, bits & 0x8000, "NaN sign")
                nanCount += 1
            } else {
                XCTAssertEqual(f.bitPattern, swift.bitPattern, "widen \(String(bits, radix: 16))")
                XCTAssertEqual(back, bits, "round trip \(String(bits, radix: 16))")
            }
        }
        XCTAssertEqual(nanCount, 2 * 1023)
    }

    /// f32 -> f16 against Swift's `Float16(x)` (round to nearest even, gradual underflow, overflow to inf)
    /// on 3M floats: random bit patterns, and random values concentrated in and around the half range.
    func testFloatToHalfMatchesSwiftFloat16() {
        var state: UInt64 = 99
        var mismatches = 0
        for i in 0..<3_000_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            var u = UInt32(truncatingIfNeeded: state >> 32)
            if i % 2 == 1 {
                // Exponents 2^-27 ... 2^17 (half subnormals, normals, overflow boundary), any mantissa.
                let exponent = UInt32(100 + (state >> 20) % 45)
                u = (u & 0x807F_FFFF) | (exponent << 23)
            }
            if i % 7 == 3 { u = (u & 0xFFFF_E000) | 0x1000 }  // exact ties for normal halves
            let x = Float(bitPattern: u)
            let ours = DTypeConversion.f16Bits(x)
            let swift = Float16(x).bitPattern
            if x.isNaN {
                if !isHalfNaN(ours) { mismatches += 1 }
            } else if ours != swift {
                mismatches += 1
                if mismatches < 5 { XCTFail("f16Bits(\(x) = 0x\(String(u, radix: 16))) = \(ours), Float16 gives \(swift)") }
            }
        }
        XCTAssertEqual(mismatches, 0)
    }

    func testBF16RoundToNearestEven() {
        // (input bits, expected bf16 bits)
        let cases: [(UInt32, UInt16)] = [
            (0x3F80_8000, 0x3F80),  // tie, even stays
            (0x3F81_8000, 0x3F82),  // tie, odd rounds up to even
            (0x3F80_7FFF, 0x3F80),  // below half
            (0x3F80_8001, 0x3F81),  // above half
            (0xBF81_8000, 0xBF82),  // negative tie
            (0x7F7F_8000, 0x7F80),  // tie at the top rounds to +inf (odd 0x7F7F)
            (0x7F7E_8000, 0x7F7E),  // tie, even: stays finite
            (0x7F80_0000, 0x7F80),  // +inf
            (0xFF80_0000, 0xFF80),  // -inf
            (0x0000_8000, 0x0000),  // subnormal tie to even zero
            (0x0001_8000, 0x0002),  // subnormal tie, odd rounds up
            (0x8000_0000, 0x8000),  // -0
        ]
        for (input, expected) in cases {
            XCTAssertEqual(DTypeConversion.bf16Bits(Float(bitPattern: input)), expected, String(input, radix: 16))
        }
        // NaNs stay NaN (never rounded into infinity), sign kept.
        for nan: UInt32 in [0x7F80_0001, 0x7FFF_FFFF, 0xFF80_0001, 0x7FC0_0000] {
            let b = DTypeConversion.bf16Bits(Float(bitPattern: nan))
            XCTAssertTrue(DTypeConversion.float(bf16Bits: b).isNaN, String(nan, radix: 16))
            XCTAssertEqual(b & 0x8000, UInt16(nan >> 16) & 0x8000)
        }
    }

    /// bf16 narrowing against the textbook rule (keep the top 16 bits, round on the dropped 16) on 1M patterns,
    /// and widening is the exact inverse on every non-NaN bf16 pattern.
    func testBF16AgainstTextbookRule() {
        var state: UInt64 = 5
        for _ in 0..<1_000_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let u = UInt32(truncatingIfNeeded: state >> 32)
            let x = Float(bitPattern: u)
            if x.isNaN { continue }
            var kept = u >> 16
            let dropped = u & 0xFFFF
            if dropped > 0x8000 || (dropped == 0x8000 && kept & 1 == 1) { kept += 1 }
            XCTAssertEqual(UInt32(DTypeConversion.bf16Bits(x)), kept)
        }
        for bits in 0...UInt16.max {
            let f = DTypeConversion.float(bf16Bits: bits)
            if f.isNaN { continue }
            XCTAssertEqual(DTypeConversion.bf16Bits(f), bits)
        }
    }
}
