// Layout ops on the device (exact word copies through copy_strided.comp): concat, slice, permute.
import TensorCore

extension VulkanBackend {
    static let maxCopyRank = 8

    public func permute(_ x: Tensor, _ order: [Int]) -> Tensor {
        precondition(order.count == x.rank && Set(order) == Set(0..<x.rank), "permute: order \(order) for rank \(x.rank)")
        let shape = order.map { x.shape[$0] }
        guard x.rank <= Self.maxCopyRank else { return host.permute(x, order) }
        let inStrides = x.strides
        let data = run("permute") { () throws -> [Float] in
            try copies(into: shape, from: [(x.data, CopyView(shape: shape, srcStrides: order.map { inStrides[$0] },
                                                            srcOffset: 0, dstOffset: 0))])
        }
        return Tensor(shape: shape, data: data)
    }

    public func slice(_ x: Tensor, axis: Int, range: Range<Int>) -> Tensor {
        precondition(axis >= 0 && axis < x.rank && range.lowerBound >= 0 && range.upperBound <= x.shape[axis],
                     "slice: \(range) of axis \(axis) in \(x.shape)")
        var shape = x.shape
        shape[axis] = range.count
        guard x.rank <= Self.maxCopyRank else { return host.slice(x, axis: axis, range: range) }
        let data = run("slice") { () throws -> [Float] in
            try copies(into: shape, from: [(x.data, CopyView(shape: shape, srcStrides: x.strides,
                                                            srcOffset: range.lowerBound * x.strides[axis], dstOffset: 0))])
        }
        return Tensor(shape: shape, data: data)
    }

    public func concat(_ tensors: [Tensor], axis: Int) -> Tensor {
        precondition(!tensors.isEmpty, "concat: no tensors")
        let first = tensors[0]
        precondition(axis >= 0 && axis < first.rank, "concat: axis \(axis) for rank \(first.rank)")
        for t in tensors {
            precondition(t.rank == first.rank && (0..<t.rank).allSatisfy { $0 == axis || t.shape[$0] == first.shape[$0] },
                         "concat: \(t.shape) does not fit \(first.shape) along axis \(axis)")
        }
        var shape = first.shape
        shape[axis] = tensors.map { $0.shape[axis] }.reduce(0, +)
        guard first.rank <= Self.maxCopyRank else { return host.concat(tensors, axis: axis) }
        let outStrides = Tensor.rowMajorStrides(shape)
        var offset = 0
        var parts: [([Float], CopyView)] = []
        for t in tensors {
            parts.append((t.data, CopyView(shape: t.shape, srcStrides: t.strides, srcOffset: 0, dstOffset: offset * outStrides[axis])))
            offset += t.shape[axis]
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
