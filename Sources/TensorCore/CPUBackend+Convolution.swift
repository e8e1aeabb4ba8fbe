// conv2d as im2col + the exact GEMM, groupNorm with the SIMD canonical sums, nearest ×2 upsampling.
//
// conv2d works in bands of output pixels so that the unfolded operand stays bounded (a 3×3 conv of 128 channels
// over 1024² pixels would unfold to 4.8 GB): per band, `unfoldConvolution` writes the [pixels, C·k·k] rows, the
// GEMM multiplies them by the packed [C·k·k, O] weight (rule 1 over the whole depth, then the bias), and the
// [pixels, O] product is transposed into the channel-major output. Each output is still ONE chain over
// (c, dy, dx), whatever the band size and thread count: bands only decide which outputs are computed together.
import Numerics

extension CPUBackend {
    /// Floats of unfolded operand per band (16 MiB).
    static let convolutionBandFloats = 1 << 22

    public func conv2d(_ x: Tensor, _ layer: PackedLinear, kernel: Int, stride: Int, padding: Padding2D) -> Tensor {
        conv2d(x, layer, kernel: kernel, stride: stride, padding: padding, bandFloats: Self.convolutionBandFloats)
    }

    /// conv2d with bands of at most `bandFloats` unfolded floats (at least one pixel per band). The bytes do not
    /// depend on it; public so that tests can cross band edges on small images.
    public func conv2d(_ x: Tensor, _ layer: PackedLinear, kernel: Int, stride: Int, padding: Padding2D,
                       bandFloats: Int) -> Tensor {
        let g = ShapeRules.conv2d(x, layer, kernel: kernel, stride: stride, padding: padding)
        let (pixels, outChannels, depth) = (g.outPixels, g.outChannels, g.depth)
        var y = [Float](uninitializedCount: g.batch * outChannels * pixels)  // every band writes its columns
        guard y.count > 0 else { return Tensor(shape: g.outputShape, data: y) }
        let band = max(1, min(pixels, bandFloats / max(depth, 1)))
        let rows = AlignedFloats(uninitializedCount: band * depth)
        let product = AlignedFloats(uninitializedCount: band * outChannels)
        defer { withExtendedLifetime((rows, product)) {} }
        let (rp, pp) = (SendablePointer(rows.pointer), SendablePointer(product.pointer))
        let (threads, gemmKernel) = (self.threads, self.kernel)
        x.data.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                let (src, dst) = (SendableConstPointer(xp.base), SendablePointer(yp.base))
                layer.withPointers { panels, bias in
                    for n in 0..<g.batch {
                        for start in Swift.stride(from: 0, to: pixels, by: band) {
                            let count = min(band, pixels - start)
                            Parallel.forRanges(count, threads: threads, minimumPerThread: 64) { part in
                                self.unfoldConvolution(src.pointer, g, item: n,
                                                       pixels: start + part.lowerBound ..< start + part.upperBound,
                                                       into: rp.pointer + part.lowerBound * depth)
                            }
                            ExactGEMM.multiply(kernel: gemmKernel, m: count, n: outChannels, k: depth, a: rp.pointer, lda: depth, panels: panels,
                                               c: pp.pointer, ldc: outChannels, bias: bias, threads: threads)
                            Parallel.forRanges(outChannels, threads: threads, minimumPerThread: max(1, 1 << 14 / count)) { channels in
                                for o in channels {
                                    let out = dst.pointer + (n * outChannels + o) * pixels + start
                                    for r in 0..<count { out[r] = pp.pointer[r * outChannels + o] }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: g.outputShape, data: y)
    }

    public func groupNorm(_ x: Tensor, groups: Int, weight: Tensor?, bias: Tensor?, eps: Float) -> Tensor {
        let (batch, channels, spatial) = ShapeRules.groupNorm(x, groups: groups, weight: weight, bias: bias)
        let perGroup = channels / groups, n = perGroup * spatial
        var y = [Float](uninitializedCount: x.count)  // every (batch, group) run is written below
        guard n > 0 else { return Tensor(shape: x.shape, data: y) }
        let (w, b) = (weight?.data, bias?.data)
        x.data.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                let (src, dst) = (SendableConstPointer(xp.base), SendablePointer(yp.base))
                Parallel.forRanges(batch * groups, threads: threads, minimumPerThread: max(1, Self.elementsPerThread / n)) { items in
                    for item in items {
                        let (s, d) = (src.pointer + item * n, dst.pointer + item * n)
                        let mean = LaneSum.sum(s, n) / Float(n)
                        let variance = LaneSum.sumOfSquaredDeviations(s, n, from: mean) / Float(n)
                        let r = 1 / (variance + eps).squareRoot()
                        for i in 0..<n { d[i] = (s[i] - mean) * r }
                        for local in 0..<perGroup {
                            let channel = (item % groups) * perGroup + local
                            let run = d + local * spatial
                            if let w { let wc = w[channel]; for i in 0..<spatial { run[i] = run[i] * wc } }
                            if let b { let bc = b[channel]; for i in 0..<spatial { run[i] = run[i] + bc } }
                        }
                    }
                }
            }
        }
        return Tensor(shape: x.shape, data: y)
    }

    public func upsampleNearest2x(_ x: Tensor) -> Tensor {
        let shape = ShapeRules.upsampleNearest2x(x.shape)
        let h = x.shape[x.rank - 2], w = x.shape[x.rank - 1]
        var y = [Float](uninitializedCount: x.count * 4)  // every output row is written below
        guard y.count > 0 else { return Tensor(shape: shape, data: y) }
        x.data.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                let (src, dst) = (SendableConstPointer(xp.base), SendablePointer(yp.base))
                // Output rows (plane, i) in order; row i copies input row i / 2, each element twice.
                Parallel.forRanges(x.count / w * 2, threads: threads, minimumPerThread: max(1, Self.elementsPerThread / (2 * w))) { outRows in
                    for outRow in outRows {
                        let plane = outRow / (2 * h), i = outRow % (2 * h)
                        let s = src.pointer + (plane * h + i / 2) * w, d = dst.pointer + outRow * 2 * w
                        for j in 0..<w {
                            d[2 * j] = s[j]
                            d[2 * j + 1] = s[j]
                        }
                    }
                }
            }
        }
        return Tensor(shape: shape, data: y)
    }
}
