import XCTest
import Numerics

final class NumericsSmokeTests: XCTestCase {
    func testModuleLinks() {
        // Replaced by real tests as the layer lands.
        XCTAssertTrue(true)
    }
}
