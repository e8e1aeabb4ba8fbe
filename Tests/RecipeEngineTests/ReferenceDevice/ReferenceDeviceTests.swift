// The registered "reference" device through the same doors as any device: the whole conformance suite (against
// the CPU, as for every device other than the CPU) and the whole golden suite with `device: "reference"`.
import Foundation
import Pipeline
import RecipeEngine
import TensorCore
import XCTest

final class ReferenceDeviceTests: XCTestCase {
    override func setUp() { ReferenceDeviceProvider.register() }

    func testTheDeviceIsListedAndResolved() throws {
        XCTAssertTrue(ExecutionContext.registry.deviceNames().contains("reference"))
        XCTAssertNoThrow(try ExecutionContext.validate(device: "reference"))
        XCTAssertThrowsError(try ExecutionContext.validate(device: "reference:1"))
    }

    func testConformanceSuite() throws {
        let backend = try ExecutionContext.registry.open("reference", threads: 2)
        let against = Conformance.reference(for: "reference", threads: 2)
        XCTAssertTrue(against is CPUBackend)
        for group in ConformanceGroup.allCases {
            let report = Conformance.run(group, backend: backend, reference: against)
            XCTAssertEqual(report.comparisons, Conformance.cases(group).count, "\(group)")
            XCTAssertEqual(report.unsupported, [], "\(group)")
            XCTAssertEqual(report.failures, [], "\(group)")
        }
    }

    func testEveryGoldenOutputIsReproducedOnTheDevice() throws {
        let suite = GoldenSuite(root: TestPaths.golden)
        let expected = try suite.entries().filter { $0.backend == "cpu" }
        var options = RunOptions.testing(out: ".", log: OutputLog())
        options.execution.device = "reference"
        let opened = ReferenceDeviceProvider.opened.value
        let start = Date()
        let results = try suite.check(options: options)
        print("golden suite on reference: \(results.count) outputs in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
        XCTAssertGreaterThan(ReferenceDeviceProvider.opened.value, opened, "no model was loaded on the device")
        XCTAssertEqual(results.count, expected.count)
        for result in results {
            XCTAssertEqual(result.status, .identical, "\(result.entry.output) from \(result.entry.recipe)")
        }
    }
}
