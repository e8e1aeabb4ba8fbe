import XCTest
import RecipeEngine

final class RecipeEngineSmokeTests: XCTestCase {
    func testModuleLinks() {
        // Replaced by real tests as the layer lands.
        XCTAssertTrue(true)
    }
}
