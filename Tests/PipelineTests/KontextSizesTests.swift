// FluxKontextPipeline's sizes (KontextSizes) against diffusers 0.42.1: the output from max_area (Python round,
// floor to the multiple) and the reference snapped to PREFERRED_KONTEXT_RESOLUTIONS. Expected values were printed by
// the pipeline's own expressions and list (Tools/fixtures/kontext_fixtures.py's environment).
import Pipeline
import XCTest

final class KontextSizesTests: XCTestCase {
    func testOutputSizeFromMaxArea() {
        let cases: [(w: Int, h: Int, area: Int, multiple: Int, width: Int, height: Int)] = [
            (1024, 1024, 1 << 20, 16, 1024, 1024), (512, 512, 1 << 20, 16, 1024, 1024), (1000, 700, 1 << 20, 16, 1216, 848),
            (640, 1536, 1 << 20, 16, 656, 1584), (64, 64, 4096, 8, 64, 64), (64, 64, 2304, 8, 48, 48), (80, 48, 4096, 8, 80, 48),
            (123, 77, 1 << 20, 16, 1280, 800), (2048, 1024, 1 << 20, 16, 1440, 720), (300, 301, 1 << 20, 16, 1008, 1024),
        ]
        for c in cases {
            let size = KontextSizes.output(width: c.w, height: c.h, maxArea: c.area, multiple: c.multiple)
            XCTAssertEqual(size.width, c.width, "\(c)")
            XCTAssertEqual(size.height, c.height, "\(c)")
        }
    }

    func testReferenceSnapsToTheNearestKontextResolution() {
        let cases: [(w: Int, h: Int, multiple: Int, width: Int, height: Int)] = [
            (1024, 1024, 16, 1024, 1024), (1000, 700, 16, 1248, 832), (700, 1000, 16, 832, 1248), (640, 1536, 16, 672, 1568),
            (1536, 640, 16, 1568, 672), (123, 77, 16, 1328, 800), (100, 100, 8, 1024, 1024), (2000, 1000, 16, 1456, 720),
            (1100, 1000, 16, 1104, 944), (1071, 1000, 16, 1024, 1024),
        ]
        for c in cases {
            let size = KontextSizes.reference(width: c.w, height: c.h, multiple: c.multiple, autoResize: true)
            XCTAssertEqual(size.width, c.width, "\(c)")
            XCTAssertEqual(size.height, c.height, "\(c)")
        }
        // Without auto-resize the image keeps its size, floored to the multiple.
        let kept = KontextSizes.reference(width: 123, height: 77, multiple: 16, autoResize: false)
        XCTAssertEqual(kept.width, 112)
        XCTAssertEqual(kept.height, 64)
        XCTAssertEqual(KontextSizes.preferredResolutions.count, 17)
    }
}
