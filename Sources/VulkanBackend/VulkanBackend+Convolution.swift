// Image ops on the device. conv2d: per band of output pixels (as CPUBackend, so the unfolded operand stays
// bounded), im2col.comp unfolds the rows, the exact GEMM kernel multiplies them by the cached weight panels
// (+ bias), and copy_strided.comp transposes the [pixels, O] product into the channel-major output; one
// submission per band. groupNorm: group_norm_stats.comp (one invocation per group: canonical sums) then
// group_norm.comp (one per element). upsampleNearest2x: a copy_strided view with stride 0 on the repeated axes.
import TensorCore

extension VulkanBackend {
    /// Floats of unfolded operand per band (as CPUBackend.convolutionBandFloats).
    static let convolutionBandFloats = 1 << 22

    public func conv2d(_ x: Tensor, _ layer: PackedLinear, kernel: Int, stride: Int, padding: Padding2D) -> Tensor {
        let g = ShapeRules.conv2d(x, layer, kernel: kernel, stride: stride, padding: padding)
        let (pixels, outChannels, depth) = (g.outPixels, g.outChannels, g.depth)
        let total = g.batch * outChannels * pixels
        guard total > 0 else { return Tensor(shape: g.outputShape, data: []) }
        let y = run("conv2d") { () throws -> [Float] in
            let (panels, bias) = try weights.buffers(for: layer, on: device)
            let biasBuffer = try bias ?? device.buffer(count: 4)
            let input = try device.buffer(x.data.isEmpty ? [0] : x.data)
            let lda4 = max(1, (depth + 3) / 4)
            let band = max(1, min(pixels, Self.convolutionBandFloats / (lda4 * 4)))
            let rows = try device.buffer(count: band * lda4 * 4)
            let product = try device.buffer(count: band * outChannels)
            let out = try device.output(count: total, for: "conv2d")
            let texel = device.gemmKernel == .texel
            for n in 0..<g.batch {
                for start in Swift.stride(from: 0, to: pixels, by: band) {
                    let count = min(band, pixels - start)
                    try device.sequence { recorder in
                        let unfold = PushConstants(count * lda4 * 4, depth, lda4 * 4, g.channels, g.height, g.width,
                                                   g.kernel, g.stride, padding.top, padding.left, g.outWidth, start,
                                                   n * g.channels * g.height * g.width)
                        try recorder.dispatch("im2col", bindings: [.storage(input), .storage(rows)], push: unfold,
                                              groups: Self.groups(for: count * lda4 * 4))
                        try recorder.dispatch(device.gemmKernel.shader,
                                              bindings: [texel ? .texels(rows) : .storage(rows),
                                                         texel ? .texels(panels) : .storage(panels),
                                                         .storage(biasBuffer), .storage(product)],
                                              push: PushConstants(count, outChannels, depth, lda4, bias != nil ? 1 : 0),
                                              groups: ((outChannels + 63) / 64, (count + 63) / 64, 1))
                        // product [count, O] -> out[n, o, start + r]: view [O, count], source strides [1, O].
                        var push = PushConstants(outChannels * count, 2, 0, n * outChannels * pixels + start)
                        for list in [[outChannels, count], [1, outChannels], [pixels, 1]] {
                            for d in 0..<Self.maxCopyRank { push.append(d < list.count ? list[d] : 0) }
                        }
                        let groups = (outChannels * count + 255) / 256
                        let gx = min(groups, 65535)
                        try recorder.dispatch("copy_strided", bindings: [.storage(product), out.binding], push: push,
                                              groups: (gx, (groups + gx - 1) / gx, 1))
                    }
                }
            }
            return try out.download()
        }
        return Tensor(shape: g.outputShape, data: y)
    }

    public func groupNorm(_ x: Tensor, groups: Int, weight: Tensor?, bias: Tensor?, eps: Float) -> Tensor {
        let (batch, channels, spatial) = ShapeRules.groupNorm(x, groups: groups, weight: weight, bias: bias)
        guard x.count > 0 else { return x }
        let perGroup = channels / groups, n = perGroup * spatial, items = batch * groups
        let y = run("groupNorm") { () throws -> [Float] in
            let input = try device.buffer(x.data)
            let stats = try device.buffer(count: 2 * items)
            let w = try weight.map { try device.buffer($0.data) } ?? device.buffer(count: 1)
            let b = try bias.map { try device.buffer($0.data) } ?? device.buffer(count: 1)
            let out = try device.output(count: x.count, for: "group_norm")
            var statsPush = PushConstants(items, n)
            statsPush.append(eps)
            let flags = (weight == nil ? 0 : 1) | (bias == nil ? 0 : 2)
            try device.sequence { recorder in
                try recorder.dispatch("group_norm_stats", bindings: [.storage(input), .storage(stats)], push: statsPush,
                                      groups: Self.groups(for: items))
                try recorder.dispatch("group_norm", bindings: [.storage(input), .storage(stats), .storage(w), .storage(b), out.binding],
                                      push: PushConstants(x.count, n, spatial, groups, perGroup, flags),
                                      groups: Self.groups(for: x.count))
            }
            return try out.download()
        }
        return Tensor(shape: x.shape, data: y)
    }

    public func upsampleNearest2x(_ x: Tensor) -> Tensor {
        let shape = ShapeRules.upsampleNearest2x(x.shape)
        guard x.count > 0 else { return Tensor(shape: shape, data: []) }
        let h = x.shape[x.rank - 2], w = x.shape[x.rank - 1], planes = x.count / (h * w)
        // Output [planes, H, 2, W, 2] row-major = [..., 2H, 2W]; the two repeat axes read the source with stride 0.
        let view = CopyView(shape: [planes, h, 2, w, 2], srcStrides: [h * w, w, 0, 1, 0], srcOffset: 0, dstOffset: 0)
        let data = run("upsampleNearest2x") { () throws -> [Float] in
            try copies(into: [planes, h, 2, w, 2], from: [(x.data, view)])
        }
        return Tensor(shape: shape, data: data)
    }
}
