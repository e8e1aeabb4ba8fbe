// Exact attention on the GEMM kernel. Per (batch, head): K_h is packed once as the right operand of Q·Kᵀ and
// V_h as the right operand of P·V. Work items are (batch, head, block of query rows); each item computes its
// scores by rule 1, multiplies by the scale (and adds the bias, when there is one), runs the reference softmax
// row by row over the full key row, then P·V by rule 1 over keys ascending, into its own output elements. No
// online rescaling, no reductions split.
import CKernels
import Numerics

extension CPUBackend {
    /// Query rows per work item (a multiple of every kernel variant's tile rows, 6 and 12).
    static let attentionQueryBlock = 48

    public func attention(q: Tensor, k: Tensor, v: Tensor, heads: Int, scale: Float) -> Tensor {
        attention(q: q, k: k, v: v, heads: heads, scale: scale, optionalBias: nil)
    }

    public func attention(q: Tensor, k: Tensor, v: Tensor, heads: Int, scale: Float, bias: Tensor) -> Tensor {
        attention(q: q, k: k, v: v, heads: heads, scale: scale, optionalBias: bias)
    }

    /// Both attention ops; a bias [H or 1, Lq, Lk] is added to each scaled score (one add) before the softmax.
    func attention(q: Tensor, k: Tensor, v: Tensor, heads: Int, scale: Float, optionalBias bias: Tensor?) -> Tensor {
        let dims = ShapeRules.attention(q: q, k: k, v: v, heads: heads)
        let biasHeads = bias.map { ShapeRules.attentionBias($0, dims) } ?? 0
        let (lq, lk, width, d, batch) = (dims.queries, dims.keys, dims.width, dims.headDim, dims.batchCount)
        guard q.count > 0, d > 0 else { return Tensor(shape: q.shape, data: [Float](repeating: 0, count: q.count)) }
        var out = [Float](uninitializedCount: q.count)  // every (row, head) block is written by its work item

        let kPanelSize = PanelPacking.packedCount(k: d, n: lk), vPanelSize = PanelPacking.packedCount(k: lk, n: d)
        let pairs = batch * heads
        let kStorage = AlignedFloats(count: pairs * kPanelSize), vStorage = AlignedFloats(count: pairs * vPanelSize)
        defer { withExtendedLifetime((kStorage, vStorage)) {} }
        let (kp, vp) = (SendablePointer(kStorage.pointer), SendablePointer(vStorage.pointer))
        let (threads, kernel) = (self.threads, self.kernel)

        k.data.withUnsafeBufferPointer { kData in
            v.data.withUnsafeBufferPointer { vData in
                let (ks, vs) = (SendableConstPointer(kData.base), SendableConstPointer(vData.base))
                Parallel.forRanges(pairs, threads: threads) { range in
                    for pair in range {
                        let (b, h) = (pair / heads, pair % heads)
                        let offset = b * lk * width + h * d
                        PanelPacking.packNK(ks.pointer + offset, ldb: width, k: d, n: lk, into: kp.pointer + pair * kPanelSize)
                        PanelPacking.packKN(vs.pointer + offset, ldb: width, k: lk, n: d, into: vp.pointer + pair * vPanelSize)
                    }
                }
            }
        }

        let block = Self.attentionQueryBlock
        let blocksPerHead = (lq + block - 1) / block
        let keyPanels = (lk + PackedLinear.panelWidth - 1) / PackedLinear.panelWidth
        let valuePanels = (d + PackedLinear.panelWidth - 1) / PackedLinear.panelWidth
        let biasData = bias?.data ?? []
        q.data.withUnsafeBufferPointer { qData in
            out.withUnsafeMutableBufferPointer { oData in
                biasData.withUnsafeBufferPointer { bData in
                    let (qs, os) = (SendableConstPointer(qData.base), SendablePointer(oData.base))
                    let bs = bias == nil ? nil : SendableConstPointer(bData.base)
                    Parallel.forRanges(pairs * blocksPerHead, threads: threads) { items in
                        let scores = UnsafeMutablePointer<Float>.allocate(capacity: block * lk)
                        defer { scores.deallocate() }
                        for item in items {
                            let pair = item / blocksPerHead, i0 = (item % blocksPerHead) * block
                            let (b, h) = (pair / heads, pair % heads)
                            let rows = min(block, lq - i0)
                            let rowOffset = (b * lq + i0) * width + h * d
                            ExactGEMM.serial(kernel: kernel, rows: 0..<rows, panels: 0..<keyPanels, n: lk, k: d,
                                             a: qs.pointer + rowOffset, lda: width,
                                             b: GEMMPanels(f32: kp.pointer + pair * kPanelSize), c: scores, ldc: lk, bias: nil)
                            for r in 0..<rows {
                                let biasRow = bs.map { $0.pointer + ((biasHeads == 1 ? 0 : h) * lq + i0 + r) * lk }
                                Self.scaledSoftmaxRow(scores + r * lk, lk, scale: scale, bias: biasRow, kernel: kernel)
                            }
                            ExactGEMM.serial(kernel: kernel, rows: 0..<rows, panels: 0..<valuePanels, n: d, k: lk, a: scores,
                                             lda: lk, b: GEMMPanels(f32: vp.pointer + pair * vPanelSize),
                                             c: os.pointer + rowOffset, ldc: width, bias: nil)
                        }
                    }
                }
            }
        }
        return Tensor(shape: q.shape, data: out)
    }
}

extension CPUBackend {
    /// One row of scores in place: s = fl(s · scale), then fl(s + bias) when there is a bias, then softmaxRow's
    /// operations (the max by rule 3, e = exp(s − m), z = the canonical sum of e, e / z). The C variants
    /// (CKernels lw_softmax_row: 16 lanes with AVX-512, three passes) and this Swift form (the `swift` kernel;
    /// four passes) keep the same roundings in the same order as those separate passes: the bias shares the
    /// scale's pass, and each exponential is added to its lane of the canonical sum (Numerics.CanonicalSum: lane
    /// i mod 8, ascending; the tail's elements go to lanes 0, 1, … in order) as it is written.
    @inline(__always)
    static func scaledSoftmaxRow(_ row: UnsafeMutablePointer<Float>, _ n: Int, scale: Float, bias: UnsafePointer<Float>?,
                                 kernel: CPUKernel) {
        if let code = kernel.cCode {
            let status = lw_softmax_row(code, row, n, scale, bias)
            precondition(status == 0, "lw_softmax_row: the \(kernel.rawValue) variant is not supported here")
            return
        }
        if let bias {
            forEachLane(n, { row[$0] = row[$0] * scale + bias[$0] },
                        { storeLanes(loadLanes(row + $0) * scale + loadLanes(bias + $0), row + $0) })
        } else {
            mapLanes(row, row, n, { $0 * scale }, { $0 * scale })
        }
        let m = canonicalMax(row, n)
        var acc = SIMD8<Float>(repeating: 0)
        var i = 0
        while i + 8 <= n {
            let e = ExactMath.exp(loadLanes(row + i) - m)
            storeLanes(e, row + i)
            acc = acc + e
            i += 8
        }
        var lane = 0
        while i < n {
            let e = ExactMath.exp(row[i] - m)
            row[i] = e
            acc[lane] = acc[lane] + e
            lane += 1
            i += 1
        }
        let z = CanonicalSum.combine(acc)
        mapLanes(row, row, n, { $0 / z }, { $0 / z })
    }
}
