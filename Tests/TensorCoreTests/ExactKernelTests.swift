import XCTest
import Foundation
import TensorCore

/// Every CPUBackend kernel against ReferenceBackend, bit for bit, at 1, 2 and 3 threads, on random shapes
/// (odd sizes, K not a multiple of any block size) with awkward values (signed zeros, subnormals, large).
final class ExactKernelTests: XCTestCase {
    /// Shapes of (M, K, N) that cross every tile and block edge of the GEMM (6×16 tiles, K blocks of 512,
    /// M blocks of 192), plus empty M and K.
    static let gemmShapes: [(Int, Int, Int)] = [
        (1, 1, 1), (1, 37, 1), (5, 3, 17), (6, 16, 16), (7, 29, 33), (13, 257, 31), (1, 1027, 47),
        (25, 513, 15), (12, 600, 64), (19, 1100, 40), (3, 70, 300), (37, 131, 161), (200, 300, 20),
        (385, 17, 33), (0, 5, 3), (4, 0, 7), (6, 512, 16), (7, 1024, 17), (2, 1537, 3),
    ]

    func testLinearMatchesReference() {
        var rng = TestRandom(seed: 10)
        for (m, k, n) in Self.gemmShapes {
            for withBias in [false, true] {
                let x = rng.tensor([m, k]), w = rng.tensor([n, k])
                let layer = PackedLinear(weight: w, bias: withBias ? rng.tensor([n]) : nil)
                let expected = reference.linear(x, layer)
                for backend in exactBackends {
                    assertBitIdentical(backend.linear(x, layer), expected, "linear M\(m) K\(k) N\(n) bias \(withBias) threads \(backend.threads)")
                }
            }
        }
    }

    func testLinearKeepsLeadingDimensions() {
        var rng = TestRandom(seed: 11)
        let x = rng.tensor([2, 3, 21]), layer = PackedLinear(weight: rng.tensor([9, 21]), bias: rng.tensor([9]))
        for backend in exactBackends {
            let y = backend.linear(x, layer)
            XCTAssertEqual(y.shape, [2, 3, 9])
            assertBitIdentical(y, reference.linear(x, layer), "linear rank 3, threads \(backend.threads)")
        }
    }

    func testMatmulAndTransposedBMatchReference() {
        var rng = TestRandom(seed: 12)
        for (m, k, n) in Self.gemmShapes {
            let a = rng.tensor([m, k]), b = rng.tensor([k, n]), bt = rng.tensor([n, k])
            let expected = reference.matmul(a, b), expectedT = reference.matmulTransposedB(a, bt)
            for backend in exactBackends {
                assertBitIdentical(backend.matmul(a, b), expected, "matmul M\(m) K\(k) N\(n) threads \(backend.threads)")
                assertBitIdentical(backend.matmulTransposedB(a, bt), expectedT, "matmulᵀ M\(m) K\(k) N\(n) threads \(backend.threads)")
            }
        }
    }

    func testElementwiseMatchesReference() {
        var rng = TestRandom(seed: 13)
        let pairs: [([Int], [Int])] = [
            ([37], [37]), ([5, 19], [19]), ([5, 19], [5, 1]), ([3, 1, 7], [4, 1]), ([1], [6, 11]),
            ([2, 3, 4, 5], [3, 1, 5]), ([1031], [1]), ([0, 3], [3]),
        ]
        for (sa, sb) in pairs {
            let a = rng.tensor(sa), b = rng.tensor(sb)
            for backend in exactBackends {
                let t = backend.threads
                assertBitIdentical(backend.add(a, b), reference.add(a, b), "add \(sa) \(sb) threads \(t)")
                assertBitIdentical(backend.sub(b, a), reference.sub(b, a), "sub \(sb) \(sa) threads \(t)")
                assertBitIdentical(backend.mul(a, b), reference.mul(a, b), "mul \(sa) \(sb) threads \(t)")
                assertBitIdentical(backend.div(a, b), reference.div(a, b), "div \(sa) \(sb) threads \(t)")
            }
        }
        let x = rng.tensor([7, 131])
        for backend in exactBackends {
            assertBitIdentical(backend.add(x, scalar: 0.3), reference.add(x, scalar: 0.3), "add scalar")
            assertBitIdentical(backend.sub(x, scalar: -1.7), reference.sub(x, scalar: -1.7), "sub scalar")
            assertBitIdentical(backend.mul(x, scalar: 3.1), reference.mul(x, scalar: 3.1), "mul scalar")
            assertBitIdentical(backend.div(x, scalar: 0.7), reference.div(x, scalar: 0.7), "div scalar")
        }
    }

    func testActivationsMatchReference() {
        var rng = TestRandom(seed: 14)
        let x = rng.tensor([3, 1001], scale: 8)
        for backend in exactBackends {
            assertBitIdentical(backend.gelu(x), reference.gelu(x), "gelu threads \(backend.threads)")
            assertBitIdentical(backend.quickGelu(x), reference.quickGelu(x), "quickGelu threads \(backend.threads)")
            assertBitIdentical(backend.silu(x), reference.silu(x), "silu threads \(backend.threads)")
        }
    }

    /// The 8-lane paths (activations, softmax's exp and max) on the values where lanes could diverge from the
    /// scalar code: NaN, ±infinity, ±0, subnormals, saturation edges; each special value lands both in a full
    /// 8-lane group and in the scalar tail.
    func testLanePathsMatchReferenceOnSpecialValues() {
        let specials: [Float] = [.nan, .infinity, -.infinity, 0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
                                 88.8, 88.9, -104, -104.1, 9.1, -9.1, 1e-30, .greatestFiniteMagnitude, -3.5]
        var rng = TestRandom(seed: 17)
        for (index, special) in specials.enumerated() {
            for position in [3, 17, 36] {  // a SIMD group, another group, the tail of a 37-wide row
                var row = rng.tensor([1, 37], scale: 4).data
                row[position] = special
                if index % 2 == 0 { row[(position + 5) % 37] = -special }
                let x = Tensor(shape: [1, 37], data: row)
                for backend in exactBackends {
                    let t = "\(special) at \(position), threads \(backend.threads)"
                    assertBitIdentical(backend.gelu(x), reference.gelu(x), "gelu \(t)")
                    assertBitIdentical(backend.quickGelu(x), reference.quickGelu(x), "quickGelu \(t)")
                    assertBitIdentical(backend.silu(x), reference.silu(x), "silu \(t)")
                    assertBitIdentical(backend.softmax(x), reference.softmax(x), "softmax \(t)")
                }
            }
        }
        // Rows of zeros with mixed signs: the max must be +0.0 whenever one is present, in lanes and in the tail.
        for plusAt in [nil, 2, 20, 35] as [Int?] {
            var row = [Float](repeating: -0.0, count: 37)
            if let p = plusAt { row[p] = 0 }
            let x = Tensor(shape: [1, 37], data: row)
            for backend in exactBackends {
                assertBitIdentical(backend.softmax(x), reference.softmax(x), "softmax signed zeros, +0 at \(String(describing: plusAt))")
            }
        }
    }

    func testNormsAndSoftmaxMatchReference() {
        var rng = TestRandom(seed: 15)
        for shape in [[1, 1], [3, 7], [5, 8], [2, 3, 61], [9, 128], [4, 3072 + 5]] {
            let x = rng.tensor(shape, scale: 3)
            let n = shape.last!
            let w = rng.tensor([n]), b = rng.tensor([n])
            for backend in exactBackends {
                let t = "\(shape) threads \(backend.threads)"
                assertBitIdentical(backend.layerNorm(x, weight: nil, bias: nil, eps: 1e-6),
                                   reference.layerNorm(x, weight: nil, bias: nil, eps: 1e-6), "layerNorm \(t)")
                assertBitIdentical(backend.layerNorm(x, weight: w, bias: b, eps: 1e-5),
                                   reference.layerNorm(x, weight: w, bias: b, eps: 1e-5), "layerNorm affine \(t)")
                assertBitIdentical(backend.rmsNorm(x, weight: w, eps: 1e-6), reference.rmsNorm(x, weight: w, eps: 1e-6), "rmsNorm \(t)")
                assertBitIdentical(backend.rmsNorm(x, weight: nil, eps: 1e-6), reference.rmsNorm(x, weight: nil, eps: 1e-6), "rmsNorm plain \(t)")
                assertBitIdentical(backend.softmax(x), reference.softmax(x), "softmax \(t)")
            }
        }
    }

    func testAttentionMatchesReference() {
        var rng = TestRandom(seed: 16)
        // (batch dims, Lq, Lk, heads, d); Lk = 600 runs P·V over more than one K block.
        let cases: [([Int], Int, Int, Int, Int)] = [
            ([], 1, 1, 1, 1), ([], 7, 5, 2, 3), ([], 13, 29, 3, 16), ([2], 9, 9, 2, 8), ([], 31, 70, 1, 24),
            ([], 100, 37, 2, 17), ([], 7, 600, 1, 8),
        ]
        for (batch, lq, lk, h, d) in cases {
            let q = rng.tensor(batch + [lq, h * d]), k = rng.tensor(batch + [lk, h * d]), v = rng.tensor(batch + [lk, h * d])
            let scale = 1 / Float(d).squareRoot()
            let expected = reference.attention(q: q, k: k, v: v, heads: h, scale: scale)
            for backend in exactBackends {
                assertBitIdentical(backend.attention(q: q, k: k, v: v, heads: h, scale: scale), expected,
                                   "attention \(batch) Lq\(lq) Lk\(lk) H\(h) d\(d) threads \(backend.threads)")
            }
        }
    }

    func testRopeMatchesReference() {
        var rng = TestRandom(seed: 17)
        for (batch, s, h, d) in [([Int](), 1, 1, 2), ([], 7, 3, 6), ([2], 5, 2, 16), ([], 33, 4, 128)] {
            let x = rng.tensor(batch + [s, h * d])
            // Repeat-interleaved tables, as FluxPosEmbed builds them.
            let angles = (0..<(s * d / 2)).map { _ in rng.float(-10, 10) }
            let cos = Tensor(shape: [s, d]) { Float(Foundation.cos(Double(angles[$0 / 2]))) }
            let sin = Tensor(shape: [s, d]) { Float(Foundation.sin(Double(angles[$0 / 2]))) }
            for backend in exactBackends {
                assertBitIdentical(backend.rope(x, cos: cos, sin: sin), reference.rope(x, cos: cos, sin: sin),
                                   "rope \(batch) S\(s) H\(h) d\(d) threads \(backend.threads)")
            }
        }
    }

    func testLayoutOpsMatchReference() {
        var rng = TestRandom(seed: 18)
        let a = rng.tensor([3, 5, 7]), b = rng.tensor([3, 2, 7]), c = rng.tensor([3, 9, 7])
        for backend in exactBackends {
            let t = backend.threads
            assertBitIdentical(backend.concat([a, b, c], axis: 1), reference.concat([a, b, c], axis: 1), "concat threads \(t)")
            assertBitIdentical(backend.concat([a, a], axis: -1), reference.concat([a, a], axis: -1), "concat last threads \(t)")
            assertBitIdentical(backend.slice(c, axis: 1, range: 2..<7), reference.slice(c, axis: 1, range: 2..<7), "slice threads \(t)")
            for order in [[0, 2, 1], [2, 1, 0], [1, 0, 2], [0, 1, 2]] {
                assertBitIdentical(backend.permute(a, order), reference.permute(a, order), "permute \(order) threads \(t)")
            }
            let four = rng.tensor([2, 3, 5, 4])
            assertBitIdentical(backend.permute(four, [0, 2, 1, 3]), reference.permute(four, [0, 2, 1, 3]), "permute 4-D")
        }
    }

    func testPatchEmbedMatchesReference() {
        var rng = TestRandom(seed: 19)
        for (batch, c, h, w, p, o, bias) in [(false, 3, 14, 14, 7, 11, true), (true, 3, 17, 15, 4, 37, false)] {
            let image = rng.tensor(batch ? [2, c, h, w] : [c, h, w])
            let layer = PackedLinear(weight: rng.tensor([o, c, p, p]), bias: bias ? rng.tensor([o]) : nil)
            for backend in exactBackends {
                assertBitIdentical(backend.patchEmbed(image, layer, patch: p), reference.patchEmbed(image, layer, patch: p),
                                   "patchEmbed \(c)x\(h)x\(w) p\(p) threads \(backend.threads)")
            }
        }
    }
}
