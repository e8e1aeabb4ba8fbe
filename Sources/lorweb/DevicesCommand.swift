// lorweb devices: the compute devices this binary can use (every registered backend family), with what each
// device's probe found; --check runs the conformance suite on each.
import ArgumentParser
import Foundation
import Pipeline
import TensorCore

struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List the compute devices (--device values) and what each device's probe found.",
        discussion: "Each device is opened; a Vulkan device is probed: is fma() fused, are division and sqrt correctly "
            + "rounded, are subnormals and signed zeros preserved. The answers choose the kernels' modes; a device that "
            + "cannot reproduce the CPU's bytes is listed as refused.")

    @Flag(help: "Also run the conformance suite on each device (every op, random shapes, byte for byte: the CPU against the reference backend, every other device against the CPU).")
    var check = false

    @Option(help: "Also time the exact GEMM kernel at M=K=N=SIZE on each device that has a benchmark (0: off; a multiple of 4).")
    var benchmark = 0

    func validate() throws {
        guard benchmark % 4 == 0 else { throw ValidationError("--benchmark must be a multiple of 4") }
    }

    func run() throws {
        let threads = ProcessInfo.processInfo.activeProcessorCount
        var failed = false
        for provider in ExecutionContext.registry.providers {
            let devices: [DeviceListing]
            do { devices = try provider.devices() } catch {
                print(Self.column(provider.family) + "none: \(error)")
                continue
            }
            if devices.isEmpty { print(Self.column(provider.family) + "none: no device found") }
            for listing in devices {
                print(Self.column(listing.name) + listing.title)
                for line in listing.details { print(Self.indent + line) }
                let backend: any Backend
                do { backend = try provider.open(listing.name, threads: threads) } catch {
                    print(Self.indent + "REFUSED: \(error)")
                    failed = true
                    continue
                }
                for line in provider.findings(backend) { print(Self.indent + line) }
                if check && !conformance(backend, listing.name, threads: threads) { failed = true }
                if benchmark > 0, let line = try provider.benchmark(backend, size: benchmark) { print(Self.indent + line) }
            }
        }
        if failed { throw CommandExit(code: ExitCodes.runtimeFailure) }
    }

    /// Prints one line per group; false when any case differs.
    func conformance(_ backend: any Backend, _ name: String, threads: Int) -> Bool {
        let reference = Conformance.reference(for: name, threads: threads)
        var identical = true
        for group in ConformanceGroup.allCases {
            let report = Conformance.run(group, backend: backend, reference: reference)
            let unsupported = report.unsupported.isEmpty ? "" : ", \(report.unsupported.count) unsupported (run on the host)"
            print(Self.indent + "conformance \(group): \(report.comparisons - report.failures.count) of \(report.comparisons) identical"
                  + unsupported)
            for failure in report.failures { print(Self.indent + "  DIFFERENT \(failure)") }
            if !report.failures.isEmpty { identical = false }
        }
        return identical
    }

    static let indent = String(repeating: " ", count: 11)
    static func column(_ name: String) -> String { name.padding(toLength: max(11, name.count + 1), withPad: " ", startingAt: 0) }
}
