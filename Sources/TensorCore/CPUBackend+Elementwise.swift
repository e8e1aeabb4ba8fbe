// Elementwise ops, activations and permute: each output element computed by the same scalar expression as the
// reference; threads split the output into contiguous row ranges.
import Numerics

extension CPUBackend {
    /// Elements per worker below which an op stays on the calling thread.
    static let elementsPerThread = 1 << 15

    public func add(_ a: Tensor, _ b: Tensor) -> Tensor { binary(a, b, .add) }
    public func sub(_ a: Tensor, _ b: Tensor) -> Tensor { binary(a, b, .sub) }
    public func mul(_ a: Tensor, _ b: Tensor) -> Tensor { binary(a, b, .mul) }
    public func div(_ a: Tensor, _ b: Tensor) -> Tensor { binary(a, b, .div) }
    public func add(_ x: Tensor, scalar s: Float) -> Tensor { map(x) { $0 + s } }
    public func sub(_ x: Tensor, scalar s: Float) -> Tensor { map(x) { $0 - s } }
    public func mul(_ x: Tensor, scalar s: Float) -> Tensor { map(x) { $0 * s } }
    public func div(_ x: Tensor, scalar s: Float) -> Tensor { map(x) { $0 / s } }

    public func gelu(_ x: Tensor) -> Tensor { map(x, ScalarOps.gelu) }
    public func quickGelu(_ x: Tensor) -> Tensor { map(x, ScalarOps.quickGelu) }
    public func silu(_ x: Tensor) -> Tensor { map(x, ScalarOps.silu) }

    /// y_i = f(x_i), split over threads.
    func map(_ x: Tensor, _ f: @escaping @Sendable (Float) -> Float) -> Tensor {
        var y = [Float](repeating: 0, count: x.count)
        x.data.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                let (src, dst) = (SendableConstPointer(xp.base), SendablePointer(yp.base))
                Parallel.forRanges(x.count, threads: threads, minimumPerThread: Self.elementsPerThread) { range in
                    for i in range { dst.pointer[i] = f(src.pointer[i]) }
                }
            }
        }
        return Tensor(shape: x.shape, data: y)
    }

    /// Broadcasting binary op: rows of the output's last dimension, with each operand's last-dimension stride
    /// 1 (present) or 0 (broadcast).
    func binary(_ a: Tensor, _ b: Tensor, _ op: BinaryOp) -> Tensor {
        let shape = ShapeRules.broadcast(a.shape, b.shape, op: op.name)
        let sa = ShapeRules.broadcastStrides(a.shape, to: shape)
        let sb = ShapeRules.broadcastStrides(b.shape, to: shape)
        let n = shape.last ?? 1
        let rows = shape.isEmpty ? 1 : shape.dropLast().reduce(1, *)
        let (la, lb) = (sa.last ?? 0, sb.last ?? 0)
        let outer = Array(shape.dropLast())
        let outerStrides = Tensor.rowMajorStrides(outer)
        var y = [Float](repeating: 0, count: shape.reduce(1, *))
        guard !y.isEmpty else { return Tensor(shape: shape, data: y) }
        a.data.withUnsafeBufferPointer { ap in
            b.data.withUnsafeBufferPointer { bp in
                y.withUnsafeMutableBufferPointer { yp in
                    let (pa, pb, py) = (SendableConstPointer(ap.base), SendableConstPointer(bp.base), SendablePointer(yp.base))
                    Parallel.forRanges(rows, threads: threads, minimumPerThread: max(1, Self.elementsPerThread / max(n, 1))) { range in
                        for row in range {
                            var rest = row, oa = 0, ob = 0
                            for d in 0..<outer.count {
                                let coordinate = rest / outerStrides[d]
                                rest %= outerStrides[d]
                                oa += coordinate * sa[d]
                                ob += coordinate * sb[d]
                            }
                            let x = pa.pointer + oa, z = pb.pointer + ob, out = py.pointer + row * n
                            switch (la, lb) {
                            case (1, 1): for i in 0..<n { out[i] = op.apply(x[i], z[i]) }
                            case (1, _): let s = z[0]; for i in 0..<n { out[i] = op.apply(x[i], s) }
                            case (_, 1): let s = x[0]; for i in 0..<n { out[i] = op.apply(s, z[i]) }
                            default: let v = op.apply(x[0], z[0]); for i in 0..<n { out[i] = v }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: shape, data: y)
    }

    public func permute(_ x: Tensor, _ order: [Int]) -> Tensor {
        precondition(order.sorted() == Array(0..<x.rank), "permute: \(order) is not a permutation of rank \(x.rank)")
        guard x.rank > 0, x.count > 0 else { return reference.permute(x, order) }
        let shape = order.map { x.shape[$0] }
        let inStrides = x.strides
        let sourceStrides = order.map { inStrides[$0] }  // source stride of each output dimension
        let n = shape.last!, innerStride = sourceStrides.last!
        let outer = Array(shape.dropLast())
        let outerStrides = Tensor.rowMajorStrides(outer)
        var y = [Float](repeating: 0, count: x.count)
        x.data.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                let (src, dst) = (SendableConstPointer(xp.base), SendablePointer(yp.base))
                Parallel.forRanges(x.count / n, threads: threads, minimumPerThread: max(1, Self.elementsPerThread / n)) { range in
                    for row in range {
                        var rest = row, offset = 0
                        for d in 0..<outer.count {
                            offset += (rest / outerStrides[d]) * sourceStrides[d]
                            rest %= outerStrides[d]
                        }
                        let from = src.pointer + offset, to = dst.pointer + row * n
                        for i in 0..<n { to[i] = from[i * innerStride] }
                    }
                }
            }
        }
        return Tensor(shape: shape, data: y)
    }
}
