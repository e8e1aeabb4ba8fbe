// `fast` mode products through OpenBLAS (its own summation order: within tolerance of exact, never bit-equal).
import COpenBLAS

enum OpenBLASGEMM {
    /// c [m, n] = a [m, k] · b [k, n], all row-major and dense.
    static func sgemm(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                      c: UnsafeMutablePointer<Float>, threads: Int, transposedB: Bool = false) {
        guard m > 0, n > 0 else { return }
        if k == 0 { c.update(repeating: 0, count: m * n); return }
        openblas_set_num_threads(Int32(threads))
        cblas_sgemm(CblasRowMajor, CblasNoTrans, transposedB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b, Int32(transposedB ? k : n), 0, c, Int32(n))
    }

    static func matmul(_ a: Tensor, _ b: Tensor, transposedB: Bool, threads: Int) -> Tensor {
        let m = a.shape[0], k = a.shape[1], n = transposedB ? b.shape[0] : b.shape[1]
        var c = [Float](repeating: 0, count: m * n)
        a.data.withUnsafeBufferPointer { ap in
            b.data.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    sgemm(m: m, n: n, k: k, a: ap.base, b: bp.base, c: cp.base,
                          threads: threads, transposedB: transposedB)
                }
            }
        }
        return Tensor(shape: [m, n], data: c)
    }

    /// The layer's weight is unpacked from its panels into [in, out] for this call (fast mode only).
    static func linear(_ x: Tensor, _ layer: PackedLinear, threads: Int) -> Tensor {
        let m = x.rowCount, k = layer.inFeatures, n = layer.outFeatures, w = PackedLinear.panelWidth
        var wt = [Float](repeating: 0, count: k * n)
        wt.withUnsafeMutableBufferPointer { dst in
            for j in 0..<n {
                let base = (j / w) * k * w + j % w
                for kk in 0..<k { dst[kk * n + j] = layer.panelValue(base + kk * w) }
            }
        }
        var y = [Float](repeating: 0, count: m * n)
        x.data.withUnsafeBufferPointer { xp in
            wt.withUnsafeBufferPointer { wp in
                y.withUnsafeMutableBufferPointer { yp in
                    sgemm(m: m, n: n, k: k, a: xp.base, b: wp.base, c: yp.base, threads: threads)
                }
            }
        }
        if let bias = layer.paddedBias {
            for i in 0..<m { for j in 0..<n { y[i * n + j] = y[i * n + j] + bias[j] } }
        }
        return Tensor(shape: Array(x.shape.dropLast()) + [n], data: y)
    }
}
