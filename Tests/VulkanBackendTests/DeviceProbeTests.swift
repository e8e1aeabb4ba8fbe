// The probe on every device: its findings are printed, and a device that passed it meets the contract.
import TensorCore
import VulkanBackend
import XCTest

final class DeviceProbeTests: XCTestCase {
    func testEveryDeviceIsProbedAndMeetsTheContract() throws {
        for backend in try VulkanTestDevices.backends() {
            let caps = try XCTUnwrap(backend.device.capabilities, "device opened without a probe")
            print("Vulkan device \(backend.device.info.index) \(backend.device.info.name): \(caps.summary)")
            XCTAssertNil(caps.refusal)
            XCTAssertTrue(caps.subnormalsPreserved && caps.signedZeroPreserved)
            XCTAssertEqual(backend.device.fmaMode, caps.nativeFMAFused ? 0 : 1)
        }
    }

    /// The FP64 round-to-odd fma and the software division/sqrt are exact on every device, whatever the probe
    /// picked (on a device with a fused fma they are still the fallback a future driver may need).
    func testEmulatedModesMatchTheCPU() throws {
        for backend in try VulkanTestDevices.backends() {
            let caps = try backend.device.probeAllModes()
            XCTAssertTrue(caps.emulatedFMAExact, "FP64 round-to-odd fma differs from the CPU on \(backend.device.info.name)")
            XCTAssertEqual(caps.softwareDivSqrtExact, true, "software div/sqrt differ from the CPU on \(backend.device.info.name)")
        }
    }
}
