// conv2d, groupNorm and upsampleNearest2x: the reference against independent definitions written here (direct
// loops over padded inputs, a Double statistic), and CPUBackend bit-identical to the reference at 1-3 threads
// and across conv band edges.
import TensorCore
import XCTest

final class ConvolutionKernelTests: XCTestCase {
    /// The reference conv equals F.pad then a padding-0 conv written over the explicitly padded image.
    func testReferenceConvIsPadThenConvolve() {
        var rng = TestRandom(seed: 41)
        for (k, s, pad) in [(3, 1, Padding2D.same(1)), (3, 2, Padding2D(bottom: 1, right: 1)), (1, 1, .none),
                            (2, 2, Padding2D(top: 1, left: 2, bottom: 0, right: 1))] {
            let (c, h, w, o) = (3, 7, 6, 4)
            let x = rng.tensor([c, h, w], awkward: false), weight = rng.tensor([o, c, k, k], awkward: false)
            let bias = rng.tensor([o], awkward: false)
            let y = reference.conv2d(x, PackedLinear(weight: weight, bias: bias), kernel: k, stride: s, padding: pad)
            let ph = h + pad.top + pad.bottom, pw = w + pad.left + pad.right
            var padded = [Float](repeating: 0, count: c * ph * pw)
            for ch in 0..<c { for i in 0..<h { for j in 0..<w {
                padded[(ch * ph + i + pad.top) * pw + j + pad.left] = x.data[(ch * h + i) * w + j]
            } } }
            let ho = (ph - k) / s + 1, wo = (pw - k) / s + 1
            XCTAssertEqual(y.shape, [o, ho, wo], "kernel \(k) stride \(s) padding \(pad)")
            for oc in 0..<o { for oy in 0..<ho { for ox in 0..<wo {
                var acc: Float = 0
                for ch in 0..<c { for dy in 0..<k { for dx in 0..<k {
                    acc = acc.addingProduct(padded[(ch * ph + oy * s + dy) * pw + ox * s + dx],
                                            weight.data[((oc * c + ch) * k + dy) * k + dx])
                } } }
                XCTAssertEqual(y.data[(oc * ho + oy) * wo + ox].bitPattern, (acc + bias.data[oc]).bitPattern,
                               "kernel \(k) stride \(s) at \(oc), \(oy), \(ox)")
            } } }
        }
    }

    /// GroupNorm per (batch, group) normalises to mean 0, variance 1 (Double check) and applies w, b per channel.
    func testReferenceGroupNormStatistics() {
        var rng = TestRandom(seed: 42)
        let (b, c, h, w, groups) = (2, 6, 3, 5, 3)
        let x = rng.tensor([b, c, h, w], awkward: false, scale: 4)
        let y = reference.groupNorm(x, groups: groups, weight: nil, bias: nil, eps: 0)
        let run = (c / groups) * h * w
        for item in 0..<b * groups {
            let values = y.data[item * run ..< (item + 1) * run].map(Double.init)
            let mean = values.reduce(0, +) / Double(run)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(run)
            XCTAssertEqual(mean, 0, accuracy: 1e-6)
            XCTAssertEqual(variance, 1, accuracy: 1e-5)
        }
        let weight = rng.tensor([c], awkward: false), bias = rng.tensor([c], awkward: false)
        let affine = reference.groupNorm(x, groups: groups, weight: weight, bias: bias, eps: 0)
        for i in 0..<x.count {
            let channel = (i / (h * w)) % c
            XCTAssertEqual(affine.data[i].bitPattern, (y.data[i] * weight.data[channel] + bias.data[channel]).bitPattern)
        }
        // One group per channel of a [B, C] input is the identity's normalisation of single elements: all zero.
        XCTAssertEqual(reference.groupNorm(Tensor(shape: [1, 2], data: [3, -5]), groups: 2, weight: nil, bias: nil, eps: 1e-6).data, [0, 0])
    }

    func testReferenceUpsampleRepeatsEachPixel() {
        let x = Tensor(shape: [1, 2, 3], data: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(reference.upsampleNearest2x(x), Tensor(shape: [1, 4, 6], data: [
            1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 4, 4, 5, 5, 6, 6]))
    }

    func testCPUConvMatchesReferenceAtEveryThreadCountAndBand() {
        var rng = TestRandom(seed: 43)
        let shapes: [(batch: Int, c: Int, h: Int, w: Int, o: Int, k: Int, s: Int, pad: Padding2D)] = [
            (1, 3, 12, 10, 20, 3, 1, .same(1)), (2, 5, 9, 13, 7, 3, 2, Padding2D(bottom: 1, right: 1)),
            (2, 6, 5, 7, 17, 1, 1, .none), (1, 60, 6, 5, 9, 3, 1, .same(1)),   // 540 terms: past the 512 K block
        ]
        for t in shapes {
            let x = rng.tensor([t.batch, t.c, t.h, t.w])
            let layer = PackedLinear(weight: rng.tensor([t.o, t.c, t.k, t.k]), bias: t.o % 2 == 1 ? rng.tensor([t.o]) : nil)
            let expected = reference.conv2d(x, layer, kernel: t.k, stride: t.s, padding: t.pad)
            for backend in exactBackends {
                assertBitIdentical(backend.conv2d(x, layer, kernel: t.k, stride: t.s, padding: t.pad), expected,
                                   "conv2d \(t) threads \(backend.threads)")
                // Bands of 1, 7 and 64 pixels: a band edge inside a row and across items.
                for pixelsPerBand in [1, 7, 64] {
                    assertBitIdentical(backend.conv2d(x, layer, kernel: t.k, stride: t.s, padding: t.pad,
                                                      bandFloats: pixelsPerBand * t.c * t.k * t.k), expected,
                                       "conv2d \(t) threads \(backend.threads) band \(pixelsPerBand)")
                }
            }
            let single = Tensor(shape: [t.c, t.h, t.w], data: Array(x.data.prefix(t.c * t.h * t.w)))
            assertBitIdentical(exactBackends[1].conv2d(single, layer, kernel: t.k, stride: t.s, padding: t.pad),
                               reference.conv2d(single, layer, kernel: t.k, stride: t.s, padding: t.pad), "conv2d [C, H, W] \(t)")
        }
    }

    func testCPUGroupNormAndUpsampleMatchReference() {
        var rng = TestRandom(seed: 44)
        for (shape, groups) in [([1, 4, 1, 1], 2), ([2, 6, 7, 9], 3), ([1, 32, 16, 17], 8), ([3, 8], 4), ([2, 6, 5], 1)] {
            let x = rng.tensor(shape, scale: 5)
            let c = shape[1]
            let w = rng.tensor([c]), b = rng.tensor([c])
            for backend in exactBackends {
                for (weight, bias) in [(nil, nil), (w, b), (w, nil), (nil, b)] as [(Tensor?, Tensor?)] {
                    assertBitIdentical(backend.groupNorm(x, groups: groups, weight: weight, bias: bias, eps: 1e-6),
                                       reference.groupNorm(x, groups: groups, weight: weight, bias: bias, eps: 1e-6),
                                       "groupNorm \(shape) / \(groups) threads \(backend.threads)")
                }
                assertBitIdentical(backend.upsampleNearest2x(x), reference.upsampleNearest2x(x), "upsample \(shape)")
            }
        }
    }
}
