// Attention with a score bias (attention_bias.comp between the score and softmax dispatches) against CPUBackend,
// byte for byte: per-head and shared biases, a -inf causal mask, scale 1, and chunked query rows.
import TensorCore
import VulkanBackend
import XCTest

final class BiasedAttentionKernelTests: XCTestCase {
    func testBiasedAttentionMatchesTheCPU() throws {
        let cpu = CPUBackend(threads: 2)
        var random = TestRandom(seed: 25)
        for backend in try VulkanTestDevices.backends() {
            for (batch, lq, lk, heads, d, shared) in [([Int](), 1, 1, 1, 1, true), ([], 5, 7, 2, 3, false), ([2], 9, 13, 3, 8, true),
                                                      ([1, 2], 17, 17, 2, 16, false)] {
                let q = random.tensor(batch + [lq, heads * d]), k = random.tensor(batch + [lk, heads * d])
                let v = random.tensor(batch + [lk, heads * d])
                let plain = random.tensor([shared ? 1 : heads, lq, lk])
                let causal = Tensor(shape: plain.shape) { i in i % lk > (i / lk) % lq ? -.infinity : plain.data[i] }
                for (bias, scale) in [(plain, 1 / Float(d).squareRoot()), (causal, 1), (causal, 0.25)] {
                    let expected = cpu.attention(q: q, k: k, v: v, heads: heads, scale: scale, bias: bias)
                    assertBitIdentical(backend.attention(q: q, k: k, v: v, heads: heads, scale: scale, bias: bias), expected,
                                       "biased attention batch \(batch) lq \(lq) lk \(lk) heads \(heads) d \(d) scale \(scale)")
                    // Chunks of 1 and of 3 query rows: the bias rows follow the chunk's offset.
                    for rowsPerChunk in [1, 3] {
                        let perChunk = rowsPerChunk * batch.reduce(1, *) * heads * lk
                        assertBitIdentical(backend.attention(q: q, k: k, v: v, heads: heads, scale: scale, bias: bias, scoresPerChunk: perChunk),
                                           expected, "biased attention in chunks of \(rowsPerChunk) rows, lq \(lq) lk \(lk)")
                    }
                }
            }
        }
    }
}
