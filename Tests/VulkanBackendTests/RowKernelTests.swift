// LayerNorm (with and without affine parameters), RMSNorm, softmax, RoPE and attention against CPUBackend, byte
// for byte. Row lengths straddle the 8 lanes of the canonical sum (1, 7, 8, 9, 61, 256).
import TensorCore
import VulkanBackend
import XCTest

final class RowKernelTests: XCTestCase {
    func testNormsMatchTheCPU() throws {
        let cpu = CPUBackend(threads: 2)
        var random = TestRandom(seed: 21)
        for backend in try VulkanTestDevices.backends() {
            for shape in [[1, 1], [3, 7], [2, 8], [5, 9], [2, 3, 61], [4, 256]] {
                let n = shape.last!
                let x = Tensor(shape: shape) { _ in random.float() * 3 + 0.5 }
                let w = random.tensor([n]), b = random.tensor([n])
                for eps: Float in [1e-6, 1e-5] {
                    assertBitIdentical(backend.layerNorm(x, weight: nil, bias: nil, eps: eps),
                                       cpu.layerNorm(x, weight: nil, bias: nil, eps: eps), "layerNorm \(shape)")
                    assertBitIdentical(backend.layerNorm(x, weight: w, bias: b, eps: eps),
                                       cpu.layerNorm(x, weight: w, bias: b, eps: eps), "layerNorm affine \(shape)")
                    assertBitIdentical(backend.layerNorm(x, weight: w, bias: nil, eps: eps),
                                       cpu.layerNorm(x, weight: w, bias: nil, eps: eps), "layerNorm weight only \(shape)")
                    assertBitIdentical(backend.rmsNorm(x, weight: nil, eps: eps), cpu.rmsNorm(x, weight: nil, eps: eps),
                                       "rmsNorm \(shape)")
                    assertBitIdentical(backend.rmsNorm(x, weight: w, eps: eps), cpu.rmsNorm(x, weight: w, eps: eps),
                                       "rmsNorm weight \(shape)")
                }
            }
        }
    }

    func testSoftmaxMatchesTheCPU() throws {
        let cpu = CPUBackend(threads: 2)
        var random = TestRandom(seed: 22)
        for backend in try VulkanTestDevices.backends() {
            for shape in [[1], [1, 1], [3, 7], [2, 8], [4, 9], [2, 3, 61], [3, 256]] {
                let x = Tensor(shape: shape) { _ in random.float() * 20 }
                assertBitIdentical(backend.softmax(x), cpu.softmax(x), "softmax \(shape)")
            }
            // -0.0 against +0.0 in the max, and a row with -inf.
            let special = Tensor(shape: [2, 3], data: [-0.0, 0.0, -1, -.infinity, 2, 2])
            assertBitIdentical(backend.softmax(special), cpu.softmax(special), "softmax special values")
        }
    }

    func testRopeMatchesTheCPU() throws {
        let cpu = CPUBackend(threads: 2)
        var random = TestRandom(seed: 23)
        for backend in try VulkanTestDevices.backends() {
            for (shape, d) in [([1, 2], 2), ([5, 12], 6), ([2, 7, 24], 8), ([3, 16], 16)] {
                let s = shape[shape.count - 2]
                let x = random.tensor(shape), c = random.tensor([s, d]), sn = random.tensor([s, d])
                assertBitIdentical(backend.rope(x, cos: c, sin: sn), cpu.rope(x, cos: c, sin: sn), "rope \(shape) d \(d)")
            }
        }
    }

    func testAttentionMatchesTheCPU() throws {
        let cpu = CPUBackend(threads: 2)
        var random = TestRandom(seed: 24)
        for backend in try VulkanTestDevices.backends() {
            // (batch, lq, lk, heads, d): odd lengths, one head, several heads, a batch dimension.
            for (batch, lq, lk, heads, d) in [([Int](), 1, 1, 1, 1), ([], 5, 7, 2, 3), ([2], 9, 13, 3, 8), ([1, 2], 17, 50, 2, 16)] {
                let q = random.tensor(batch + [lq, heads * d]), k = random.tensor(batch + [lk, heads * d])
                let v = random.tensor(batch + [lk, heads * d])
                let scale = 1 / Float(d).squareRoot()
                assertBitIdentical(backend.attention(q: q, k: k, v: v, heads: heads, scale: scale),
                                   cpu.attention(q: q, k: k, v: v, heads: heads, scale: scale),
                                   "attention batch \(batch) lq \(lq) lk \(lk) heads \(heads) d \(d)")
                // Chunks of 1 and of 3 query rows (3 does not divide 17) give the same bytes.
                for rowsPerChunk in [1, 3] {
                    let perChunk = rowsPerChunk * batch.reduce(1, *) * heads * lk
                    assertBitIdentical(backend.attention(q: q, k: k, v: v, heads: heads, scale: scale, scoresPerChunk: perChunk),
                                       cpu.attention(q: q, k: k, v: v, heads: heads, scale: scale),
                                       "attention in chunks of \(rowsPerChunk) rows, lq \(lq) lk \(lk)")
                }
            }
        }
    }
}
