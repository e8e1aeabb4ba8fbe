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

/// Deterministic test data (SplitMix64): values of mixed magnitude and sign, some exact zeros.
struct TestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    mutating func float() -> Float {
        let u = Float(next() >> 40) / Float(1 << 24)   // [0, 1)
        let r = next() % 16
        if r == 0 { return 0 }
        return (u * 4 - 2) * (r == 1 ? 1e-3 : 1)
    }
    mutating func tensor(_ shape: [Int]) -> Tensor { Tensor(shape: shape) { _ in float() } }
}
