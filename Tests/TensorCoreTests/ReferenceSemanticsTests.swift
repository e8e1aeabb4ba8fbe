import XCTest
import Foundation
import Numerics
import TensorCore

/// The reference backend against independent expectations (hand values, Double computations, definitions).
final class ReferenceSemanticsTests: XCTestCase {
    func testLinearIsSequentialFMAChainPlusBias() {
        // 3 inputs, 2 outputs; W = [[1,2,3],[4,5,6]], b = [0.5, -1].
        let layer = PackedLinear(weight: Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6]),
                                 bias: Tensor(shape: [2], data: [0.5, -1]))
        let y = reference.linear(Tensor(shape: [1, 3], data: [1, -1, 2]), layer)
        XCTAssertEqual(y, Tensor(shape: [1, 2], data: [1 - 2 + 6 + 0.5, 4 - 5 + 12 - 1]))
        // The chain is fused: fma(a, b, acc) keeps a*b unrounded. 1+2^-12 squared = 1 + 2^-11 + 2^-24
        // exactly; with acc = -1 the fused result is 2^-11 + 2^-24, the unfused one 2^-11.
        let e = Float(1) + Float.ulpOfOne * 2048
        let fused = PackedLinear(weight: Tensor(shape: [1, 2], data: [-1, e]))
        let r = reference.linear(Tensor(shape: [1, 2], data: [1, e]), fused)
        XCTAssertEqual(r.data[0], Float(1) / 2048 + Float(1) / 16_777_216)
    }

    func testMatmulAgreesWithDoubleAndTransposedVariant() {
        var rng = TestRandom(seed: 1)
        let a = rng.tensor([7, 13], awkward: false), b = rng.tensor([13, 5], awkward: false)
        let c = reference.matmul(a, b)
        for i in 0..<7 {
            for j in 0..<5 {
                var exact = 0.0
                for k in 0..<13 { exact += Double(a.data[i * 13 + k]) * Double(b.data[k * 5 + j]) }
                XCTAssertEqual(Double(c.data[i * 5 + j]), exact, accuracy: 1e-5)
            }
        }
        assertBitIdentical(reference.matmulTransposedB(a, reference.transpose(b)), c, "matmulTransposedB == matmul")
        let layer = PackedLinear(weight: reference.transpose(b))
        assertBitIdentical(reference.linear(a, layer), c, "linear without bias == matmul")
    }

    func testBroadcastingElementwise() {
        let a = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(reference.add(a, Tensor(shape: [3], data: [10, 20, 30])).data, [11, 22, 33, 14, 25, 36])
        XCTAssertEqual(reference.mul(a, Tensor(shape: [2, 1], data: [2, -1])).data, [2, 4, 6, -4, -5, -6])
        XCTAssertEqual(reference.sub(Tensor(shape: [1], data: [1]), a).data, [0, -1, -2, -3, -4, -5])
        XCTAssertEqual(reference.div(a, scalar: 2).data, [0.5, 1, 1.5, 2, 2.5, 3])
        let outer = reference.add(Tensor(shape: [3, 1], data: [1, 2, 3]), Tensor(shape: [1, 2], data: [10, 20]))
        XCTAssertEqual(outer, Tensor(shape: [3, 2], data: [11, 21, 12, 22, 13, 23]))
    }

    func testLayerNormAndRMSNormValues() {
        let x = Tensor(shape: [1, 4], data: [1, 2, 3, 4])
        // mean 2.5, var 1.25.
        let y = reference.layerNorm(x, weight: nil, bias: nil, eps: 0)
        let r = 1 / Float(1.25).squareRoot()
        XCTAssertEqual(y.data, [-1.5 * r, -0.5 * r, 0.5 * r, 1.5 * r])
        let affine = reference.layerNorm(x, weight: Tensor(shape: [4], data: [2, 2, 2, 2]),
                                         bias: Tensor(shape: [4], data: [1, 1, 1, 1]), eps: 0)
        XCTAssertEqual(affine.data, y.data.map { $0 * 2 + 1 })
        // RMS: mean square 7.5.
        let z = reference.rmsNorm(x, weight: Tensor(shape: [4], data: [1, 1, 1, -1]), eps: 0)
        let q = 1 / Float(7.5).squareRoot()
        XCTAssertEqual(z.data, [1 * q, 2 * q, 3 * q, -(4 * q)])
    }

    func testSoftmaxRowsSumToOneAndAreShiftInvariant() {
        var rng = TestRandom(seed: 2)
        let x = rng.tensor([5, 19], awkward: false, scale: 10)
        let p = reference.softmax(x)
        for row in 0..<5 {
            let s = p.data[row * 19 ..< row * 19 + 19].reduce(0.0) { $0 + Double($1) }
            XCTAssertEqual(s, 1, accuracy: 1e-5)
            let m = x.data[row * 19 ..< row * 19 + 19].map(Double.init).max()!
            let z = x.data[row * 19 ..< row * 19 + 19].reduce(0.0) { $0 + Foundation.exp(Double($1) - m) }
            for j in 0..<19 {
                XCTAssertEqual(Double(p.data[row * 19 + j]), Foundation.exp(Double(x.data[row * 19 + j]) - m) / z, accuracy: 1e-6)
            }
        }
    }

    func testActivationsAgainstDouble() {
        for x in stride(from: Float(-6), through: 6, by: 0.37) {
            let d = Double(x)
            let gelu = 0.5 * d * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (d + 0.044715 * d * d * d)))
            XCTAssertEqual(Double(ScalarOps.gelu(x)), gelu, accuracy: 1e-5)
            XCTAssertEqual(Double(ScalarOps.silu(x)), d / (1 + Foundation.exp(-d)), accuracy: 1e-5)
            XCTAssertEqual(Double(ScalarOps.quickGelu(x)), d / (1 + Foundation.exp(-1.702 * d)), accuracy: 1e-5)
        }
        XCTAssertEqual(ScalarOps.geluC.bitPattern, 0x3F4C_422A)
    }

    func testAttentionAgainstDouble() {
        var rng = TestRandom(seed: 3)
        let (lq, lk, heads, d) = (3, 5, 2, 4)
        let q = rng.tensor([lq, heads * d], awkward: false), k = rng.tensor([lk, heads * d], awkward: false)
        let v = rng.tensor([lk, heads * d], awkward: false)
        let o = reference.attention(q: q, k: k, v: v, heads: heads, scale: 0.5)
        for h in 0..<heads {
            for i in 0..<lq {
                let s = (0..<lk).map { j in
                    (0..<d).reduce(0.0) { $0 + Double(q.data[i * 8 + h * d + $1]) * Double(k.data[j * 8 + h * d + $1]) } * 0.5
                }
                let m = s.max()!
                let e = s.map { Foundation.exp($0 - m) }
                let z = e.reduce(0, +)
                for c in 0..<d {
                    let expected = (0..<lk).reduce(0.0) { $0 + e[$1] / z * Double(v.data[$1 * 8 + h * d + c]) }
                    XCTAssertEqual(Double(o.data[i * 8 + h * d + c]), expected, accuracy: 1e-5)
                }
            }
        }
    }

    func testRopeRotatesAdjacentPairs() {
        // One token, one head of d = 4: pair 0 rotated by 90°, pair 1 by 0°.
        let x = Tensor(shape: [1, 4], data: [1, 2, 3, 4])
        let cos = Tensor(shape: [1, 4], data: [0, 0, 1, 1]), sin = Tensor(shape: [1, 4], data: [1, 1, 0, 0])
        XCTAssertEqual(reference.rope(x, cos: cos, sin: sin).data, [-2, 1, 3, 4])
        // Two heads share the table.
        let x2 = Tensor(shape: [1, 8], data: [1, 2, 3, 4, 1, 2, 3, 4])
        XCTAssertEqual(reference.rope(x2, cos: cos, sin: sin).data, [-2, 1, 3, 4, -2, 1, 3, 4])
    }

    func testLayoutOps() {
        let a = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(reference.transpose(a), Tensor(shape: [3, 2], data: [1, 4, 2, 5, 3, 6]))
        XCTAssertEqual(reference.concat([a, Tensor(shape: [2, 1], data: [7, 8])], axis: 1),
                       Tensor(shape: [2, 4], data: [1, 2, 3, 7, 4, 5, 6, 8]))
        XCTAssertEqual(reference.concat([a, a], axis: 0).shape, [4, 3])
        XCTAssertEqual(reference.slice(a, axis: 1, range: 1..<3), Tensor(shape: [2, 2], data: [2, 3, 5, 6]))
        XCTAssertEqual(reference.slice(a, axis: -2, range: 1..<2), Tensor(shape: [1, 3], data: [4, 5, 6]))
        let t = Tensor(shape: [2, 3, 4], element: { Float($0) })
        let p = reference.permute(t, [2, 0, 1])
        XCTAssertEqual(p.shape, [4, 2, 3])
        XCTAssertEqual(p.data[1 * 6 + 1 * 3 + 2], t.data[1 * 12 + 2 * 4 + 1])
        XCTAssertEqual(reference.reshape(t, [-1, 4]).shape, [6, 4])
    }

    func testPatchEmbedIsConvWithStridePatch() {
        var rng = TestRandom(seed: 4)
        let (c, h, w, p, o) = (3, 9, 8, 4, 5)  // 9 rows: the last one is ignored, as Conv2d does
        let image = rng.tensor([c, h, w], awkward: false), weight = rng.tensor([o, c, p, p], awkward: false)
        let bias = rng.tensor([o], awkward: false)
        let y = reference.patchEmbed(image, PackedLinear(weight: weight, bias: bias), patch: p)
        XCTAssertEqual(y.shape, [4, o])
        for gy in 0..<2 {
            for gx in 0..<2 {
                for oc in 0..<o {
                    var acc: Float = 0
                    for ch in 0..<c {
                        for dy in 0..<p {
                            for dx in 0..<p {
                                acc = acc.addingProduct(image.data[(ch * h + gy * p + dy) * w + gx * p + dx],
                                                        weight.data[((oc * c + ch) * p + dy) * p + dx])
                            }
                        }
                    }
                    XCTAssertEqual(y.data[(gy * 2 + gx) * o + oc].bitPattern, (acc + bias.data[oc]).bitPattern)
                }
            }
        }
    }
}
