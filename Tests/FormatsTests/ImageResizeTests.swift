import XCTest
import Formats
import Numerics
#if canImport(Glibc)
import Glibc
#endif

let fixturesFolder: String = {
    let here = "\(#filePath)"
    return String(here[..<here.lastIndex(of: "/")!]) + "/Fixtures"
}()

final class ImageResizeTests: XCTestCase {
    /// Every committed Pillow case (Tools/fixtures/resize_fixtures.py) must match byte for byte.
    func testBitExactWithPillowFixtures() throws {
        let cases = try compareWithPillow(folder: fixturesFolder + "/resize/")
        XCTAssertEqual(cases, 56)
        // A larger, uncommitted set made the same way can be checked with RESIZE_EXTRA_FIXTURES=<folder>.
        if let extra = ProcessInfo.processInfo.environment["RESIZE_EXTRA_FIXTURES"] {
            print("extra Pillow resize cases checked: \(try compareWithPillow(folder: extra + "/"))")
        }
    }

    func compareWithPillow(folder: String) throws -> Int {
        let manifest = String(decoding: readBytes(folder + "manifest.txt"), as: UTF8.self)
        var cases = 0
        var sources: [String: RGBImage] = [:]
        for line in manifest.split(separator: "\n") where !line.hasPrefix("#") {
            let f = line.split(separator: " ").map(String.init)
            XCTAssertEqual(f.count, 5)
            let source = try sources[f[0]] ?? PNGFile.read(path: folder + f[0]).image
            sources[f[0]] = source
            let filter = try XCTUnwrap(ResizeFilter(rawValue: f[3]))
            let expected = try PNGFile.read(path: folder + f[4]).image
            let got = ImageResize.resize(source, width: Int(f[1])!, height: Int(f[2])!, filter: filter)
            XCTAssertEqual(got.width, expected.width)
            XCTAssertEqual(got.height, expected.height)
            let differing = zip(got.pixels, expected.pixels).filter { $0 != $1 }.count
            XCTAssertEqual(differing, 0, "\(f[4]): \(differing) of \(expected.pixels.count) samples differ from Pillow")
            cases += 1
        }
        return cases
    }

    func testSameSizeIsIdentityAndConstantImagesStayConstant() {
        var random = TestRandom(state: 3)
        let image = random.image(width: 9, height: 7)
        for filter in ResizeFilter.allCases {
            XCTAssertEqual(ImageResize.resize(image, width: 9, height: 7, filter: filter), image)
            let flat = RGBImage(width: 13, height: 11, fill: (200, 17, 255))
            for (w, h) in [(5, 4), (29, 31), (1, 1), (13, 3)] {
                XCTAssertEqual(ImageResize.resize(flat, width: w, height: h, filter: filter),
                               RGBImage(width: w, height: h, fill: (200, 17, 255)), "\(filter) \(w)x\(h)")
            }
        }
    }

    /// The fixed-point weights of each output sum to 2^22 up to the per-weight rounding.
    func testWeightsAreNormalised() {
        for filter in ResizeFilter.allCases {
            for (a, b) in [(10, 3), (3, 10), (101, 100), (1000, 7)] {
                let w = ResizeWeights(inSize: a, outSize: b, filter: filter)
                for i in 0..<b {
                    let row = w.fixed[(i * w.stride)..<(i * w.stride + w.count[i])]
                    let sum = row.reduce(0) { $0 + Int($1) }
                    XCTAssertLessThanOrEqual(abs(sum - (1 << 22)), w.count[i], "\(filter) \(a)->\(b) row \(i)")
                    XCTAssertGreaterThanOrEqual(w.first[i], 0)
                    XCTAssertLessThanOrEqual(w.first[i] + w.count[i], a)
                }
            }
        }
    }

    /// Our sine (used for Lanczos weights) against the C library's on the range resize uses.
    /// The routine is its own so results do not depend on libm; this measures how close it is.
    func testOwnSineIsWithinOneUlpOfLibm() {
        var maxUlps = 0.0
        var differing = 0
        let n = 200_000
        for i in 0...n {
            let x = -3.0 * ExactDoubleMath.pi + 6.0 * ExactDoubleMath.pi * Double(i) / Double(n)
            let ours = ExactDoubleMath.sin(x), libm = Glibc.sin(x)
            if ours != libm {
                differing += 1
                maxUlps = max(maxUlps, abs(ours - libm) / libm.ulp)
            }
        }
        XCTAssertLessThanOrEqual(maxUlps, 1.0, "max \(maxUlps) ulp, \(differing) of \(n + 1) differ")
        XCTAssertEqual(ExactDoubleMath.sin(0), 0)
        XCTAssertEqual(ExactDoubleMath.sin(-0.0).sign, .minus)
        XCTAssertEqual(ExactDoubleMath.sin(ExactDoubleMath.pi / 2), 1)
        XCTAssertEqual(ExactDoubleMath.cos(0), 1)
        print("ExactDoubleMath.sin vs libm on [-3π, 3π]: \(differing) of \(n + 1) differ, max \(maxUlps) ulp")
    }

    /// What matters for Pillow parity: the quantized Lanczos weights with our sine equal those with
    /// the C library's sine (what Pillow calls) for size pairs 1...160 -> 1...160 (in steps of 5 and 2).
    func testLanczosFixedWeightsMatchThoseFromLibmSine() {
        var rows = 0, differing = 0
        for inSize in stride(from: 1, through: 160, by: 5) {
            for outSize in stride(from: 1, through: 160, by: 2) {
                let ours = ResizeWeights(inSize: inSize, outSize: outSize, filter: .lanczos)
                let libm = ResizeWeights(inSize: inSize, outSize: outSize, filter: .lanczos, sine: { Glibc.sin($0) })
                rows += outSize
                if ours.fixed != libm.fixed { differing += 1 }
            }
        }
        XCTAssertEqual(differing, 0, "\(differing) size pairs have different fixed-point weights")
        XCTAssertGreaterThan(rows, 200_000)
    }
}
