import XCTest
import Formats

final class PixelConversionTests: XCTestCase {
    func testU8RuleOnEdgesAndTies() {
        XCTAssertEqual(PixelConversion.u8(0), 0)
        XCTAssertEqual(PixelConversion.u8(1), 255)
        XCTAssertEqual(PixelConversion.u8(-3), 0)
        XCTAssertEqual(PixelConversion.u8(7), 255)
        XCTAssertEqual(PixelConversion.u8(.nan), 0)
        XCTAssertEqual(PixelConversion.u8(.infinity), 255)
        XCTAssertEqual(PixelConversion.u8(-.infinity), 0)
        XCTAssertEqual(PixelConversion.u8(-0.0), 0)
        // Ties go to even: 0.5/255 * 255 = 0.5 -> 0, 1.5/255 * 255 -> 2 (when the product is exact).
        XCTAssertEqual(PixelConversion.u8(0.5 / 255), 0)
        XCTAssertEqual(PixelConversion.u8(Float(2.5) / 255), 2)
        XCTAssertEqual(PixelConversion.u8(0.5), 128)  // 127.5 -> 128 (even)
        XCTAssertEqual(PixelConversion.u8(Float(126.5) / 255), 126)
    }

    /// Obvious reference: the same rule written out in Double on the f32 product.
    func testU8AgainstReferenceOnADenseGrid() {
        for i in -1000...300_000 {
            let x = Float(i) / 256_000
            let clamped = Swift.min(Swift.max(x, 0), 1)
            let product = clamped * 255
            let floorValue = product.rounded(.down)
            let fraction = product - floorValue
            var expected = Int(floorValue)
            if fraction > 0.5 || (fraction == 0.5 && expected % 2 == 1) { expected += 1 }
            XCTAssertEqual(Int(PixelConversion.u8(x)), expected, "x = \(x)")
            if Int(PixelConversion.u8(x)) != expected { return }
        }
    }

    func testRoundTripAndSignedVariant() {
        for u in 0...255 {
            let byte = UInt8(u)
            XCTAssertEqual(PixelConversion.u8(PixelConversion.float(byte)), byte)
            XCTAssertEqual(PixelConversion.float(byte), Float(u) / 255)
            XCTAssertEqual(PixelConversion.u8(signed: PixelConversion.signedFloat(byte)), byte)
        }
        XCTAssertEqual(PixelConversion.u8(signed: -1), 0)
        XCTAssertEqual(PixelConversion.u8(signed: 1), 255)
        XCTAssertEqual(PixelConversion.u8(signed: 0), 128)  // 0.5 * 255 = 127.5 -> 128
        // The exact sequence: x * 0.5, then + 0.5 (two roundings, no FMA), then u8.
        let x: Float = 0.123456789
        XCTAssertEqual(PixelConversion.u8(signed: x), PixelConversion.u8(x * 0.5 + 0.5))
    }
}
