// The elementwise ops (broadcasting binary, tensor-scalar, GELU / quick-GELU / SiLU) against CPUBackend, byte for
// byte, on random shapes with odd sizes and every broadcasting pattern the protocol documents.
import TensorCore
import VulkanBackend
import XCTest

final class ElementwiseKernelTests: XCTestCase {
    func testBroadcastingBinaryOpsMatchTheCPU() throws {
        let cpu = CPUBackend(threads: 2)
        var random = TestRandom(seed: 11)
        let pairs: [([Int], [Int])] = [
            ([7], [7]), ([3, 5], [5]), ([3, 5], [3, 1]), ([1, 5], [4, 1]), ([2, 3, 4], [1]), ([2, 1, 4], [3, 1]),
            ([4], [2, 3, 4]), ([2, 3, 4, 5], [2, 1, 4, 1]), ([], [3]), ([1, 1], [1]), ([0, 3], [3]), ([129, 33], [33]),
        ]
        for backend in try VulkanTestDevices.backends() {
            for (sa, sb) in pairs {
                let a = random.tensor(sa), b = random.tensor(sb)
                assertBitIdentical(backend.add(a, b), cpu.add(a, b), "add \(sa) \(sb)")
                assertBitIdentical(backend.sub(b, a), cpu.sub(b, a), "sub \(sb) \(sa)")
                assertBitIdentical(backend.mul(a, b), cpu.mul(a, b), "mul \(sa) \(sb)")
                // Divisors away from zero except a few exact zeros (inf and NaN bits must agree too).
                let divisor = Tensor(shape: b.shape, data: b.data.map { $0 == 0 ? 0 : $0 + ($0 < 0 ? -0.25 : 0.25) })
                assertBitIdentical(backend.div(a, divisor), cpu.div(a, divisor), "div \(sa) \(sb)")
            }
        }
    }

    func testScalarOpsMatchTheCPU() throws {
        let cpu = CPUBackend(threads: 2)
        var random = TestRandom(seed: 12)
        for backend in try VulkanTestDevices.backends() {
            for shape in [[1], [13], [3, 67], [2, 5, 9]] {
                let x = random.tensor(shape)
                for s: Float in [0.5, -3.25, 1e-30, 7.1, 0] {
                    assertBitIdentical(backend.add(x, scalar: s), cpu.add(x, scalar: s), "add scalar \(s) \(shape)")
                    assertBitIdentical(backend.sub(x, scalar: s), cpu.sub(x, scalar: s), "sub scalar \(s) \(shape)")
                    assertBitIdentical(backend.mul(x, scalar: s), cpu.mul(x, scalar: s), "mul scalar \(s) \(shape)")
                    assertBitIdentical(backend.div(x, scalar: s), cpu.div(x, scalar: s), "div scalar \(s) \(shape)")
                }
            }
        }
    }

    func testActivationsMatchTheCPU() throws {
        let cpu = CPUBackend(threads: 2)
        var random = TestRandom(seed: 13)
        for backend in try VulkanTestDevices.backends() {
            for shape in [[1], [17], [5, 203]] {
                // Wide range: saturation of tanh (|x| >= 9.1 / 2c), sigmoid underflow, tiny and zero inputs.
                let x = Tensor(shape: shape) { i in random.float() * [1, 4, 30, 1e-20][i % 4] }
                assertBitIdentical(backend.gelu(x), cpu.gelu(x), "gelu \(shape)")
                assertBitIdentical(backend.quickGelu(x), cpu.quickGelu(x), "quickGelu \(shape)")
                assertBitIdentical(backend.silu(x), cpu.silu(x), "silu \(shape)")
            }
        }
    }
}
