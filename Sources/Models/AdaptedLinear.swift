// A Linear inside a FLUX block: the base weight plus an optional low-rank delta (a blended LoRWeB basis
// or a single LoRA), so adapters plug in per module without touching the base weights.
//
// Numerics (Docs/NUMERICS.md rule 1, the LoRA delta): the delta is applied in the rank-R form
//   y = (x·Wᵀ + b)  +  ((x·A_cat)·B_cat)
// with one IEEE add. x·A_cat is one fma chain over `in` per rank column; its product with B_cat is one fma
// chain over the R = N·r rank columns in order (n-major, r-minor). Per-module scalars (the basis
// coefficients c_n, a LoRA's alpha/r) are folded into B_cat once, when the adapter is prepared:
// B_cat[n·r + j, o] = fl(c_n · B_n[j, o]). The delta is never merged into the base weight.
import TensorCore

/// A prepared low-rank delta for one Linear: `down` holds A_catᵀ ([R, in]), `up` holds B_catᵀ ([out, R]),
/// both packed once, no biases.
public struct LowRankDelta: Sendable {
    public let down: PackedLinear
    public let up: PackedLinear

    public var rank: Int { down.outFeatures }
    public var inFeatures: Int { down.inFeatures }
    public var outFeatures: Int { up.outFeatures }

    /// `aCat` is [in, R] (x·A_cat), `bCat` is [R, out] (scalars already folded in).
    public init(aCat: Tensor, bCat: Tensor) {
        precondition(aCat.rank == 2 && bCat.rank == 2 && aCat.shape[1] == bCat.shape[0],
                     "LowRankDelta: A_cat \(aCat.shape) and B_cat \(bCat.shape) do not chain")
        let (inF, r, out) = (aCat.shape[0], aCat.shape[1], bCat.shape[1])
        down = PackedLinear(weight: Tensor(shape: [r, inF]) { aCat.data[($0 % inF) * r + $0 / inF] })
        up = PackedLinear(weight: Tensor(shape: [out, r]) { bCat.data[($0 % r) * out + $0 / r] })
    }

    /// From packed factors: `down` [R, in] (A_catᵀ) and `up` [out, R] (B_catᵀ), both without bias.
    public init(down: PackedLinear, up: PackedLinear) {
        precondition(down.outFeatures == up.inFeatures && !down.hasBias && !up.hasBias,
                     "LowRankDelta: down [\(down.outFeatures), \(down.inFeatures)] and up [\(up.outFeatures), \(up.inFeatures)] do not chain")
        self.down = down
        self.up = up
    }

    /// The delta alone: (x·A_cat)·B_cat for x [..., in] → [..., out].
    public func callAsFunction(_ x: Tensor, backend: any Backend) -> Tensor {
        backend.linear(backend.linear(x, down), up)
    }
}

/// Low-rank deltas keyed by module path (e.g. "transformer_blocks.0.attn.to_q"): what a forward pass adds.
public struct FluxAdapters: Sendable {
    public var deltas: [String: LowRankDelta]

    public init(_ deltas: [String: LowRankDelta] = [:]) { self.deltas = deltas }

    /// The base model alone.
    public static let none = FluxAdapters()

    public var isEmpty: Bool { deltas.isEmpty }
}

/// One adapted Linear of a FLUX block.
public struct AdaptedLinear: Sendable {
    /// Module path in the diffusers model, the key adapters use.
    public let path: String
    public let base: PackedLinear

    public init(path: String, base: PackedLinear) {
        self.path = path
        self.base = base
    }

    /// y = base(x) (+ bias), then + delta(x) with one IEEE add when `adapters` has one for this module. x goes
    /// through the base and the down projection together (`linear(_:_:and:)`: read once), and the add is the up
    /// projection's epilogue (`linear(_:_:adding:)`).
    public func callAsFunction(_ x: Tensor, _ adapters: FluxAdapters, backend: any Backend) -> Tensor {
        guard let delta = adapters.deltas[path] else { return backend.linear(x, base) }
        let (y, down) = backend.linear(x, base, and: delta.down)
        return backend.linear(down, delta.up, adding: y)
    }
}
