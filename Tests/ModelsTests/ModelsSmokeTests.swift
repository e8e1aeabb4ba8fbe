import XCTest
import Models

final class ModelsSmokeTests: XCTestCase {
    func testModuleLinks() {
        // Replaced by real tests as the layer lands.
        XCTAssertTrue(true)
    }
}
