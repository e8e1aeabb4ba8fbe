// The exact GEMM (Docs/NUMERICS.md rule 1): C[i, j] = fma(a[i,K-1], b[K-1,j], … fma(a[i,0], b[0,j], +0.0)) (+ bias[j]).
//
// BLIS-style blocking: B comes pre-packed in 16-column panels ([K][16] per panel, see PackedLinear), in f32 or
// (half-resident weights) bf16/f16. A is packed per (mc × kc) block into micro-panels of the tile's rows. K is
// blocked by kc; between blocks the accumulator goes through C in memory as a Float (store, later load and
// continue), which is exact, so every element is ONE sequential fma chain over k ascending whatever the block
// sizes. Bias is added once, after the last block. Threads own disjoint row ranges (or panel ranges when there
// are few rows): the result is identical at every thread count.
//
// The register tile is chosen at run time (CPUKernel): the C variants in CKernels (AVX-512 12×32, AVX2 6×16,
// NEON 6×16, scalar) or the Swift 6×16 SIMD8 kernel below. All compute the same chains, so the same bytes.
import CKernels
import Numerics

/// The right operand of the GEMM: packed panels and their element type (LW_PANEL_*).
struct GEMMPanels {
    let base: UnsafeRawPointer
    let type: Int32

    init(f32 pointer: UnsafePointer<Float>) {
        base = UnsafeRawPointer(pointer)
        type = Int32(LW_PANEL_F32)
    }

    init(base: UnsafeRawPointer, type: Int32) {
        self.base = base
        self.type = type
    }
}

enum ExactGEMM {
    static let mr = 6
    static let nr = PackedLinear.panelWidth  // 16
    /// K block: a 16-wide B micro-panel of kc rows (32 KiB) is reused by every 6-row A panel; 512 halves the C
    /// round trips of 256 and measured faster (Docs/TOOLCHAIN.md §2 found the same).
    static let kc = 512
    /// M block: the packed A block (mc × kc floats, 192 KiB) stays in L2.
    static let mc = 192

    /// C rows 0..<m, columns 0..<n (row stride ldc) = (residual +) (A (row stride lda) · B (panels, K = k) (+ bias)).
    /// `bias`, when given, is padded to a multiple of 16. `residual`, when given, is an m × n matrix (row stride
    /// ldc, never C itself) added to each finished output with one IEEE add, residual on the left: the same
    /// bytes as a separate `add(residual, product)` pass, without that pass. Runs on up to `threads` workers.
    static func multiply(kernel: CPUKernel, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                         panels: GEMMPanels, c: UnsafeMutablePointer<Float>, ldc: Int, bias: UnsafePointer<Float>?,
                         residual: UnsafePointer<Float>? = nil, threads: Int) {
        guard m > 0, n > 0 else { return }
        let panelCount = (n + nr - 1) / nr
        let tileRows = kernel.tileRows
        let (ap, bp, cp) = (SendableConstPointer(a), SendableRawPointer(panels.base), SendablePointer(c))
        let panelType = panels.type
        let biasPointer = bias.map { SendableConstPointer($0) }
        let residualPointer = residual.map { SendableConstPointer($0) }
        let rowBlocks = (m + tileRows - 1) / tileRows
        // Split rows when each worker gets several tiles of rows; otherwise split the 16-column panels.
        if splitsRows(kernel: kernel, m: m, threads: threads) || panelCount < threads {
            Parallel.forRanges(rowBlocks, threads: threads) { blocks in
                let rows = blocks.lowerBound * tileRows ..< min(m, blocks.upperBound * tileRows)
                serial(kernel: kernel, rows: rows, panels: 0..<panelCount, n: n, k: k, a: ap.pointer, lda: lda,
                       b: GEMMPanels(base: bp.pointer, type: panelType), c: cp.pointer, ldc: ldc, bias: biasPointer?.pointer,
                       residual: residualPointer?.pointer)
            }
        } else {
            // AVX-512's tile is two panels wide: even panel ranges per worker avoid 16-wide leftovers in the middle.
            // (scalar tiles the same way but keeps odd splits, so tests also cover a worker starting at an odd panel.)
            let unit = kernel == .avx512 ? 2 : 1
            Parallel.forRanges((panelCount + unit - 1) / unit, threads: threads) { units in
                let range = units.lowerBound * unit ..< min(panelCount, units.upperBound * unit)
                serial(kernel: kernel, rows: 0..<m, panels: range, n: n, k: k, a: ap.pointer, lda: lda,
                       b: GEMMPanels(base: bp.pointer, type: panelType), c: cp.pointer, ldc: ldc, bias: biasPointer?.pointer,
                       residual: residualPointer?.pointer)
            }
        }
    }

    /// Whether the rows are split between workers: each gets at least two tiles of rows (or one worker takes
    /// all). `multiply` otherwise splits panels; `multiplyPair`, whose workers own row ranges of both outputs,
    /// runs only then.
    static func splitsRows(kernel: CPUKernel, m: Int, threads: Int) -> Bool {
        threads == 1 || (m + kernel.tileRows - 1) / kernel.tileRows >= 2 * threads
    }

    /// Two products of the same A (m × k, row stride lda) on up to `threads` workers by row ranges: C1 = A·B1
    /// (+ bias) and C2 = A·B2, both dense; the bytes of two `multiply` calls, with A packed once per block.
    /// Only for a C kernel (Swift's has no pair form) and when `splitsRows` is true.
    static func multiplyPair(kernel: CPUKernel, m: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                             first: (n: Int, panels: GEMMPanels, c: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?),
                             second: (n: Int, panels: GEMMPanels, c: UnsafeMutablePointer<Float>), threads: Int) {
        guard let code = kernel.cCode, splitsRows(kernel: kernel, m: m, threads: threads) else {
            preconditionFailure("ExactGEMM.multiplyPair: the \(kernel.rawValue) kernel, \(m) rows, \(threads) threads")
        }
        let tileRows = kernel.tileRows
        let ap = SendableConstPointer(a)
        let (b1, t1, c1) = (SendableRawPointer(first.panels.base), first.panels.type, SendablePointer(first.c))
        let (b2, t2, c2) = (SendableRawPointer(second.panels.base), second.panels.type, SendablePointer(second.c))
        let bias = first.bias.map { SendableConstPointer($0) }
        let (n1, n2) = (first.n, second.n)
        Parallel.forRanges((m + tileRows - 1) / tileRows, threads: threads) { blocks in
            let status = lw_gemm_serial_pair(code, blocks.lowerBound * tileRows, min(m, blocks.upperBound * tileRows), k,
                                             ap.pointer, lda, n1, b1.pointer, t1, c1.pointer, bias?.pointer,
                                             n2, b2.pointer, t2, c2.pointer)
            precondition(status == 0, "ExactGEMM: the \(kernel.rawValue) kernel failed (out of memory for its scratch?)")
        }
    }

    /// One worker's share: C[rows, panels] on the calling thread, with the given kernel variant.
    static func serial(kernel: CPUKernel, rows: Range<Int>, panels: Range<Int>, n: Int, k: Int, a: UnsafePointer<Float>,
                       lda: Int, b: GEMMPanels, c: UnsafeMutablePointer<Float>, ldc: Int, bias: UnsafePointer<Float>?,
                       residual: UnsafePointer<Float>? = nil) {
        guard let code = kernel.cCode else {
            swiftSerial(rows: rows, panels: panels, n: n, k: k, a: a, lda: lda, b: b, c: c, ldc: ldc, bias: bias)
            if let residual {
                // The Swift kernel (the comparison variant) adds the residual after its share, not per tile.
                for i in rows {
                    for j in panels.lowerBound * nr ..< min(n, panels.upperBound * nr) { c[i * ldc + j] = residual[i * ldc + j] + c[i * ldc + j] }
                }
            }
            return
        }
        let status = lw_gemm_serial(code, rows.lowerBound, rows.upperBound, panels.lowerBound, panels.upperBound,
                                    n, k, a, lda, b.base, b.type, c, ldc, bias, residual, ldc)
        // Variants are checked when selected and panel types are ours, so only scratch allocation can fail.
        precondition(status == 0, "ExactGEMM: the \(kernel.rawValue) kernel failed (out of memory for its scratch?)")
    }

    /// The Swift kernel's loop. Half panels are widened one (K block, panel) slice at a time into a scratch that
    /// every 6-row tile of the M block reuses (the same exact conversion as CKernels' lw_widen).
    static func swiftSerial(rows: Range<Int>, panels: Range<Int>, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                            b: GEMMPanels, c: UnsafeMutablePointer<Float>, ldc: Int, bias: UnsafePointer<Float>?) {
        if k == 0 {
            // Empty chain: +0.0, then the bias add.
            for i in rows {
                for j in panels.lowerBound * nr ..< min(n, panels.upperBound * nr) {
                    c[i * ldc + j] = bias.map { 0 + $0[j] } ?? 0
                }
            }
            return
        }
        let blockRows = min(mc, rows.count)
        let packedStorage = AlignedFloats(uninitializedCount: ((blockRows + mr - 1) / mr) * mr * min(kc, k))
        let half = b.type != Int32(LW_PANEL_F32)
        let widened = AlignedFloats(uninitializedCount: half ? min(kc, k) * nr : 0)
        defer { withExtendedLifetime((packedStorage, widened)) {} }
        let packedA = packedStorage.pointer
        let f32Panels = b.base.assumingMemoryBound(to: Float.self)
        let halfPanels = b.base.assumingMemoryBound(to: UInt16.self)
        var tile = SIMDTile()
        var pc = 0
        while pc < k {
            let kb = min(kc, k - pc)
            let first = pc == 0, last = pc + kb == k
            var ic = rows.lowerBound
            while ic < rows.upperBound {
                let mb = min(mc, rows.upperBound - ic)
                packA(a + ic * lda + pc, lda: lda, rows: mb, kb: kb, into: packedA)
                for p in panels {
                    let bPanel: UnsafePointer<Float>
                    if half {
                        lw_widen(b.type, halfPanels + p * k * nr + pc * nr, widened.pointer, kb * nr)
                        bPanel = UnsafePointer(widened.pointer)
                    } else {
                        bPanel = f32Panels + p * k * nr + pc * nr
                    }
                    let cols = min(nr, n - p * nr)
                    let panelBias = last ? bias.map { $0 + p * nr } : nil
                    var ir = 0
                    while ir < mb {
                        let rowsHere = min(mr, mb - ir)
                        let cTile = c + (ic + ir) * ldc + p * nr
                        let aPanel = UnsafePointer(packedA + ir * kb)
                        if rowsHere == mr && cols == nr {
                            microKernel(kb, aPanel, bPanel, cTile, ldc, first, panelBias)
                        } else {
                            tile.run(kb, aPanel, bPanel, cTile, ldc, rows: rowsHere, cols: cols, first, panelBias)
                        }
                        ir += mr
                    }
                }
                ic += mb
            }
            pc += kb
        }
    }

    /// A[rows, kb] (row stride lda) -> micro-panels of 6 rows, each [kb][6]; missing rows are zero.
    /// Writes every element of the (rows rounded up to 6) × kb block.
    @inline(__always)
    static func packA(_ a: UnsafePointer<Float>, lda: Int, rows: Int, kb: Int, into dst: UnsafeMutablePointer<Float>) {
        var ir = 0
        while ir < rows {
            let panel = dst + ir * kb
            let here = min(mr, rows - ir)
            if here == mr {
                // Full panel: six row streams interleaved into contiguous stores (one pass, no strided writes).
                let s0 = a + ir * lda, s1 = s0 + lda, s2 = s1 + lda, s3 = s2 + lda, s4 = s3 + lda, s5 = s4 + lda
                var d = panel
                for kk in 0..<kb {
                    d[0] = s0[kk]; d[1] = s1[kk]; d[2] = s2[kk]; d[3] = s3[kk]; d[4] = s4[kk]; d[5] = s5[kk]
                    d += mr
                }
                ir += mr
                continue
            }
            for r in 0..<mr {
                if r < here {
                    let src = a + (ir + r) * lda
                    for kk in 0..<kb { panel[kk * mr + r] = src[kk] }
                } else {
                    for kk in 0..<kb { panel[kk * mr + r] = 0 }
                }
            }
            ir += mr
        }
    }

    /// The 6×16 register tile: C (6 rows at stride ldc, 16 columns) continues its fma chains over kb more k.
    @inline(__always)
    static func microKernel(_ kb: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                            _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ first: Bool, _ bias: UnsafePointer<Float>?) {
        typealias V = SIMD8<Float>
        @inline(__always) func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
        @inline(__always) func store(_ v: V, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self) }
        var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V()
        var c30 = V(), c31 = V(), c40 = V(), c41 = V(), c50 = V(), c51 = V()
        if !first {
            c00 = load(c); c01 = load(c + 8)
            c10 = load(c + ldc); c11 = load(c + ldc + 8)
            c20 = load(c + 2 * ldc); c21 = load(c + 2 * ldc + 8)
            c30 = load(c + 3 * ldc); c31 = load(c + 3 * ldc + 8)
            c40 = load(c + 4 * ldc); c41 = load(c + 4 * ldc + 8)
            c50 = load(c + 5 * ldc); c51 = load(c + 5 * ldc + 8)
        }
        var ap = a, bp = b
        for _ in 0..<kb {
            let b0 = load(bp), b1 = load(bp + 8)
            var x = V(repeating: ap[0])
            c00 = c00.addingProduct(x, b0); c01 = c01.addingProduct(x, b1)
            x = V(repeating: ap[1])
            c10 = c10.addingProduct(x, b0); c11 = c11.addingProduct(x, b1)
            x = V(repeating: ap[2])
            c20 = c20.addingProduct(x, b0); c21 = c21.addingProduct(x, b1)
            x = V(repeating: ap[3])
            c30 = c30.addingProduct(x, b0); c31 = c31.addingProduct(x, b1)
            x = V(repeating: ap[4])
            c40 = c40.addingProduct(x, b0); c41 = c41.addingProduct(x, b1)
            x = V(repeating: ap[5])
            c50 = c50.addingProduct(x, b0); c51 = c51.addingProduct(x, b1)
            ap += mr
            bp += nr
        }
        if let bias {
            let b0 = load(bias), b1 = load(bias + 8)
            c00 += b0; c01 += b1; c10 += b0; c11 += b1; c20 += b0; c21 += b1
            c30 += b0; c31 += b1; c40 += b0; c41 += b1; c50 += b0; c51 += b1
        }
        store(c00, c); store(c01, c + 8)
        store(c10, c + ldc); store(c11, c + ldc + 8)
        store(c20, c + 2 * ldc); store(c21, c + 2 * ldc + 8)
        store(c30, c + 3 * ldc); store(c31, c + 3 * ldc + 8)
        store(c40, c + 4 * ldc); store(c41, c + 4 * ldc + 8)
        store(c50, c + 5 * ldc); store(c51, c + 5 * ldc + 8)
    }

    /// Edge tiles (fewer than 6 rows or 16 columns) run the same kernel on a private 6×16 copy.
    struct SIMDTile {
        var buffer = [Float](repeating: 0, count: mr * nr)

        mutating func run(_ kb: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                          _ ldc: Int, rows: Int, cols: Int, _ first: Bool, _ bias: UnsafePointer<Float>?) {
            buffer.withUnsafeMutableBufferPointer { t in
                let tp = t.baseAddress!
                if !first {
                    for r in 0..<rows { for j in 0..<cols { tp[r * nr + j] = c[r * ldc + j] } }
                }
                ExactGEMM.microKernel(kb, a, b, tp, nr, first, bias)
                for r in 0..<rows { for j in 0..<cols { c[r * ldc + j] = tp[r * nr + j] } }
            }
        }
    }
}
