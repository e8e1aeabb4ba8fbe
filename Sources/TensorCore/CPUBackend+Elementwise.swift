// Elementwise ops, activations and permute: each output element computed by the same scalar expression as the
// reference; threads split the output into contiguous row ranges.
import CKernels
import Numerics

extension CPUBackend {
    /// Elements per worker below which an op stays on the calling thread.
    static let elementsPerThread = 1 << 15

    public func add(_ a: Tensor, _ b: Tensor) -> Tensor { binary(a, b, .add) }
    public func sub(_ a: Tensor, _ b: Tensor) -> Tensor { binary(a, b, .sub) }
    public func mul(_ a: Tensor, _ b: Tensor) -> Tensor { binary(a, b, .mul) }
    public func div(_ a: Tensor, _ b: Tensor) -> Tensor { binary(a, b, .div) }
    public func add(_ x: Tensor, scalar s: Float) -> Tensor { map(x) { mapLanes($0, $1, $2, { $0 + s }, { $0 + s }) } }
    public func sub(_ x: Tensor, scalar s: Float) -> Tensor { map(x) { mapLanes($0, $1, $2, { $0 - s }, { $0 - s }) } }
    public func mul(_ x: Tensor, scalar s: Float) -> Tensor { map(x) { mapLanes($0, $1, $2, { $0 * s }, { $0 * s }) } }
    public func div(_ x: Tensor, scalar s: Float) -> Tensor { map(x) { mapLanes($0, $1, $2, { $0 / s }, { $0 / s }) } }

    public func gelu(_ x: Tensor) -> Tensor {
        guard let code = kernel.cCode else { return map(x) { mapLanes($0, $1, $2, ScalarOps.gelu, ScalarOps.gelu) } }
        return map(x) { precondition(lw_gelu(code, $0, $1, $2) == 0, "lw_gelu: variant not supported here") }  // C: 16 lanes with AVX-512
    }
    public func quickGelu(_ x: Tensor) -> Tensor { map(x) { mapLanes($0, $1, $2, ScalarOps.quickGelu, ScalarOps.quickGelu) } }
    public func silu(_ x: Tensor) -> Tensor { map(x) { mapLanes($0, $1, $2, ScalarOps.silu, ScalarOps.silu) } }

    /// Runs `chunk(src, dst, count)` over contiguous pieces of x, split over threads; chunk computes
    /// y_i = f(x_i) for its piece (`mapLanes` with the scalar and 8-lane forms of f).
    func map(_ x: Tensor,
             _ chunk: @escaping @Sendable (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) -> Tensor {
        var y = [Float](uninitializedCount: x.count)  // the chunks cover every element
        x.data.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                let (src, dst) = (SendableConstPointer(xp.base), SendablePointer(yp.base))
                Parallel.forRanges(x.count, threads: threads, minimumPerThread: Self.elementsPerThread) { range in
                    chunk(src.pointer + range.lowerBound, dst.pointer + range.lowerBound, range.count)
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
        var y = [Float](uninitializedCount: shape.reduce(1, *))  // every row is written below
        guard !y.isEmpty else { return Tensor(shape: shape, data: y) }
        a.data.withUnsafeBufferPointer { ap in
            b.data.withUnsafeBufferPointer { bp in
                y.withUnsafeMutableBufferPointer { yp in
                    let (pa, pb, py) = (SendableConstPointer(ap.base), SendableConstPointer(bp.base), SendablePointer(yp.base))
                    Parallel.forRanges(rows, threads: threads, minimumPerThread: max(1, Self.elementsPerThread / max(n, 1))) { range in
                        for row in range {
                            let (oa, ob) = ShapeRules.broadcastOffsets(row, outStrides: outerStrides, sa, sb)
                            op.applyRow(pa.pointer + oa, la, pb.pointer + ob, lb, py.pointer + row * n, n)
                        }
                    }
                }
            }
        }
        return Tensor(shape: shape, data: y)
    }

    public func permute(_ x: Tensor, _ order: [Int]) -> Tensor {
        let shape = ShapeRules.permute(x.shape, order)
        guard x.rank > 0, x.count > 0 else { return reference.permute(x, order) }
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
