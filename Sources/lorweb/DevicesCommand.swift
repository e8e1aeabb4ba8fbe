// lorweb devices: the compute devices this binary can use, with the Vulkan probe's findings.
import ArgumentParser
import Foundation
import Pipeline
#if LORWEB_VULKAN
import TensorCore
import VulkanBackend
#endif

struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List the compute devices (--device values) and what the Vulkan probe found on each.",
        discussion: "Each Vulkan device is opened and probed: is fma() fused, are division and sqrt correctly rounded, "
            + "are subnormals and signed zeros preserved. The answers choose the kernels' modes; a device that cannot "
            + "reproduce the CPU's bytes is listed as refused.")

    @Flag(help: "Also run the conformance suite (every op, random shapes, byte for byte against the CPU) on each Vulkan device.")
    var check = false

    @Option(help: "Also time the exact GEMM kernel at M=K=N=SIZE on each Vulkan device (0: off; a multiple of 4).")
    var benchmark = 0

    func run() throws {
        print("cpu        CPU (\(ProcessInfo.processInfo.activeProcessorCount) cores), exact kernels")
        #if LORWEB_VULKAN
        let devices: [VulkanDeviceInfo]
        do { devices = try VulkanDevices.list() } catch {
            print("vulkan     none: \(error)")
            return
        }
        if devices.isEmpty { print("vulkan     none: the Vulkan loader lists no device") }
        var failed = false
        for info in devices {
            print("vulkan:\(info.index)   \(info.name)")
            print("           \(info.summary)")
            let backend: VulkanBackend
            do {
                backend = try VulkanBackend(deviceIndex: info.index)
                print("           probe: " + (backend.device.capabilities?.summary ?? "not run"))
            } catch {
                print("           REFUSED: \(error)")
                failed = true
                continue
            }
            if check {
                let cpu = CPUBackend(threads: ProcessInfo.processInfo.activeProcessorCount)
                for group in Conformance.groups {
                    let report = Conformance.run(group, backend: backend, reference: cpu)
                    print("           conformance \(group): \(report.comparisons - report.failures.count) of \(report.comparisons) identical")
                    for failure in report.failures { print("             DIFFERENT \(failure)") }
                    if !report.failures.isEmpty { failed = true }
                }
            }
            if benchmark > 0 {
                guard benchmark % 4 == 0 else { throw ValidationError("--benchmark must be a multiple of 4") }
                print("           " + (try backend.benchmarkGEMM(m: benchmark, k: benchmark, n: benchmark)).summary
                      + " (FMA_MODE \(backend.device.fmaMode))")
            }
        }
        if failed { throw CommandExit(code: ExitCodes.runtimeFailure) }
        #else
        print("vulkan     built without Vulkan (CPU-only build: libvulkan-dev and glslc were not installed at build time)")
        #endif
    }
}
