// lorweb devices: the compute devices this binary can use, with the Vulkan probe's findings.
import ArgumentParser
import Foundation
import Pipeline
#if LORWEB_VULKAN
import VulkanBackend
#endif

struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List the compute devices (--device values) and what the Vulkan probe found on each.",
        discussion: "Each Vulkan device is opened and probed: is fma() fused, are division and sqrt correctly rounded, "
            + "are subnormals and signed zeros preserved. The answers choose the kernels' modes; a device that cannot "
            + "reproduce the CPU's bytes is listed as refused.")

    func run() throws {
        print("cpu        CPU (\(ProcessInfo.processInfo.activeProcessorCount) cores), exact kernels")
        #if LORWEB_VULKAN
        let devices: [VulkanDeviceInfo]
        do { devices = try VulkanDevices.list() } catch {
            print("vulkan     none: \(error)")
            return
        }
        if devices.isEmpty { print("vulkan     none: the Vulkan loader lists no device") }
        for info in devices {
            print("vulkan:\(info.index)   \(info.name)")
            print("           \(info.summary)")
            do {
                let device = try VulkanDevice.open(index: info.index)
                print("           probe: " + (device.capabilities?.summary ?? "not run"))
            } catch {
                print("           REFUSED: \(error)")
            }
        }
        #else
        print("vulkan     built without Vulkan (CPU-only build: libvulkan-dev and glslc were not installed at build time)")
        #endif
    }
}
