// The living definition of every op: scalar loops written straight from Docs/NUMERICS.md, no blocking, no threads.
// CPUBackend (and any later backend) must reproduce these results bit for bit in `exact` mode.
import Numerics

public struct ReferenceBackend: Backend {
    public init() {}
    public var mode: ComputeMode { .exact }

    // MARK: Products

    public func linear(_ x: Tensor, _ layer: PackedLinear) -> Tensor {
        ShapeRules.checkLinear(x, layer)
        let rows = x.rowCount, n = layer.outFeatures, k = layer.inFeatures
        var y = [Float](repeating: 0, count: rows * n)
        for i in 0..<rows {
            for j in 0..<n {
                var acc: Float = 0
                for kk in 0..<k { acc = acc.addingProduct(x.data[i * k + kk], layer.weight(out: j, in: kk)) }
                if let b = layer.bias(out: j) { acc = acc + b }
                y[i * n + j] = acc
            }
        }
        return Tensor(shape: Array(x.shape.dropLast()) + [n], data: y)
    }

    public func matmul(_ a: Tensor, _ b: Tensor) -> Tensor { product(a, b, transposedB: false) }
    public func matmulTransposedB(_ a: Tensor, _ b: Tensor) -> Tensor { product(a, b, transposedB: true) }

    /// c[i, j] = fma chain over kk ascending of a[i, kk] · b[kk, j] (b[j, kk] when transposed).
    func product(_ a: Tensor, _ b: Tensor, transposedB: Bool) -> Tensor {
        let (m, k, n) = ShapeRules.product(a, b, transposedB: transposedB)
        return Tensor(shape: [m, n]) { idx in
            let i = idx / n, j = idx % n
            var acc: Float = 0
            for kk in 0..<k { acc = acc.addingProduct(a.data[i * k + kk], transposedB ? b.data[j * k + kk] : b.data[kk * n + j]) }
            return acc
        }
    }

    // MARK: Elementwise

    public func add(_ a: Tensor, _ b: Tensor) -> Tensor { binary(a, b, .add) }
    public func sub(_ a: Tensor, _ b: Tensor) -> Tensor { binary(a, b, .sub) }
    public func mul(_ a: Tensor, _ b: Tensor) -> Tensor { binary(a, b, .mul) }
    public func div(_ a: Tensor, _ b: Tensor) -> Tensor { binary(a, b, .div) }
    public func add(_ x: Tensor, scalar s: Float) -> Tensor { Tensor(shape: x.shape, data: x.data.map { $0 + s }) }
    public func sub(_ x: Tensor, scalar s: Float) -> Tensor { Tensor(shape: x.shape, data: x.data.map { $0 - s }) }
    public func mul(_ x: Tensor, scalar s: Float) -> Tensor { Tensor(shape: x.shape, data: x.data.map { $0 * s }) }
    public func div(_ x: Tensor, scalar s: Float) -> Tensor { Tensor(shape: x.shape, data: x.data.map { $0 / s }) }

    func binary(_ a: Tensor, _ b: Tensor, _ op: BinaryOp) -> Tensor {
        let shape = ShapeRules.broadcast(a.shape, b.shape, op: op.name)
        let sa = ShapeRules.broadcastStrides(a.shape, to: shape)
        let sb = ShapeRules.broadcastStrides(b.shape, to: shape)
        let outStrides = Tensor.rowMajorStrides(shape)
        return Tensor(shape: shape) { idx in
            let (ia, ib) = ShapeRules.broadcastOffsets(idx, outStrides: outStrides, sa, sb)
            return op.apply(a.data[ia], b.data[ib])
        }
    }

    // MARK: Activations

    public func gelu(_ x: Tensor) -> Tensor { Tensor(shape: x.shape, data: x.data.map(ScalarOps.gelu)) }
    public func quickGelu(_ x: Tensor) -> Tensor { Tensor(shape: x.shape, data: x.data.map(ScalarOps.quickGelu)) }
    public func silu(_ x: Tensor) -> Tensor { Tensor(shape: x.shape, data: x.data.map(ScalarOps.silu)) }

    // MARK: Norms and softmax

    public func layerNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, eps: Float) -> Tensor {
        let n = x.lastDimension
        ShapeRules.checkRowParameter(weight, n, "layerNorm weight")
        ShapeRules.checkRowParameter(bias, n, "layerNorm bias")
        var y = x.data
        for row in 0..<x.rowCount {
            let base = row * n
            let mean = LaneSum.reference(n) { x.data[base + $0] } / Float(n)
            let d = (0..<n).map { x.data[base + $0] - mean }
            let variance = LaneSum.reference(n) { d[$0] * d[$0] } / Float(n)
            let r = 1 / (variance + eps).squareRoot()
            for i in 0..<n {
                var v = d[i] * r
                if let weight { v = v * weight.data[i] }
                if let bias { v = v + bias.data[i] }
                y[base + i] = v
            }
        }
        return Tensor(shape: x.shape, data: y)
    }

    public func rmsNorm(_ x: Tensor, weight: Tensor?, eps: Float) -> Tensor {
        let n = x.lastDimension
        ShapeRules.checkRowParameter(weight, n, "rmsNorm weight")
        var y = x.data
        for row in 0..<x.rowCount {
            let base = row * n
            let meanSquare = LaneSum.reference(n) { x.data[base + $0] * x.data[base + $0] } / Float(n)
            let r = 1 / (meanSquare + eps).squareRoot()
            for i in 0..<n {
                var v = x.data[base + i] * r
                if let weight { v = v * weight.data[i] }
                y[base + i] = v
            }
        }
        return Tensor(shape: x.shape, data: y)
    }

    public func softmax(_ x: Tensor) -> Tensor {
        let n = x.lastDimension
        var y = x.data
        for row in 0..<x.rowCount {
            let p = Self.softmaxRow(Array(x.data[row * n ..< row * n + n]))
            for j in 0..<n { y[row * n + j] = p[j] }
        }
        return Tensor(shape: x.shape, data: y)
    }

    /// m = max; e_j = exp(s_j - m); Z = S(e); p_j = e_j / Z.
    static func softmaxRow(_ s: [Float]) -> [Float] {
        let m = canonicalMax(s.count) { s[$0] }
        let e = s.map { ExactMath.exp($0 - m) }
        let z = LaneSum.reference(e.count) { e[$0] }
        return e.map { $0 / z }
    }
}
