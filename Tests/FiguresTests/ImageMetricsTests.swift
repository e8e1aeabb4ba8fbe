import XCTest
import Figures
import Formats

/// The images of the reference script (kept here so the numbers can be remade):
///   W, H = 24, 20; y, x, c = np.meshgrid(np.arange(H), np.arange(W), np.arange(3), indexing='ij')
///   A  = (x*7 + y*13 + c*50 + (x*y) % 31) % 256
///   B1 = clip(A + (x*3 + y*5 + c*11) % 17 - 8, 0, 255);  B2 = (x*11 + y*3 + c*70) % 256   (all uint8)
///   peak_signal_noise_ratio(A, B, data_range=255)
///   structural_similarity(A, B, channel_axis=-1, gaussian_weights=True, sigma=1.5,
///                         use_sample_covariance=False, data_range=255)        (scikit-image 0.26.0)
enum MetricsFixture {
    static let width = 24, height = 20

    static func image(_ value: (Int, Int, Int) -> Int) -> RGBImage {
        var pixels = [UInt8]()
        for y in 0..<height { for x in 0..<width { for c in 0..<3 { pixels.append(UInt8(value(x, y, c))) } } }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    static func aValue(_ x: Int, _ y: Int, _ c: Int) -> Int { (x * 7 + y * 13 + c * 50 + (x * y) % 31) % 256 }
    static let a = image(aValue)
    static let b1 = image { x, y, c in min(255, max(0, aValue(x, y, c) + (x * 3 + y * 5 + c * 11) % 17 - 8)) }
    static let b2 = image { x, y, c in (x * 11 + y * 3 + c * 70) % 256 }
}

final class ImageMetricsTests: XCTestCase {
    func testPSNRMatchesScikitImage() throws {
        XCTAssertEqual(try ImageMetrics.psnr(MetricsFixture.a, MetricsFixture.b1), 34.43684100442188, accuracy: 1e-12)
        XCTAssertEqual(try ImageMetrics.psnr(MetricsFixture.a, MetricsFixture.b2), 8.031233369968406, accuracy: 1e-12)
    }

    func testPSNRKnownValues() throws {
        XCTAssertEqual(try ImageMetrics.psnr(MetricsFixture.a, MetricsFixture.a), .infinity)
        // Every channel off by exactly 1: MSE = 1, PSNR = 20 log10(255).
        let gray = RGBImage(width: 3, height: 2, fill: (100, 100, 100)), lighter = RGBImage(width: 3, height: 2, fill: (101, 101, 101))
        XCTAssertEqual(try ImageMetrics.psnr(gray, lighter), 48.13080360867910, accuracy: 1e-12)
        // Black against white: MSE = 255², PSNR = 0.
        XCTAssertEqual(try ImageMetrics.psnr(RGBImage(width: 2, height: 2), RGBImage(width: 2, height: 2, fill: (255, 255, 255))), 0)
    }

    func testSSIMMatchesScikitImage() throws {
        XCTAssertEqual(try ImageMetrics.ssim(MetricsFixture.a, MetricsFixture.b1), 0.9901820806291441, accuracy: 1e-12)
        XCTAssertEqual(try ImageMetrics.ssim(MetricsFixture.a, MetricsFixture.b2), 0.1547606936904489, accuracy: 1e-12)
    }

    func testSSIMOfIdenticalImagesIsOneAndIsSymmetric() throws {
        XCTAssertEqual(try ImageMetrics.ssim(MetricsFixture.b2, MetricsFixture.b2), 1)
        XCTAssertEqual(try ImageMetrics.ssim(MetricsFixture.a, MetricsFixture.b1), try ImageMetrics.ssim(MetricsFixture.b1, MetricsFixture.a))
    }

    func testMetricsAreBitReproducible() throws {
        // Pinned bit patterns: the sums run in a fixed order with no libm, so these never change.
        let psnr = try ImageMetrics.psnr(MetricsFixture.a, MetricsFixture.b1)
        let ssim = try ImageMetrics.ssim(MetricsFixture.a, MetricsFixture.b1)
        XCTAssertEqual(psnr.bitPattern, 0x4041_37ea_67f1_c59a, "0x\(String(psnr.bitPattern, radix: 16))")
        XCTAssertEqual(ssim.bitPattern, 0x3fef_af92_54ac_65a8, "0x\(String(ssim.bitPattern, radix: 16))")
    }

    func testMismatchedOrTinyImagesAreErrors() {
        let small = RGBImage(width: 10, height: 10)
        XCTAssertThrowsError(try ImageMetrics.psnr(small, MetricsFixture.a)) { error in
            XCTAssertTrue("\(error)".contains("10x10 vs 24x20"), "\(error)")
        }
        XCTAssertThrowsError(try ImageMetrics.ssim(small, small)) { error in
            XCTAssertTrue("\(error)".contains("at least 11x11"), "\(error)")
        }
    }
}
