// Row ops (LayerNorm, RMSNorm, softmax, RoPE) with SIMD canonical sums; threads own whole rows.
import Numerics

extension CPUBackend {
    /// Runs body(row, input row, output row) over every row of x (last dimension n), threads over rows.
    func forEachRow(_ x: Tensor, _ body: @escaping @Sendable (Int, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void) -> Tensor {
        let n = x.lastDimension
        var y = [Float](uninitializedCount: x.count)  // every row is written below
        guard n > 0 else { return Tensor(shape: x.shape, data: y) }
        x.data.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                let (src, dst) = (SendableConstPointer(xp.base), SendablePointer(yp.base))
                Parallel.forRanges(x.rowCount, threads: threads, minimumPerThread: max(1, Self.elementsPerThread / n)) { range in
                    for row in range { body(row, src.pointer + row * n, dst.pointer + row * n) }
                }
            }
        }
        return Tensor(shape: x.shape, data: y)
    }

    public func layerNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, eps: Float) -> Tensor {
        let n = x.lastDimension
        ShapeRules.checkRowParameter(weight, n, "layerNorm weight")
        ShapeRules.checkRowParameter(bias, n, "layerNorm bias")
        let (w, b) = (weight?.data, bias?.data)
        return forEachRow(x) { _, src, dst in
            let mean = LaneSum.sum(src, n) / Float(n)
            let variance = LaneSum.sumOfSquaredDeviations(src, n, from: mean) / Float(n)
            let r = 1 / (variance + eps).squareRoot()
            for i in 0..<n { dst[i] = (src[i] - mean) * r }
            if let w { for i in 0..<n { dst[i] = dst[i] * w[i] } }
            if let b { for i in 0..<n { dst[i] = dst[i] + b[i] } }
        }
    }

    public func rmsNorm(_ x: Tensor, weight: Tensor?, eps: Float) -> Tensor {
        let n = x.lastDimension
        ShapeRules.checkRowParameter(weight, n, "rmsNorm weight")
        let w = weight?.data
        return forEachRow(x) { _, src, dst in
            let meanSquare = LaneSum.sumOfSquares(src, n) / Float(n)
            let r = 1 / (meanSquare + eps).squareRoot()
            for i in 0..<n { dst[i] = src[i] * r }
            if let w { for i in 0..<n { dst[i] = dst[i] * w[i] } }
        }
    }

    public func softmax(_ x: Tensor) -> Tensor {
        let n = x.lastDimension
        return forEachRow(x) { _, src, dst in Self.softmaxRow(src, dst, n) }
    }

    /// m = max; e_j = exp(s_j - m) (stored in dst); Z = S(e); p_j = e_j / Z. src may equal dst.
    @inline(__always)
    static func softmaxRow(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        let m = canonicalMax(src, n)
        mapLanes(src, dst, n, { ExactMath.exp($0 - m) }, { ExactMath.exp($0 - m) })
        let z = LaneSum.sum(dst, n)
        mapLanes(dst, dst, n, { $0 / z }, { $0 / z })
    }

    public func rope(_ x: Tensor, cos: Tensor, sin: Tensor) -> Tensor {
        let (s, width, d) = ShapeRules.rope(x, cos: cos, sin: sin)
        let (c, sn) = (cos.data, sin.data)
        return forEachRow(x) { row, src, dst in
            let t = row % s
            c.withUnsafeBufferPointer { cp in
                sn.withUnsafeBufferPointer { sp in
                    let ct = cp.base + t * d, st = sp.base + t * d
                    var head = 0
                    while head < width {
                        let xs = src + head, ys = dst + head
                        var m = 0
                        while m < d {
                            let x0 = xs[m], x1 = xs[m + 1]
                            ys[m] = x0 * ct[m] - x1 * st[m]
                            ys[m + 1] = x1 * ct[m + 1] + x0 * st[m + 1]
                            m += 2
                        }
                        head += d
                    }
                }
            }
        }
    }
}
