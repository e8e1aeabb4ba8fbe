// The op list as data: `Op` names every op of the Backend seam (exhaustive, so a new op is a compile error in
// every switch until each place handles it), `OpCall` is one call with its operands. The conformance suite is
// written in OpCalls, and `Backend.supports(_:)` answers for one.

/// Every op of the `Backend` protocol, one case per requirement.
public enum Op: String, CaseIterable, Sendable {
    case linear, linearAdding, matmul, matmulTransposedB
    case add, sub, mul, div, addScalar, subScalar, mulScalar, divScalar
    case gelu, quickGelu, silu
    case layerNorm, rmsNorm, softmax
    case attention, rope
    case attentionWithBias
    case concat, slice, permute
    case patchEmbed
    case conv2d, groupNorm, upsampleNearest2x
}

/// One op call with its operands, runnable on any backend.
public enum OpCall: Sendable {
    case linear(Tensor, PackedLinear)
    case linearAdding(Tensor, PackedLinear, residual: Tensor)
    case matmul(Tensor, Tensor)
    case matmulTransposedB(Tensor, Tensor)
    case add(Tensor, Tensor), sub(Tensor, Tensor), mul(Tensor, Tensor), div(Tensor, Tensor)
    case addScalar(Tensor, Float), subScalar(Tensor, Float), mulScalar(Tensor, Float), divScalar(Tensor, Float)
    case gelu(Tensor), quickGelu(Tensor), silu(Tensor)
    case layerNorm(Tensor, weight: Tensor?, bias: Tensor?, eps: Float)
    case rmsNorm(Tensor, weight: Tensor?, eps: Float)
    case softmax(Tensor)
    case attention(q: Tensor, k: Tensor, v: Tensor, heads: Int, scale: Float)
    case attentionWithBias(q: Tensor, k: Tensor, v: Tensor, heads: Int, scale: Float, bias: Tensor)
    case rope(Tensor, cos: Tensor, sin: Tensor)
    case concat([Tensor], axis: Int)
    case slice(Tensor, axis: Int, range: Range<Int>)
    case permute(Tensor, [Int])
    case patchEmbed(Tensor, PackedLinear, patch: Int)
    case conv2d(Tensor, PackedLinear, kernel: Int, stride: Int, padding: Padding2D)
    case groupNorm(Tensor, groups: Int, weight: Tensor?, bias: Tensor?, eps: Float)
    case upsampleNearest2x(Tensor)

    public var op: Op {
        switch self {
        case .linear: return .linear
        case .linearAdding: return .linearAdding
        case .matmul: return .matmul
        case .matmulTransposedB: return .matmulTransposedB
        case .add: return .add
        case .sub: return .sub
        case .mul: return .mul
        case .div: return .div
        case .addScalar: return .addScalar
        case .subScalar: return .subScalar
        case .mulScalar: return .mulScalar
        case .divScalar: return .divScalar
        case .gelu: return .gelu
        case .quickGelu: return .quickGelu
        case .silu: return .silu
        case .layerNorm: return .layerNorm
        case .rmsNorm: return .rmsNorm
        case .softmax: return .softmax
        case .attention: return .attention
        case .attentionWithBias: return .attentionWithBias
        case .rope: return .rope
        case .concat: return .concat
        case .slice: return .slice
        case .permute: return .permute
        case .patchEmbed: return .patchEmbed
        case .conv2d: return .conv2d
        case .groupNorm: return .groupNorm
        case .upsampleNearest2x: return .upsampleNearest2x
        }
    }

    /// The call on `backend`.
    public func run(on backend: any Backend) -> Tensor {
        switch self {
        case .linear(let x, let layer): return backend.linear(x, layer)
        case .linearAdding(let x, let layer, let residual): return backend.linear(x, layer, adding: residual)
        case .matmul(let a, let b): return backend.matmul(a, b)
        case .matmulTransposedB(let a, let b): return backend.matmulTransposedB(a, b)
        case .add(let a, let b): return backend.add(a, b)
        case .sub(let a, let b): return backend.sub(a, b)
        case .mul(let a, let b): return backend.mul(a, b)
        case .div(let a, let b): return backend.div(a, b)
        case .addScalar(let x, let s): return backend.add(x, scalar: s)
        case .subScalar(let x, let s): return backend.sub(x, scalar: s)
        case .mulScalar(let x, let s): return backend.mul(x, scalar: s)
        case .divScalar(let x, let s): return backend.div(x, scalar: s)
        case .gelu(let x): return backend.gelu(x)
        case .quickGelu(let x): return backend.quickGelu(x)
        case .silu(let x): return backend.silu(x)
        case .layerNorm(let x, let w, let b, let eps): return backend.layerNorm(x, weight: w, bias: b, eps: eps)
        case .rmsNorm(let x, let w, let eps): return backend.rmsNorm(x, weight: w, eps: eps)
        case .softmax(let x): return backend.softmax(x)
        case .attention(let q, let k, let v, let heads, let scale): return backend.attention(q: q, k: k, v: v, heads: heads, scale: scale)
        case .attentionWithBias(let q, let k, let v, let heads, let scale, let bias):
            return backend.attention(q: q, k: k, v: v, heads: heads, scale: scale, bias: bias)
        case .rope(let x, let cos, let sin): return backend.rope(x, cos: cos, sin: sin)
        case .concat(let parts, let axis): return backend.concat(parts, axis: axis)
        case .slice(let x, let axis, let range): return backend.slice(x, axis: axis, range: range)
        case .permute(let x, let order): return backend.permute(x, order)
        case .patchEmbed(let image, let layer, let patch): return backend.patchEmbed(image, layer, patch: patch)
        case .conv2d(let x, let layer, let kernel, let stride, let padding):
            return backend.conv2d(x, layer, kernel: kernel, stride: stride, padding: padding)
        case .groupNorm(let x, let groups, let w, let b, let eps): return backend.groupNorm(x, groups: groups, weight: w, bias: b, eps: eps)
        case .upsampleNearest2x(let x): return backend.upsampleNearest2x(x)
        }
    }

    /// The shapes of the tensor operands, in order (weights as [out, in]).
    public var operandShapes: [[Int]] {
        switch self {
        case .linear(let x, let l), .patchEmbed(let x, let l, _), .conv2d(let x, let l, _, _, _):
            return [x.shape, [l.outFeatures, l.inFeatures]]
        case .linearAdding(let x, let l, let residual): return [x.shape, [l.outFeatures, l.inFeatures], residual.shape]
        case .groupNorm(let x, _, let w, let b, _): return [x.shape] + [w, b].compactMap { $0?.shape }
        case .upsampleNearest2x(let x): return [x.shape]
        case .matmul(let a, let b), .matmulTransposedB(let a, let b), .add(let a, let b), .sub(let a, let b),
             .mul(let a, let b), .div(let a, let b): return [a.shape, b.shape]
        case .addScalar(let x, _), .subScalar(let x, _), .mulScalar(let x, _), .divScalar(let x, _), .gelu(let x),
             .quickGelu(let x), .silu(let x), .softmax(let x), .slice(let x, _, _), .permute(let x, _): return [x.shape]
        case .layerNorm(let x, let w, let b, _): return [x.shape] + [w, b].compactMap { $0?.shape }
        case .rmsNorm(let x, let w, _): return [x.shape] + [w].compactMap { $0?.shape }
        case .attention(let q, let k, let v, _, _): return [q.shape, k.shape, v.shape]
        case .attentionWithBias(let q, let k, let v, _, _, let bias): return [q.shape, k.shape, v.shape, bias.shape]
        case .rope(let x, let cos, let sin): return [x.shape, cos.shape, sin.shape]
        case .concat(let parts, _): return parts.map(\.shape)
        }
    }
}

extension OpCall: CustomStringConvertible {
    /// "add [3, 4] [4]": the op and its operand shapes, plus the parameters that change the result's shape.
    public var description: String {
        var text = op.rawValue + " " + operandShapes.map { "\($0)" }.joined(separator: " ")
        switch self {
        case .attention(_, _, _, let heads, _): text += ", \(heads) heads"
        case .attentionWithBias(_, _, _, let heads, _, _): text += ", \(heads) heads"
        case .concat(_, let axis): text += " axis \(axis)"
        case .slice(_, let axis, let range): text += " axis \(axis) \(range.lowerBound)..<\(range.upperBound)"
        case .permute(_, let order): text += " order \(order)"
        case .patchEmbed(_, _, let patch): text += " patch \(patch)"
        case .conv2d(_, _, let kernel, let stride, let padding): text += " kernel \(kernel) stride \(stride) padding \(padding)"
        case .groupNorm(_, let groups, _, _, _): text += ", \(groups) groups"
        default: break
        }
        return text
    }
}
