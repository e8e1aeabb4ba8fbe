// The conformance suite (Sources/TensorCore/Conformance) on every Vulkan device: every Backend op, random odd
// shapes, byte-for-byte against CPUBackend, outputs guarded by sentinels. One test per op group.
import TensorCore
import VulkanBackend
import XCTest

final class ConformanceTests: XCTestCase {
    func runGroup(_ group: ConformanceGroup, file: StaticString = #filePath, line: UInt = #line) throws {
        let cpu = CPUBackend(threads: 2)
        for backend in try VulkanTestDevices.backends(file: file, line: line) {
            let report = Conformance.run(group, backend: backend, reference: cpu)
            XCTAssertGreaterThan(report.comparisons, 0, file: file, line: line)
            for failure in report.failures {
                XCTFail("\(backend.device.info.name): \(failure)", file: file, line: line)
            }
        }
    }

    func testProducts() throws { try runGroup(.products) }
    func testPatchEmbed() throws { try runGroup(.patchEmbed) }
    func testElementwise() throws { try runGroup(.elementwise) }
    func testActivations() throws { try runGroup(.activations) }
    func testNorms() throws { try runGroup(.norms) }
    func testAttention() throws { try runGroup(.attention) }
    func testLayout() throws { try runGroup(.layout) }
    func testConvolution() throws { try runGroup(.convolution) }

    func testAttentionBias() throws { try runGroup(.attentionBias) }

    /// Above rank 8 the copy and broadcast kernels stop: exactly those calls are reported as unsupported (the
    /// backend runs them on its host), and none of them is counted as compared.
    func testHighRankCallsAreReportedUnsupported() throws {
        let cpu = CPUBackend(threads: 2)
        for backend in try VulkanTestDevices.backends() {
            let report = Conformance.run(.highRank, backend: backend, reference: cpu)
            XCTAssertEqual(report.unsupported, Conformance.cases(.highRank).map(\.description))
            XCTAssertEqual(report.comparisons, 0)
            XCTAssertEqual(report.failures, [])
        }
    }

    /// The comparison itself can fail: a one-ulp change is reported with its index and distance.
    func testDifferenceReportsIndexAndUlps() {
        let a = Tensor(shape: [3], data: [1, 2, 3]), b = Tensor(shape: [3], data: [1, 2, 3.0000002])
        XCTAssertNil(Conformance.difference(a, a))
        XCTAssertEqual(Conformance.difference(a, b), "1 of 3 elements differ; first at 2: got 3.0 (0x40400000), expected 3.0000002 (0x40400001), 1 ulp")
    }
}

final class ConformanceSensitivityTests: XCTestCase {
    /// The suite can fail for the reason it exists: on a device whose fma() is not fused, GEMMs built on the
    /// native fma differ from the CPU (and are reported); the probed mode gives identical bytes. On a fused
    /// device, the FP64 emulation must give the same bytes as native.
    func testProductsDetectTheWrongFMAMode() throws {
        let cpu = CPUBackend(threads: 2)
        for backend in try VulkanTestDevices.backends() {
            let caps = try XCTUnwrap(backend.device.capabilities)
            let other = backend.device.withModes(fma: caps.nativeFMAFused ? 1 : 0, divSqrt: backend.device.divSqrtMode) {
                Conformance.run(.products, backend: backend, reference: cpu, seed: 77)
            }
            if caps.nativeFMAFused {
                XCTAssertEqual(other.failures, [], "FP64 emulated fma differs from the fused native one")
            } else {
                XCTAssertFalse(other.failures.isEmpty, "an unfused fma() went unnoticed by the conformance suite")
                print("unfused fma() on \(backend.device.info.name), as expected caught: \(other.failures.first ?? "")")
            }
            XCTAssertEqual(Conformance.run(.products, backend: backend, reference: cpu, seed: 77).failures, [])
        }
    }
}

final class GEMMKernelTests: XCTestCase {
    /// Both exact GEMM kernels (texel for CPU drivers, shared-memory tiles for GPUs) give the CPU's bytes on every
    /// device, whichever the device would pick: the tiled one is proven on lavapipe before it meets a GPU.
    func testEveryGEMMKernelMatchesTheCPU() throws {
        let cpu = CPUBackend(threads: 2)
        for backend in try VulkanTestDevices.backends() {
            for kernel in GEMMKernel.allCases {
                let report = backend.device.withGEMMKernel(kernel) {
                    Conformance.run(.products, backend: backend, reference: cpu, seed: 91)
                }
                XCTAssertEqual(report.failures, [], "\(kernel) GEMM on \(backend.device.info.name)")
                let embed = backend.device.withGEMMKernel(kernel) {
                    Conformance.run(.patchEmbed, backend: backend, reference: cpu, seed: 92)
                }
                XCTAssertEqual(embed.failures, [], "\(kernel) GEMM (patchEmbed) on \(backend.device.info.name)")
                // Larger blocks than one workgroup in both directions, K across several 16-slices.
                let x = Tensor(shape: [130, 67]) { Float(($0 * 7919) % 211) / 53 - 2 }
                let layer = PackedLinear(weight: Tensor(shape: [131, 67]) { Float(($0 * 104729) % 199) / 61 - 1.5 },
                                         bias: Tensor(shape: [131]) { Float($0) / 7 })
                let got = backend.device.withGEMMKernel(kernel) { backend.linear(x, layer) }
                assertBitIdentical(got, cpu.linear(x, layer), "\(kernel) linear 130x67x131")
            }
        }
    }
}
