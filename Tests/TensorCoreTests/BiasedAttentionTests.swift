// Attention with a score bias (Backend.attention(q:k:v:heads:scale:bias:)): CPUBackend against ReferenceBackend
// bit for bit at 1, 2 and 3 threads, and what the op means (a zero bias is plain attention, a -inf key is gone).
import TensorCore
import XCTest

final class BiasedAttentionTests: XCTestCase {
    func testBiasedAttentionMatchesReference() {
        var rng = TestRandom(seed: 31)
        // (batch dims, Lq, Lk, heads, d, shared bias); Lk = 600 runs P·V over more than one K block, Lq = 100
        // spans three 48-row work items.
        let cases: [([Int], Int, Int, Int, Int, Bool)] = [
            ([], 1, 1, 1, 1, false), ([], 7, 5, 2, 3, true), ([], 13, 29, 3, 16, false), ([2], 9, 9, 2, 8, true),
            ([], 100, 37, 2, 17, false), ([], 7, 600, 1, 8, false), ([3], 77, 77, 4, 8, true),
        ]
        for (batch, lq, lk, h, d, shared) in cases {
            let q = rng.tensor(batch + [lq, h * d]), k = rng.tensor(batch + [lk, h * d]), v = rng.tensor(batch + [lk, h * d])
            let bias = rng.tensor([shared ? 1 : h, lq, lk], scale: 3)
            for scale in [1 / Float(d).squareRoot(), 1] {
                let expected = reference.attention(q: q, k: k, v: v, heads: h, scale: scale, bias: bias)
                for backend in exactBackends {
                    assertBitIdentical(backend.attention(q: q, k: k, v: v, heads: h, scale: scale, bias: bias), expected,
                                       "biased attention \(batch) Lq\(lq) Lk\(lk) H\(h) d\(d) shared \(shared) scale \(scale) threads \(backend.threads)")
                }
            }
        }
    }

    /// A zero bias adds +0 to every score: the same bytes as the plain op.
    func testZeroBiasIsPlainAttention() {
        var rng = TestRandom(seed: 32)
        let q = rng.tensor([2, 11, 12], awkward: false), k = rng.tensor([2, 13, 12], awkward: false), v = rng.tensor([2, 13, 12], awkward: false)
        let zeros = Tensor(zeros: [3, 11, 13])
        for backend in [reference] as [any Backend] + exactBackends {
            assertBitIdentical(backend.attention(q: q, k: k, v: v, heads: 3, scale: 0.5, bias: zeros),
                               backend.attention(q: q, k: k, v: v, heads: 3, scale: 0.5), "zero bias on \(type(of: backend))")
        }
    }

    /// A causal mask of -inf (CLIP text): query i sees exactly keys 0...i. exp(-inf) is +0, so row i equals plain
    /// attention over the first i + 1 keys, byte for byte (the masked keys add zeros after the kept ones).
    func testCausalMaskKeepsOnlyEarlierKeys() {
        var rng = TestRandom(seed: 33)
        let (l, heads, d) = (21, 2, 5)
        let q = rng.tensor([l, heads * d], awkward: false), k = rng.tensor([l, heads * d], awkward: false)
        let v = rng.tensor([l, heads * d], awkward: false)
        let causal = Tensor(shape: [1, l, l]) { index in index % l > index / l ? -.infinity : 0 }
        for backend in [reference] as [any Backend] + exactBackends {
            let masked = backend.attention(q: q, k: k, v: v, heads: heads, scale: 0.3, bias: causal)
            XCTAssertTrue(masked.data.allSatisfy(\.isFinite))
            for i in [0, 1, 7, l - 1] {
                let row = backend.attention(q: backend.slice(q, axis: 0, range: i..<i + 1), k: backend.slice(k, axis: 0, range: 0..<i + 1),
                                            v: backend.slice(v, axis: 0, range: 0..<i + 1), heads: heads, scale: 0.3)
                assertBitIdentical(backend.slice(masked, axis: 0, range: i..<i + 1), row, "causal row \(i) on \(type(of: backend))")
            }
        }
    }

    /// The bias really enters the scores: a large bias on one key makes every query copy that key's value.
    func testALargeBiasSelectsOneKey() {
        var rng = TestRandom(seed: 34)
        let q = rng.tensor([4, 6], awkward: false), k = rng.tensor([5, 6], awkward: false), v = rng.tensor([5, 6], awkward: false)
        let bias = Tensor(shape: [1, 4, 5]) { $0 % 5 == 3 ? 200 : 0 }
        let out = CPUBackend(threads: 2).attention(q: q, k: k, v: v, heads: 2, scale: 1, bias: bias)
        for i in 0..<4 {
            for c in 0..<6 { XCTAssertEqual(out.data[i * 6 + c], v.data[3 * 6 + c], accuracy: 1e-6) }
        }
    }
}
