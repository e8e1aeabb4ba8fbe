import XCTest
import Pipeline

final class PipelineSmokeTests: XCTestCase {
    func testModuleLinks() {
        // Replaced by real tests as the layer lands.
        XCTAssertTrue(true)
    }
}
