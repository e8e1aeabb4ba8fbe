// Rule-1 products on the device: linear, matmul, matmulTransposedB, patchEmbed, all through gemm_panels.comp.
import TensorCore

extension VulkanBackend {
    public func linear(_ x: Tensor, _ layer: PackedLinear) -> Tensor {
        ShapeRules.checkLinear(x, layer)
        let m = x.rowCount, n = layer.outFeatures
        let y = run("linear") { () throws -> [Float] in
            guard m > 0, n > 0 else { return [] }
            let (panels, bias) = try weights.buffers(for: layer, on: device)
            return try gemm(a: x.data, m: m, k: layer.inFeatures, n: n, panels: panels, bias: bias)
        }
        return Tensor(shape: Array(x.shape.dropLast()) + [n], data: y)
    }

    public func matmul(_ a: Tensor, _ b: Tensor) -> Tensor {
        _ = ShapeRules.product(a, b, transposedB: false)
        return product(a, b, transposedB: false)
    }

    public func matmulTransposedB(_ a: Tensor, _ b: Tensor) -> Tensor {
        _ = ShapeRules.product(a, b, transposedB: true)
        return product(a, b, transposedB: true)
    }

    public func patchEmbed(_ image: Tensor, _ layer: PackedLinear, patch: Int) -> Tensor {
        // The unfold is an exact copy (same routine as every backend); the product runs on the device.
        linear(unfoldPatches(image, layer: layer, patch: patch), layer)
    }

    func product(_ a: Tensor, _ b: Tensor, transposedB: Bool) -> Tensor {
        let (m, k, n) = ShapeRules.product(a, b, transposedB: transposedB)
        let c = run(transposedB ? "matmulTransposedB" : "matmul") { () throws -> [Float] in
            guard m > 0, n > 0 else { return [] }
            let panels = try device.buffer(Self.packPanels(b.data, k: k, n: n, transposed: transposedB))
            return try gemm(a: a.data, m: m, k: k, n: n, panels: panels, bias: nil)
        }
        return Tensor(shape: [m, n], data: c.isEmpty ? [Float](repeating: 0, count: m * n) : c)
    }

    /// C [m, n] = A [m, k] · B (panels) (+ bias) on the device.
    func gemm(a: [Float], m: Int, k: Int, n: Int, panels: VulkanBuffer, bias: VulkanBuffer?) throws -> [Float] {
        let lda4 = max(1, (k + 3) / 4)
        let aBuffer = try device.buffer(count: m * lda4 * 4)
        if k % 4 == 0 { aBuffer.upload(a) } else {
            // Rows padded to whole texels; the padding is never part of a chain (the kernel stops at k = K).
            aBuffer.fill(bitPattern: 0)
            a.withUnsafeBufferPointer { src in
                for i in 0..<m { (aBuffer.mapped + i * lda4 * 4).update(from: src.baseAddress! + i * k, count: k) }
            }
        }
        let out = try device.output(count: m * n, for: device.gemmKernel.shader)
        let biasBuffer = try bias ?? device.buffer(count: 4)
        try Self.dispatchGEMM(on: device, a: aBuffer, panels: panels, bias: biasBuffer, out: out, m: m, k: k, n: n,
                              hasBias: bias != nil)
        return try out.download()
    }

    /// One exact GEMM dispatch with the device's kernel; both kernels cover 64x64 outputs per workgroup.
    static func dispatchGEMM(on device: VulkanDevice, a: VulkanBuffer, panels: VulkanBuffer, bias: VulkanBuffer,
                             out: OutputBuffer, m: Int, k: Int, n: Int, hasBias: Bool) throws {
        let texel = device.gemmKernel == .texel
        try device.dispatch(device.gemmKernel.shader,
                            bindings: [texel ? .texels(a) : .storage(a), texel ? .texels(panels) : .storage(panels),
                                       .storage(bias), out.binding],
                            push: PushConstants(m, n, k, max(1, (k + 3) / 4), hasBias ? 1 : 0),
                            groups: ((n + 63) / 64, (m + 63) / 64, 1))
    }

    /// B in the PackedLinear panel layout ([panels][K][16], zero-padded columns) from [K, N] or, transposed, [N, K].
    static func packPanels(_ b: [Float], k: Int, n: Int, transposed: Bool) -> [Float] {
        let w = PackedLinear.panelWidth
        let panelCount = (n + w - 1) / w
        var out = [Float](repeating: 0, count: max(panelCount * k * w, 4))
        for j in 0..<n {
            let base = (j / w) * k * w + j % w
            for kk in 0..<k { out[base + kk * w] = transposed ? b[j * k + kk] : b[kk * n + j] }
        }
        return out
    }
}
