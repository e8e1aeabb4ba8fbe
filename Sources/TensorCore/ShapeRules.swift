// The shape rules of every op, public so that every backend (in TensorCore or in its own target) checks and
// derives shapes with the same code and traps with the same message. A mismatch is a programming error.

public enum ShapeRules {
    /// numpy broadcasting (trailing dimensions aligned; each pair equal or one of them 1); traps with both shapes.
    public static func broadcast(_ a: [Int], _ b: [Int], op: String) -> [Int] {
        let rank = max(a.count, b.count)
        var out = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            precondition(da == db || da == 1 || db == 1, "\(op): shapes \(a) and \(b) do not broadcast")
            out[i] = da == 1 ? db : da
        }
        return out
    }

    /// Strides of `shape` seen through the broadcast output shape `out` (0 on broadcast dimensions).
    public static func broadcastStrides(_ shape: [Int], to out: [Int]) -> [Int] {
        let own = Tensor.rowMajorStrides(shape)
        let offset = out.count - shape.count
        return (0..<out.count).map { i in
            i < offset || shape[i - offset] == 1 ? 0 : own[i - offset]
        }
    }

    /// The element offsets in a and b of output element `index` (row-major over `outStrides`, which may cover
    /// only the leading dimensions, `sa` and `sb` from `broadcastStrides`).
    @inline(__always)
    public static func broadcastOffsets(_ index: Int, outStrides: [Int], _ sa: [Int], _ sb: [Int]) -> (Int, Int) {
        var rest = index, ia = 0, ib = 0
        for d in 0..<outStrides.count {
            let coordinate = rest / outStrides[d]
            rest %= outStrides[d]
            ia += coordinate * sa[d]
            ib += coordinate * sb[d]
        }
        return (ia, ib)
    }

    /// Checks a last-dimension parameter vector ([n]) of a row op.
    public static func checkRowParameter(_ p: Tensor?, _ n: Int, _ what: String) {
        if let p { precondition(p.count == n, "\(what): parameter of shape \(p.shape) for rows of \(n)") }
    }

    /// Checks x [..., in] against a layer of `in` inputs.
    public static func checkLinear(_ x: Tensor, _ layer: PackedLinear) {
        precondition(x.lastDimension == layer.inFeatures,
                     "linear: input \(x.shape) for a layer of \(layer.inFeatures) -> \(layer.outFeatures)")
    }

    /// linear(x, layer, adding: residual): the residual has the output's shape exactly (no broadcasting).
    public static func checkLinear(_ x: Tensor, _ layer: PackedLinear, residual: Tensor) {
        checkLinear(x, layer)
        let out = Array(x.shape.dropLast()) + [layer.outFeatures]
        precondition(residual.shape == out, "linear adding: residual \(residual.shape) for an output \(out)")
    }

    /// (m, k, n) of a [M, K] · [K, N] product, or of [M, K] · [N, K]ᵀ when `transposedB`.
    public static func product(_ a: Tensor, _ b: Tensor, transposedB: Bool) -> (m: Int, k: Int, n: Int) {
        if transposedB {
            precondition(a.rank == 2 && b.rank == 2 && a.shape[1] == b.shape[1], "matmulTransposedB: \(a.shape) · \(b.shape)ᵀ")
            return (a.shape[0], a.shape[1], b.shape[0])
        }
        precondition(a.rank == 2 && b.rank == 2 && a.shape[1] == b.shape[0], "matmul: \(a.shape) · \(b.shape)")
        return (a.shape[0], a.shape[1], b.shape[1])
    }

    /// The dimensions of one attention call.
    public struct Attention: Sendable, Equatable {
        /// Leading (batch) dimensions, equal for q, k and v.
        public var batch: [Int]
        public var queries: Int
        public var keys: Int
        /// H·d, the channels of one token.
        public var width: Int
        public var heads: Int
        public var headDim: Int { width / heads }
        public var batchCount: Int { batch.reduce(1, *) }
    }

    /// Checks q [..., Lq, H·d], k and v [..., Lk, H·d] (same batch, same width, H dividing it, keys present).
    public static func attention(q: Tensor, k: Tensor, v: Tensor, heads: Int) -> Attention {
        let (qb, lq, width) = attentionOperand(q, "q")
        let (kb, lk, kw) = attentionOperand(k, "k")
        let (vb, lv, vw) = attentionOperand(v, "v")
        precondition(qb == kb && kb == vb && lk == lv && width == kw && kw == vw && heads > 0 && width % heads == 0,
                     "attention: q \(q.shape), k \(k.shape), v \(v.shape), heads \(heads)")
        precondition(lk > 0 || lq == 0, "attention: no keys")
        return Attention(batch: qb, queries: lq, keys: lk, width: width, heads: heads)
    }

    /// (batch, L, width) of an attention operand [..., L, width].
    static func attentionOperand(_ t: Tensor, _ name: String) -> (batch: [Int], length: Int, width: Int) {
        precondition(t.rank >= 2, "attention: \(name) must be [..., L, H·d], got \(t.shape)")
        return (Array(t.shape.dropLast(2)), t.shape[t.rank - 2], t.shape[t.rank - 1])
    }

    /// Checks x [..., S, width] against tables cos, sin [S, d] (d even, dividing width); returns (S, width, d).
    public static func rope(_ x: Tensor, cos: Tensor, sin: Tensor) -> (positions: Int, width: Int, pairWidth: Int) {
        precondition(x.rank >= 2 && cos.rank == 2 && cos.shape == sin.shape, "rope: x \(x.shape), cos \(cos.shape), sin \(sin.shape)")
        let s = x.shape[x.rank - 2], width = x.lastDimension, d = cos.shape[1]
        precondition(cos.shape[0] == s && d % 2 == 0 && d > 0 && width % d == 0, "rope: x \(x.shape) with tables \(cos.shape)")
        return (s, width, d)
    }

    /// The shape of permute(x, order); traps unless `order` is a permutation of x's axes.
    public static func permute(_ shape: [Int], _ order: [Int]) -> [Int] {
        precondition(order.sorted() == Array(0..<shape.count), "permute: \(order) is not a permutation of rank \(shape.count)")
        return order.map { shape[$0] }
    }

    /// The (normalised axis, shape) of slice(x, axis, range); traps when the range leaves the axis.
    public static func slice(_ shape: [Int], axis: Int, range: Range<Int>) -> (axis: Int, shape: [Int]) {
        let a = self.axis(axis, rank: shape.count, "slice")
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[a], "slice: \(range) out of 0..<\(shape[a])")
        var out = shape
        out[a] = range.count
        return (a, out)
    }

    /// The (normalised axis, shape) of concat(parts, axis); traps unless all parts agree outside the axis.
    public static func concat(_ shapes: [[Int]], axis: Int) -> (axis: Int, shape: [Int]) {
        precondition(!shapes.isEmpty, "concat: no tensors")
        let first = shapes[0]
        let a = self.axis(axis, rank: first.count, "concat")
        for s in shapes {
            precondition(s.count == first.count && (0..<s.count).allSatisfy { $0 == a || s[$0] == first[$0] },
                         "concat: \(s) does not match \(first) outside axis \(a)")
        }
        var out = first
        out[a] = shapes.reduce(0) { $0 + $1[a] }
        return (a, out)
    }

    /// Normalises a possibly negative axis.
    public static func axis(_ axis: Int, rank: Int, _ op: String) -> Int {
        let a = axis < 0 ? axis + rank : axis
        precondition(a >= 0 && a < rank, "\(op): axis \(axis) out of range for rank \(rank)")
        return a
    }
}
