import XCTest
import Formats

/// Decoding of files written by other software (Pillow, and a hand-made 16-bit encoder):
/// Tools/fixtures/png_fixtures.py.
final class PNGDecodeFixtureTests: XCTestCase {
    let folder = fixturesFolder + "/png/"

    /// Every 8-bit layout gives Pillow's convert("RGB") pixels and, where the file has alpha or
    /// tRNS, Pillow's convert("RGBA") alpha.
    func testLayoutsMatchPillowConversion() throws {
        let manifest = String(decoding: readBytes(folder + "manifest.txt"), as: UTF8.self)
        var checked = 0
        for line in manifest.split(separator: "\n") where !line.hasPrefix("#") {
            let f = line.split(separator: " ").map(String.init)
            let decoded = try PNGFile.read(path: folder + f[0] + ".png")
            let expected = try PNGFile.read(path: folder + "expect_" + f[0] + ".png")
            XCTAssertEqual(decoded.image, expected.image, f[0])
            if f[1] == "1" {
                XCTAssertEqual(decoded.alpha, expected.alpha, f[0])
            } else {
                XCTAssertNil(decoded.alpha, f[0])
                XCTAssertEqual(expected.alpha, [UInt8](repeating: 255, count: expected.image.width * expected.image.height), f[0])
            }
            checked += 1
        }
        XCTAssertEqual(checked, 7)
    }

    func testTextChunksWrittenByPillow() throws {
        let decoded = try PNGFile.read(path: folder + "text.png")
        XCTAssertEqual(decoded.text["plain"], "hello world")
        XCTAssertEqual(decoded.text["latin"], "café crème")
        XCTAssertEqual(decoded.text["compressed"], String(repeating: "zTXt ", count: 40))
        XCTAssertEqual(decoded.text["unicode"], "日本語 ✓ ünïcode")
        XCTAssertEqual(decoded.text["unicode_zip"], String(repeating: "圧縮された ", count: 30))
        XCTAssertEqual(decoded.text.count, 5)
    }

    /// 16-bit samples become round(v * 255 / 65535) (libpng's png_set_scale_16), checked on every
    /// 16-bit value. There are no ties: v * 255 / 65535 = v / 257 is never exactly k + 1/2.
    func testSixteenBitIsScaledWithRounding() throws {
        let gray = try PNGFile.read(path: folder + "gray16.png")
        XCTAssertEqual(gray.sourceBitDepth, 16)
        XCTAssertEqual(gray.image.width * gray.image.height, 65536)
        for v in 0..<65536 {
            let expected = UInt8((v * 255 + 32767) / 65535)
            XCTAssertEqual(gray.image.pixels[3 * v], expected, "value \(v)")
            if gray.image.pixels[3 * v] != expected { break }
            XCTAssertEqual(gray.image.pixels[3 * v + 1], expected)
        }
        let rgb = try PNGFile.read(path: folder + "rgb16.png")
        let raw = readBytes(folder + "rgb16.u16be")
        let samples = (0..<(raw.count / 2)).map { Int(raw[2 * $0]) << 8 | Int(raw[2 * $0 + 1]) }
        XCTAssertEqual(rgb.image.pixels, samples.map { UInt8(($0 * 255 + 32767) / 65535) })
    }
}
