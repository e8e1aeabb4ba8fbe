// --device is checked when the command line is parsed, against the devices this machine has.
import Foundation
import XCTest

extension CommandLineTests {
    func testADeviceThatDoesNotExistIsAUsageError() throws {
        let result = try lorweb(["run", "Recipes/quickstart.recipe", "--device", "vulkan:7", "--no-cache"], cwd: TestPaths.repository)
        XCTAssertEqual(result.code, 2, "a device this machine does not have is a usage error\n\(result.err)")
        XCTAssertTrue(result.err.contains("unknown device 'vulkan:7'"), result.err)
        XCTAssertTrue(result.err.contains("this machine has cpu"), result.err)
        XCTAssertFalse(result.out.contains("saved"), "nothing may run: \(result.out)")
    }
}
