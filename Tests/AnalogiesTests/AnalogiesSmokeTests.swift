import XCTest
import Analogies

final class AnalogiesSmokeTests: XCTestCase {
    func testModuleLinks() {
        // Replaced by real tests as the layer lands.
        XCTAssertTrue(true)
    }
}
