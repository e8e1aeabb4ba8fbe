// The exact GEMM kernel against CPUBackend, byte for byte, on odd shapes (K not a multiple of 4, N not of 16).
import TensorCore
import VulkanBackend
import XCTest

final class GEMMTests: XCTestCase {
    func testLinearMatchesTheCPU() throws {
        let cpu = CPUBackend(threads: 2)
        var random = TestRandom(seed: 1)
        for backend in try VulkanTestDevices.backends() {
            for (m, k, n, bias) in [(1, 1, 1, false), (5, 7, 3, true), (33, 130, 17, true), (64, 64, 64, false), (3, 0, 5, true)] {
                let x = random.tensor([m, k])
                let layer = PackedLinear(weight: random.tensor([n, k]), bias: bias ? random.tensor([n]) : nil)
                assertBitIdentical(backend.linear(x, layer), cpu.linear(x, layer), "linear \(m)x\(k)x\(n) bias \(bias)")
            }
        }
    }
}
