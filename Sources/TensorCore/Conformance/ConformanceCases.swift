// The cases of the conformance suite, per group of ops: random shapes (odd sizes, K not a multiple of 4, N not
// of 16, rank 1-4, broadcasting, special values) from a seeded generator, so every run sees the same calls.
// Every `Op` is covered by at least one group (ConformanceSuiteTests checks it).

public enum ConformanceGroup: String, CaseIterable, Sendable {
    case products, patchEmbed, elementwise, activations, norms, attention, layout
    /// Layout and broadcasting above rank 8, where a device kernel may stop (and say so through `supports`).
    case highRank
    /// conv2d, groupNorm and upsampleNearest2x: the VAE's image ops.
    case convolution

    /// Attention with a score bias: per-head and shared biases, a causal mask of -inf, scale 1 (T5).
    case attentionBias
}

/// One call of the suite, with a note on what it is for.
public struct ConformanceCase: Sendable, CustomStringConvertible {
    public let call: OpCall
    public let note: String
    public var description: String { note.isEmpty ? "\(call)" : "\(call) (\(note))" }
}

extension Conformance {
    /// The cases of `group` drawn from `seed` (the same seed gives the same calls).
    public static func cases(_ group: ConformanceGroup, seed: UInt64 = 1) -> [ConformanceCase] {
        let index = UInt64(ConformanceGroup.allCases.firstIndex(of: group)!)
        var cases = CaseBuilder(r: ConformanceRandom(seed: seed &+ index))
        switch group {
        case .products: cases.products()
        case .patchEmbed: cases.patchEmbed()
        case .elementwise: cases.elementwise()
        case .activations: cases.activations()
        case .norms: cases.norms()
        case .attention: cases.attention()
        case .layout: cases.layout()
        case .highRank: cases.highRank()
        case .convolution: cases.convolution()

        case .attentionBias: cases.attentionBias()
        }
        return cases.cases
    }
}

struct CaseBuilder {
    var r: ConformanceRandom
    var cases: [ConformanceCase] = []

    mutating func add(_ call: OpCall, _ note: String = "") { cases.append(ConformanceCase(call: call, note: note)) }

    mutating func products() {
        for trial in 0..<6 {
            let m = r.int(1...70), k = r.int(0...150), n = r.int(1...40)
            let lead = trial % 2 == 0 ? [] : [r.int(1...3)]
            let x = r.tensor(lead + [m, k])
            let layer = PackedLinear(weight: r.tensor([n, k]), bias: trial % 3 == 0 ? nil : r.tensor([n]))
            add(.linear(x, layer), layer.hasBias ? "bias" : "")
            add(.linearAdding(x, layer, residual: r.tensor(lead + [m, n])), layer.hasBias ? "bias" : "")
            let a = r.tensor([m, k]), b = r.tensor([k, n]), bt = r.tensor([n, k])
            add(.matmul(a, b))
            add(.matmulTransposedB(a, bt))
        }
        // The same layer twice: a backend that caches packed weights on its device must give the same bytes.
        let layer = PackedLinear(weight: r.tensor([19, 23]), bias: r.tensor([19]))
        let x = r.tensor([9, 23])
        add(.linear(x, layer), "cached weights")
        add(.linear(x, layer), "cached weights again")
    }

    mutating func patchEmbed() {
        for batched in [false, true] {
            let p = r.int(1...4), c = r.int(1...3), h = r.int(p...3 * p + 1), w = r.int(p...3 * p + 2), o = r.int(1...20)
            let image = r.tensor((batched ? [2] : []) + [c, h, w])
            let layer = PackedLinear(weight: r.tensor([o, c, p, p]), bias: batched ? r.tensor([o]) : nil)
            add(.patchEmbed(image, layer, patch: p))
        }
    }

    mutating func elementwise() {
        for _ in 0..<4 {
            let shape = r.shape()
            let a = r.tensorWithSpecials(shape)
            // Broadcast partner: some dimensions collapsed to 1, sometimes only a trailing suffix.
            var bShape = shape.map { r.int(0...2) == 0 ? 1 : $0 }
            if r.int(0...2) == 0 { bShape = Array(bShape.dropFirst(r.int(0...bShape.count))) }
            let b = r.tensorWithSpecials(bShape)
            add(.add(a, b))
            add(.sub(a, b))
            add(.mul(a, b))
            add(.div(a, b))
            add(.add(b, a), "broadcast on the left")
            let s = r.float() + 0.375
            add(.addScalar(a, s))
            add(.subScalar(a, s))
            add(.mulScalar(a, s))
            add(.divScalar(a, s))
        }
    }

    mutating func activations() {
        for _ in 0..<3 {
            let x = r.tensorWithSpecials(r.shape(), scale: 12)
            add(.gelu(x))
            add(.quickGelu(x))
            add(.silu(x))
        }
    }

    mutating func norms() {
        for trial in 0..<4 {
            let shape = r.shape()
            let n = shape.last!
            let x = r.tensor(shape, scale: trial == 3 ? 30 : 3)
            let w = trial % 2 == 0 ? r.tensor([n]) : nil, b = trial < 2 ? r.tensor([n]) : nil
            let eps: Float = trial == 1 ? 1e-5 : 1e-6
            add(.layerNorm(x, weight: w, bias: b, eps: eps))
            add(.rmsNorm(x, weight: w, eps: eps))
            add(.softmax(x))
        }
    }

    mutating func attention() {
        for trial in 0..<3 {
            let heads = r.int(1...3), d = 2 * r.int(1...5), lq = r.int(1...17), lk = trial == 0 ? lq : r.int(1...19)
            let lead = trial == 2 ? [2] : []
            let q = r.tensor(lead + [lq, heads * d]), k = r.tensor(lead + [lk, heads * d]), v = r.tensor(lead + [lk, heads * d])
            add(.attention(q: q, k: k, v: v, heads: heads, scale: 1 / Float(d).squareRoot()))
            add(.rope(q, cos: r.tensor([lq, d]), sin: r.tensor([lq, d])))
        }
    }

    mutating func layout() {
        for _ in 0..<5 {
            let shape = r.shape()
            let x = r.tensorWithSpecials(shape)
            add(.permute(x, Array(0..<shape.count).shuffled(using: &r)))
            let axis = r.int(0...shape.count - 1)
            let lo = r.int(0...shape[axis]), hi = r.int(lo...shape[axis])
            add(.slice(x, axis: axis, range: lo..<hi))
            let parts = (0..<r.int(1...3)).map { _ -> Tensor in
                var s = shape
                s[axis] = r.int(0...4)
                return r.tensorWithSpecials(s)
            }
            add(.concat(parts, axis: axis))
        }
    }

    mutating func highRank() {
        // Rank 9 with sizes 1-2 (at most 512 elements); the partner alternates kept and broadcast dimensions,
        // so no two neighbours merge and the broadcast keeps 9 dimensions.
        let shape = (0..<9).map { _ in r.int(1...2) }
        let full = shape.map { _ in 2 }
        let x = r.tensorWithSpecials(shape)
        add(.permute(x, Array((0..<9).reversed())))
        add(.slice(x, axis: 8, range: 0..<1))
        add(.concat([x, r.tensorWithSpecials(shape)], axis: 3))
        let a = r.tensorWithSpecials(full), b = r.tensorWithSpecials(full.indices.map { $0 % 2 == 0 ? 2 : 1 })
        add(.add(a, b), "9 unmerged dimensions")
        add(.mul(b, a), "9 unmerged dimensions")
    }

    mutating func attentionBias() {
        for trial in 0..<4 {
            let heads = r.int(1...3), d = r.int(1...9), lq = r.int(1...17), lk = trial == 1 ? lq : r.int(1...19)
            let lead = trial == 2 ? [2] : []
            let q = r.tensor(lead + [lq, heads * d]), k = r.tensor(lead + [lk, heads * d]), v = r.tensor(lead + [lk, heads * d])
            let shared = trial % 2 == 1
            var bias = r.tensor([shared ? 1 : heads, lq, lk], scale: 4)
            if trial == 1 {   // causal: key j > query i masked with -inf (every row keeps its diagonal)
                bias = Tensor(shape: bias.shape) { index in index % lk > (index / lk) % lq ? -.infinity : bias.data[index] }
            }
            let scale: Float = trial == 3 ? 1 : 1 / Float(d).squareRoot()
            add(.attentionWithBias(q: q, k: k, v: v, heads: heads, scale: scale, bias: bias),
                (shared ? "shared bias" : "per-head bias") + (trial == 1 ? ", causal -inf" : "") + (scale == 1 ? ", scale 1" : ""))
        }
    }
}
