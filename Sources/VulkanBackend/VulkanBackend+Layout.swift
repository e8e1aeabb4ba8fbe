// Layout ops on the device (exact word copies through copy_strided.comp): concat, slice, permute.
import TensorCore

extension VulkanBackend {
    static let maxCopyRank = 8

    /// copy_strided.comp takes up to 8 dimensions; above that the layout op runs on the host (see `supports`).
    static func copyFits(rank: Int) -> Bool { rank <= maxCopyRank }

    public func permute(_ x: Tensor, _ order: [Int]) -> Tensor {
        let shape = ShapeRules.permute(x.shape, order)
        guard Self.copyFits(rank: x.rank) else { return host.permute(x, order) }
        let inStrides = x.strides
        let data = run("permute") { () throws -> [Float] in
            try copies(into: shape, from: [(x.data, CopyView(shape: shape, srcStrides: order.map { inStrides[$0] },
                                                            srcOffset: 0, dstOffset: 0))])
        }
        return Tensor(shape: shape, data: data)
    }

    public func slice(_ x: Tensor, axis: Int, range: Range<Int>) -> Tensor {
        let (a, shape) = ShapeRules.slice(x.shape, axis: axis, range: range)
        guard Self.copyFits(rank: x.rank) else { return host.slice(x, axis: a, range: range) }
        let data = run("slice") { () throws -> [Float] in
            try copies(into: shape, from: [(x.data, CopyView(shape: shape, srcStrides: x.strides,
                                                            srcOffset: range.lowerBound * x.strides[a], dstOffset: 0))])
        }
        return Tensor(shape: shape, data: data)
    }

    public func concat(_ tensors: [Tensor], axis: Int) -> Tensor {
        let (a, shape) = ShapeRules.concat(tensors.map(\.shape), axis: axis)
        guard Self.copyFits(rank: shape.count) else { return host.concat(tensors, axis: a) }
        let outStrides = Tensor.rowMajorStrides(shape)
        var offset = 0
        var parts: [([Float], CopyView)] = []
        for t in tensors {
            parts.append((t.data, CopyView(shape: t.shape, srcStrides: t.strides, srcOffset: 0, dstOffset: offset * outStrides[a])))
            offset += t.shape[a]
        }
        let data = run("concat") { () throws -> [Float] in try copies(into: shape, from: parts) }
        return Tensor(shape: shape, data: data)
    }

    /// One strided view copied from a source array into the output (destination strides: the output's row-major).
    struct CopyView {
        var shape: [Int]
        var srcStrides: [Int]
        var srcOffset: Int
        var dstOffset: Int
    }

    /// The output of `shape`, filled by copying every view (one submission, one dispatch per view).
    func copies(into shape: [Int], from views: [([Float], CopyView)]) throws -> [Float] {
        let total = shape.reduce(1, *)
        guard total > 0 else { return [] }
        let out = try device.output(count: total, for: "copy_strided")
        let dstStridesFull = Tensor.rowMajorStrides(shape)
        let sources = try views.map { try device.buffer($0.0) }
        try device.sequence { recorder in
            for (source, (_, view)) in zip(sources, views) {
                let count = view.shape.reduce(1, *)
                guard count > 0 else { continue }
                var push = PushConstants(count, view.shape.count, view.srcOffset, view.dstOffset)
                for list in [view.shape, view.srcStrides, view.shape.indices.map { dstStridesFull[$0] }] {
                    for d in 0..<Self.maxCopyRank { push.append(d < list.count ? list[d] : 0) }
                }
                let groups = (count + 255) / 256
                let gx = min(groups, 65535)
                try recorder.dispatch("copy_strided", bindings: [.storage(source), out.binding], push: push,
                                      groups: (gx, (groups + gx - 1) / gx, 1))
            }
        }
        return try out.download()
    }
}
