import Numerics
import XCTest

/// Known-answer tests: Random123 kat_vectors, philox4x32 with 10 rounds (counter, key -> output).
final class PhiloxTests: XCTestCase {
    func testRandom123KnownAnswers() {
        let cases: [(SIMD4<UInt32>, SIMD2<UInt32>, SIMD4<UInt32>)] = [
            (SIMD4(0, 0, 0, 0), SIMD2(0, 0), SIMD4(0x6627_E8D5, 0xE169_C58D, 0xBC57_AC4C, 0x9B00_DBD8)),
            (SIMD4(repeating: 0xFFFF_FFFF), SIMD2(repeating: 0xFFFF_FFFF), SIMD4(0x408F_276D, 0x41C8_3B0E, 0xA20B_C7C6, 0x6D54_51FD)),
            (SIMD4(0x243F_6A88, 0x85A3_08D3, 0x1319_8A2E, 0x0370_7344), SIMD2(0xA409_3822, 0x299F_31D0),
             SIMD4(0xD16C_FE09, 0x94FD_CCEB, 0x5001_E420, 0x2412_6EA1)),
        ]
        for (counter, key, expected) in cases {
            XCTAssertEqual(Philox4x32.block(counter: counter, key: key), expected)
        }
    }

    func testRoundsMatter() {
        // Fewer rounds give a different permutation (guards against a loop that ignores `rounds`).
        XCTAssertNotEqual(Philox4x32.block(counter: .zero, key: .zero, rounds: 7),
                          Philox4x32.block(counter: .zero, key: .zero, rounds: 10))
    }
}
