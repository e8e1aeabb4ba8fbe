// The fast CPU backend: packed SIMD kernels, threads over outputs. In `exact` mode every op returns exactly the
// bits ReferenceBackend returns, at any thread count. In `fast` mode linear/matmul go through OpenBLAS.

public struct CPUBackend: Backend {
    /// Worker threads for one op (outputs are split between them; never a reduction).
    public let threads: Int
    public let mode: ComputeMode
    /// The exact GEMM's micro-kernel (linear, matmul, conv2d, attention); every variant gives the same bytes.
    public let kernel: CPUKernel
    let reference = ReferenceBackend()

    /// `kernel` defaults to the process's choice (CPUKernel.selected); it must be one this machine supports.
    public init(threads: Int, mode: ComputeMode = .exact, kernel: CPUKernel = .selected) {
        precondition(threads >= 1, "CPUBackend: threads must be >= 1, got \(threads)")
        precondition(kernel.isSupported, "CPUBackend: this CPU cannot run the \(kernel.rawValue) kernel")
        self.threads = threads
        self.mode = mode
        self.kernel = kernel
    }

    public func linear(_ x: Tensor, _ layer: PackedLinear) -> Tensor {
        ShapeRules.checkLinear(x, layer)
        if mode == .fast && x.count > 0 { return OpenBLASGEMM.linear(x, layer, threads: threads) }
        let m = x.rowCount, n = layer.outFeatures, k = layer.inFeatures
        var y = [Float](uninitializedCount: m * n)  // the GEMM writes every element (first K block from +0.0)
        x.data.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                layer.withPointers { panels, bias in
                    ExactGEMM.multiply(kernel: kernel, m: m, n: n, k: k, a: xp.base, lda: k, panels: panels,
                                       c: yp.base, ldc: n, bias: bias, threads: threads)
                }
            }
        }
        return Tensor(shape: Array(x.shape.dropLast()) + [n], data: y)
    }

    /// The residual add runs in the GEMM's epilogue, on each tile while it is in cache (no extra pass).
    public func linear(_ x: Tensor, _ layer: PackedLinear, adding residual: Tensor) -> Tensor {
        ShapeRules.checkLinear(x, layer, residual: residual)
        if mode == .fast { return add(residual, linear(x, layer)) }
        let m = x.rowCount, n = layer.outFeatures, k = layer.inFeatures
        var y = [Float](uninitializedCount: m * n)
        x.data.withUnsafeBufferPointer { xp in
            residual.data.withUnsafeBufferPointer { rp in
                y.withUnsafeMutableBufferPointer { yp in
                    layer.withPointers { panels, bias in
                        ExactGEMM.multiply(kernel: kernel, m: m, n: n, k: k, a: xp.base, lda: k, panels: panels,
                                           c: yp.base, ldc: n, bias: bias, residual: rp.base, threads: threads)
                    }
                }
            }
        }
        return Tensor(shape: residual.shape, data: y)
    }

    /// Both products in one pass over x: each packed block of x feeds the panels of both layers.
    public func linear(_ x: Tensor, _ first: PackedLinear, and second: PackedLinear) -> (Tensor, Tensor) {
        ShapeRules.checkLinear(x, first)
        ShapeRules.checkLinear(x, second)
        let m = x.rowCount, n1 = first.outFeatures, n2 = second.outFeatures, k = first.inFeatures
        guard mode == .exact, m > 0, n1 > 0, n2 > 0, !second.hasBias, kernel.cCode != nil,
              ExactGEMM.splitsRows(kernel: kernel, m: m, threads: threads) else {
            return (linear(x, first), linear(x, second))
        }
        var y1 = [Float](uninitializedCount: m * n1), y2 = [Float](uninitializedCount: m * n2)
        x.data.withUnsafeBufferPointer { xp in
            y1.withUnsafeMutableBufferPointer { p1 in
                y2.withUnsafeMutableBufferPointer { p2 in
                    first.withPointers { panels1, bias in
                        second.withPointers { panels2, _ in
                            ExactGEMM.multiplyPair(kernel: kernel, m: m, k: k, a: xp.base, lda: k,
                                                   first: (n1, panels1, p1.base, bias), second: (n2, panels2, p2.base),
                                                   threads: threads)
                        }
                    }
                }
            }
        }
        let lead = Array(x.shape.dropLast())
        return (Tensor(shape: lead + [n1], data: y1), Tensor(shape: lead + [n2], data: y2))
    }

    public func matmul(_ a: Tensor, _ b: Tensor) -> Tensor {
        _ = ShapeRules.product(a, b, transposedB: false)
        if mode == .fast { return OpenBLASGEMM.matmul(a, b, transposedB: false, threads: threads) }
        return exactMatmul(a, b, transposedB: false)
    }

    public func matmulTransposedB(_ a: Tensor, _ b: Tensor) -> Tensor {
        _ = ShapeRules.product(a, b, transposedB: true)
        if mode == .fast { return OpenBLASGEMM.matmul(a, b, transposedB: true, threads: threads) }
        return exactMatmul(a, b, transposedB: true)
    }

    /// Packs b into panels for this call, then runs the exact GEMM.
    func exactMatmul(_ a: Tensor, _ b: Tensor, transposedB: Bool) -> Tensor {
        let m = a.shape[0], k = a.shape[1], n = transposedB ? b.shape[0] : b.shape[1]
        var c = [Float](repeating: 0, count: m * n)
        guard m > 0, n > 0 else { return Tensor(shape: [m, n], data: c) }
        let storage = AlignedFloats(count: PanelPacking.packedCount(k: k, n: n))
        defer { withExtendedLifetime(storage) {} }
        let packed = storage.pointer
        a.data.withUnsafeBufferPointer { ap in
            b.data.withUnsafeBufferPointer { bp in
                if transposedB {
                    PanelPacking.packNK(bp.base, ldb: k, k: k, n: n, into: packed)
                } else {
                    PanelPacking.packKN(bp.base, ldb: n, k: k, n: n, into: packed)
                }
                c.withUnsafeMutableBufferPointer { cp in
                    ExactGEMM.multiply(kernel: kernel, m: m, n: n, k: k, a: ap.base, lda: k, panels: GEMMPanels(f32: packed),
                                       c: cp.base, ldc: n, bias: nil, threads: threads)
                }
            }
        }
        return Tensor(shape: [m, n], data: c)
    }

    // Concat and slice are contiguous block copies already in the reference (exact by construction).
    public func concat(_ tensors: [Tensor], axis: Int) -> Tensor { reference.concat(tensors, axis: axis) }
    public func slice(_ x: Tensor, axis: Int, range: Range<Int>) -> Tensor { reference.slice(x, axis: axis, range: range) }

    public func patchEmbed(_ image: Tensor, _ layer: PackedLinear, patch: Int) -> Tensor {
        linear(unfoldPatches(image, layer: layer, patch: patch), layer)
    }
}
