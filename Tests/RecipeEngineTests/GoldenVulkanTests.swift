// The golden suite on every Vulkan device of a GPU build (lavapipe in CI), against the SAME manifest entries as
// the CPU: the promise is identical bytes on every device. A GPU build without a device fails here unless
// LORWEB_VULKAN_DEVICES=none; a CPU-only build skips (there is nothing to run).
import Foundation
import Pipeline
import RecipeEngine
import TensorCore
import XCTest

final class GoldenVulkanTests: XCTestCase {
    func testEveryGoldenOutputIsReproducedOnEveryVulkanDevice() throws {
        guard let vulkan = ExecutionContext.registry.provider(family: "vulkan") else {
            throw XCTSkip("CPU-only build: no Vulkan backend to check")
        }
        let setting = ProcessInfo.processInfo.environment["LORWEB_VULKAN_DEVICES"]
        if setting == "none" { throw XCTSkip("LORWEB_VULKAN_DEVICES=none: Vulkan goldens skipped on request") }
        var devices = try vulkan.devices().map(\.name)
        if let setting, !setting.isEmpty { devices = setting.split(separator: ",").map { "vulkan:\($0)" } }
        XCTAssertFalse(devices.isEmpty, "GPU build but no Vulkan device (install mesa-vulkan-drivers or set LORWEB_VULKAN_DEVICES=none)")
        let suite = GoldenSuite(root: TestPaths.golden)
        let expected = try suite.entries().filter { $0.backend == "cpu" }
        for device in devices {
            var options = RunOptions.testing(out: ".", log: OutputLog())
            options.execution.device = device
            let start = Date()
            let results = try suite.check(options: options)
            print("golden suite on \(device): \(results.count) outputs in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
            XCTAssertEqual(results.count, expected.count, "\(device): outputs missing")
            for result in results {
                XCTAssertEqual(result.status, .identical, "\(device): \(result.entry.output) from \(result.entry.recipe)")
            }
        }
    }
}
