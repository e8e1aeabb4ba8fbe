import XCTest
import Analogies
import Formats

/// A deterministic, non-symmetric test image (every pixel different), w×h.
func patternImage(width: Int, height: Int) -> RGBImage {
    var image = RGBImage(width: width, height: height)
    for y in 0..<height {
        for x in 0..<width {
            image.setPixel(x, y, (UInt8((x * 37 + y * 11) & 255), UInt8((x * 5 + y * 71 + 13) & 255), UInt8((x * y + 7) & 255)))
        }
    }
    return image
}

final class PixelOperationsTests: XCTestCase {
    let image = patternImage(width: 7, height: 5)

    func testFlipHorizontalMirrorsColumns() {
        let out = PixelOperations.flip(image, .horizontal)
        for y in 0..<5 { for x in 0..<7 { XCTAssertTrue(out.pixel(x, y) == image.pixel(6 - x, y)) } }
    }

    func testFlipVerticalMirrorsRows() {
        let out = PixelOperations.flip(image, .vertical)
        for y in 0..<5 { for x in 0..<7 { XCTAssertTrue(out.pixel(x, y) == image.pixel(x, 4 - y)) } }
    }

    func testRotateQuarterTurnClockwiseMapsPixels() {
        let out = PixelOperations.rotateQuarterTurns(image, 1)
        XCTAssertEqual(out.width, 5)
        XCTAssertEqual(out.height, 7)
        // Clockwise: the old bottom-left corner becomes the new top-left corner.
        for y in 0..<7 { for x in 0..<5 { XCTAssertTrue(out.pixel(x, y) == image.pixel(y, 4 - x)) } }
        XCTAssertTrue(out.pixel(0, 0) == image.pixel(0, 4))
    }

    func testRotateHalfTurnAndFullTurn() {
        let half = PixelOperations.rotateQuarterTurns(image, 2)
        for y in 0..<5 { for x in 0..<7 { XCTAssertTrue(half.pixel(x, y) == image.pixel(6 - x, 4 - y)) } }
        XCTAssertEqual(PixelOperations.rotateQuarterTurns(image, 4), image)
        XCTAssertEqual(PixelOperations.rotateQuarterTurns(image, 3),
                       PixelOperations.rotateQuarterTurns(image, -1))
    }

    func testInvertIs255MinusValue() {
        let out = PixelOperations.invert(image)
        for i in 0..<image.pixels.count { XCTAssertEqual(out.pixels[i], 255 - image.pixels[i]) }
    }

    func testGrayscaleHasEqualChannelsAndBT601Luma() {
        let out = PixelOperations.grayscale(image)
        for y in 0..<5 {
            for x in 0..<7 {
                let (r, g, b) = out.pixel(x, y)
                XCTAssertEqual(r, g); XCTAssertEqual(g, b)
                let (r0, g0, b0) = image.pixel(x, y)
                XCTAssertEqual(Int(r), (77 * Int(r0) + 150 * Int(g0) + 29 * Int(b0) + 128) / 256)
            }
        }
        let extremes = RGBImage(width: 2, height: 1, pixels: [255, 255, 255, 0, 0, 0])
        XCTAssertEqual(PixelOperations.grayscale(extremes), extremes)
    }

    func testHueShiftPermutesChannels() {
        let red = RGBImage(width: 1, height: 1, pixels: [200, 10, 0])
        XCTAssertEqual(PixelOperations.hueShift(red, degrees: 120).pixels, [0, 200, 10])  // red → green
        XCTAssertEqual(PixelOperations.hueShift(red, degrees: 240).pixels, [10, 0, 200])  // red → blue
        let thrice = PixelOperations.hueShift(PixelOperations.hueShift(PixelOperations.hueShift(image, degrees: 120),
                                                                       degrees: 120), degrees: 120)
        XCTAssertEqual(thrice, image)
        let gray = RGBImage(width: 1, height: 1, pixels: [90, 90, 90])
        XCTAssertEqual(PixelOperations.hueShift(gray, degrees: 120), gray)
    }

    func testBlurSpreadsAPointWithBinomialWeights() {
        var point = RGBImage(width: 5, height: 5)
        point.setPixel(2, 2, (255, 255, 255))
        let out = PixelOperations.blur(point, passes: 1)
        XCTAssertEqual(out.pixel(2, 2).0, 64)   // (4·255 + 8) / 16
        XCTAssertEqual(out.pixel(1, 2).0, 32)   // (2·255 + 8) / 16
        XCTAssertEqual(out.pixel(2, 3).0, 32)
        XCTAssertEqual(out.pixel(1, 1).0, 16)   // (255 + 8) / 16
        XCTAssertEqual(out.pixel(0, 0).0, 0)
        let flat = RGBImage(width: 4, height: 3, fill: (17, 130, 250))
        XCTAssertEqual(PixelOperations.blur(flat, passes: 3), flat)
        XCTAssertEqual(PixelOperations.blur(image, passes: 0), image)
    }
}
