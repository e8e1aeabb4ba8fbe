// Which Vulkan devices the tests run on. A GPU build without a usable device FAILS (it must not silently prove
// nothing), unless LORWEB_VULKAN_DEVICES=none says so explicitly; LORWEB_VULKAN_DEVICES=0,2 picks devices.
import Foundation
import TensorCore
import VulkanBackend
import XCTest

enum VulkanTestDevices {
    /// The backends under test (each device opened and probed once per process).
    static func backends(file: StaticString = #filePath, line: UInt = #line) throws -> [VulkanBackend] {
        let setting = ProcessInfo.processInfo.environment["LORWEB_VULKAN_DEVICES"]
        if setting == "none" { throw XCTSkip("LORWEB_VULKAN_DEVICES=none: Vulkan device tests skipped on request") }
        let indices: [Int]
        if let setting, !setting.isEmpty {
            indices = setting.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        } else {
            let devices: [VulkanDeviceInfo]
            do { devices = try VulkanDevices.list() } catch {
                XCTFail("GPU build but no Vulkan: \(error) (set LORWEB_VULKAN_DEVICES=none to skip)", file: file, line: line)
                return []
            }
            indices = devices.map(\.index)
        }
        if indices.isEmpty {
            XCTFail("GPU build but no Vulkan device found (install mesa-vulkan-drivers, or set LORWEB_VULKAN_DEVICES=none)",
                    file: file, line: line)
        }
        return try indices.map { try VulkanBackend(deviceIndex: $0) }
    }
}

/// Byte comparison with a useful failure (first differing index, both values, ulp distance).
func assertBitIdentical(_ actual: Tensor, _ expected: Tensor, _ what: @autoclosure () -> String,
                        file: StaticString = #filePath, line: UInt = #line) {
    if let d = Conformance.difference(actual, expected) { XCTFail("\(what()): \(d)", file: file, line: line) }
}

/// Deterministic test data: the conformance suite's generator (SplitMix64; mixed magnitudes, some exact zeros).
typealias TestRandom = ConformanceRandom
