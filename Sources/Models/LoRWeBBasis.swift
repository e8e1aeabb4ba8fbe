// A LoRWeB basis of LoRAs in the official checkpoint format (Docs/LORWEB.md §1-2):
//   transformer.<module path>.lora_A               [N, in, r]   used as x · A_n
//   transformer.<module path>.lora_B               [N, r, out]  used as (·) · B_n
//   transformer.<module path>.lora_keys            [N, K]
//   transformer.<module path>.att_lora_to_q.weight [K, Q]       q = W_q · e (nn.Linear, no bias)
// for every Linear inside the double and single blocks (494 modules, 1976 tensors for FLUX.1); scale 1.0.
// N, r, K, Q are read from the shapes. Per module, the query e gives coefficients c (§2.4) and the module
// adds Σ_n c_n (x A_n) B_n, applied in the rank-N·r form documented in AdaptedLinear.swift (§2.5).
import Formats
import Numerics
import TensorCore

/// How per-head scores become coefficients (the checkpoint's config.yaml `network_kwargs`).
public struct LoRWeBOptions: Sendable, Equatable, Codable {
    public enum Mixing: String, Sendable, Codable { case mean, sum }
    /// `lora_heads`: K splits into `heads` chunks of K/heads.
    public var heads: Int
    /// `lora_softmax`: softmax over the N keys (true, release) or tanh of each score (false).
    public var softmax: Bool
    /// `mixing_coeffs_type`: mean over heads (release) or sum clamped to [0 or -1, 1].
    public var mixing: Mixing

    public init(heads: Int = 1, softmax: Bool = true, mixing: Mixing = .mean) {
        self.heads = heads
        self.softmax = softmax
        self.mixing = mixing
    }

    /// The released LoRWeB configuration: one head, softmax, mean.
    public static let release = LoRWeBOptions()
}

/// The shapes of a basis checkpoint, checked against a model config without reading any tensor data.
public struct LoRWeBBasisLayout: Sendable, Equatable {
    /// N: LoRAs in the basis.
    public let basisSize: Int
    /// r: rank of each LoRA.
    public let rank: Int
    /// K: key dimension.
    public let keyDim: Int
    /// Q: query dimension (2304 = 3 × 768 for the release's `cat-aa'b` CLIP query).
    public let queryDim: Int
    /// The adapted modules, in model order.
    public let modules: [FluxLinearSpec]

    public var tensorCount: Int { modules.count * LoRWeBBasis.tensorSuffixes.count }

    /// Reads N, r, K, Q from the first module's shapes, then checks every key and shape in model order.
    /// Fails with the first mismatching key and both shapes, a missing tensor, or a key that names no
    /// adapted Linear of this config.
    public init(_ source: any WeightSource, config: FluxTransformerConfig) throws {
        let name = describe(source)
        let modules = FluxWeightKeys.adaptedLinears(config)
        func fail(_ message: String) -> ModelError { .adapter(source: name, message) }
        func shape(_ key: String) throws -> [Int] {
            guard source.contains(key) else { throw fail("missing tensor \"\(key)\"") }
            do { return try source.info(key).shape } catch { throw fail("\(error)") }
        }
        guard let first = modules.first else { throw fail("the model has no blocks to adapt") }
        let a0 = try shape(LoRWeBBasis.key(first.path, "lora_A"))
        let k0 = try shape(LoRWeBBasis.key(first.path, "lora_keys"))
        let q0 = try shape(LoRWeBBasis.key(first.path, "att_lora_to_q.weight"))
        guard a0.count == 3, k0.count == 2, q0.count == 2 else {
            throw fail("\"\(LoRWeBBasis.key(first.path, "lora_A"))\" \(a0), lora_keys \(k0), att_lora_to_q \(q0): not a LoRWeB basis ([N,in,r], [N,K], [K,Q])")
        }
        let (n, r, k, q) = (a0[0], a0[2], k0[1], q0[1])
        guard n > 0, r > 0, k > 0, q > 0 else { throw fail("empty basis dimensions N=\(n) r=\(r) K=\(k) Q=\(q)") }

        let known = Set(modules.map(\.path))
        for key in source.keys {
            guard let path = LoRWeBBasis.modulePath(of: key) else {
                throw fail("\"\(key)\" is not a LoRWeB basis key (transformer.<module>.lora_A|lora_B|lora_keys|att_lora_to_q.weight)")
            }
            guard known.contains(path) else {
                throw fail("\"\(key)\": the model has no adapted Linear \"\(path)\"")
            }
        }
        for m in modules {
            let expected: [(String, [Int])] = [
                ("lora_A", [n, m.inFeatures, r]), ("lora_B", [n, r, m.outFeatures]),
                ("lora_keys", [n, k]), ("att_lora_to_q.weight", [k, q]),
            ]
            for (suffix, want) in expected {
                let key = LoRWeBBasis.key(m.path, suffix)
                let got = try shape(key)
                if got != want { throw fail("\"\(key)\" has shape \(got), the model needs \(want)") }
            }
        }
        (basisSize, rank, keyDim, queryDim, self.modules) = (n, r, k, q, modules)
    }
}

public struct LoRWeBBasis: Sendable {
    /// The suffixes of one module's basis tensors: A_n, B_n, the keys, the query projection.
    static let downSuffix = "lora_A", upSuffix = "lora_B", keysSuffix = "lora_keys", querySuffix = "att_lora_to_q.weight"
    static let tensorSuffixes = [downSuffix, upSuffix, keysSuffix, querySuffix]

    public let layout: LoRWeBBasisLayout
    public var options: LoRWeBOptions
    /// A_catᵀ per module ([N·r, in], packed once at load: row n·r + j holds A_n[:, j]).
    let down: [String: PackedLinear]
    /// The checkpoint, kept open (memory-mapped) for W_q, keys and B, read when needed.
    let source: any WeightSource
    let sourceName: String

    public init(weights source: any WeightSource, config: FluxTransformerConfig,
                options: LoRWeBOptions = .release) throws {
        let layout = try LoRWeBBasisLayout(source, config: config)
        let name = describe(source)
        guard options.heads > 0, layout.keyDim % options.heads == 0 else {
            throw ModelError.adapter(source: name, "lora_heads \(options.heads) does not divide the key dimension \(layout.keyDim)")
        }
        let (n, r) = (layout.basisSize, layout.rank)
        var down: [String: PackedLinear] = [:]
        for m in layout.modules {
            let a = try Self.read(source, Self.key(m.path, "lora_A"), name)  // [N, in, r]
            let inF = m.inFeatures
            down[m.path] = PackedLinear(weight: Tensor(shape: [n * r, inF]) { idx in
                let (row, i) = (idx / inF, idx % inF)
                return a.data[((row / r) * inF + i) * r + row % r]
            })
        }
        self.layout = layout
        self.options = options
        self.down = down
        self.source = source
        self.sourceName = name
    }

    public static func load(path: String, config: FluxTransformerConfig, options: LoRWeBOptions = .release) throws -> LoRWeBBasis {
        try LoRWeBBasis(weights: try WeightSources.open(path: path), config: config, options: options)
    }

    static func key(_ path: String, _ suffix: String) -> String { "transformer.\(path).\(suffix)" }

    /// "transformer.<path>.<suffix>" → <path> (Docs/LORWEB.md §1.6), nil when not a basis key.
    static func modulePath(of key: String) -> String? {
        guard key.hasPrefix("transformer.") else { return nil }
        for suffix in tensorSuffixes where key.hasSuffix("." + suffix) {
            let path = key.dropFirst("transformer.".count).dropLast(suffix.count + 1)
            return path.isEmpty ? nil : String(path)
        }
        return nil
    }

    static func read(_ source: any WeightSource, _ key: String, _ name: String) throws -> Tensor {
        do { return try source.tensor(key) } catch { throw ModelError.adapter(source: name, "\(key): \(error)") }
    }

    /// Per-module mixing coefficients (N each) for a query e [Q] (Docs/LORWEB.md §2.4):
    /// q = W_q·e (rule-1 product); per head h: s_{h,n} = (q_h · K_{n,h}) / sqrt(K/H);
    /// w = softmax_n(s_h) or tanh(s); c_n = (canonical sum over h of w_{h,n}) / H for mean, or that sum clamped
    /// to [0 (softmax) or -1 (tanh), 1] for sum. Keyed by module path.
    public func coefficients(query: [Float], backend: any Backend) throws -> [String: [Float]] {
        guard query.count == layout.queryDim else {
            throw ModelError.adapter(source: sourceName, "query has \(query.count) values, the basis expects Q = \(layout.queryDim)")
        }
        let (n, k, heads) = (layout.basisSize, layout.keyDim, options.heads)
        let d = k / heads
        let e = Tensor(shape: [1, query.count], data: query)
        let root = Float(d).squareRoot()
        var result: [String: [Float]] = [:]
        for m in layout.modules {
            let wq = try PackedLinear(weight: try source.rawBytes(Self.key(m.path, "att_lora_to_q.weight")),
                                      dtype: try source.info(Self.key(m.path, "att_lora_to_q.weight")).dtype,
                                      shape: [k, layout.queryDim])
            let q = backend.linear(e, wq)                                            // [1, K]
            let keys = try Self.read(source, Self.key(m.path, "lora_keys"), sourceName)  // [N, K]
            var perHead: [[Float]] = []
            for h in 0..<heads {
                let qh = backend.slice(q, axis: 1, range: (h * d)..<((h + 1) * d))
                let kh = backend.slice(keys, axis: 1, range: (h * d)..<((h + 1) * d))
                let scores = backend.div(backend.matmulTransposedB(qh, kh), scalar: root)  // [1, N]
                perHead.append(options.softmax ? backend.softmax(scores).data : scores.data.map(ExactMath.tanh))
            }
            result[m.path] = (0..<n).map { j in
                let total = CanonicalSum.sum(perHead.map { $0[j] })
                switch options.mixing {
                case .mean: return total / Float(heads)
                case .sum: return min(max(total, options.softmax ? 0 : -1), 1)
                }
            }
        }
        return result
    }

    /// The blended LoRA for these coefficients: per module B_cat[n·r + j, o] = fl(c_n · B_n[j, o]), packed once
    /// (coefficients are constant over a whole sampling run), paired with the A_cat packed at load.
    public func apply(_ coefficients: [String: [Float]]) throws -> FluxAdapters {
        let (n, r) = (layout.basisSize, layout.rank)
        var deltas: [String: LowRankDelta] = [:]
        for m in layout.modules {
            guard let c = coefficients[m.path], c.count == n else {
                throw ModelError.adapter(source: sourceName, "no \(n) coefficients for \"\(m.path)\"")
            }
            let b = try Self.read(source, Self.key(m.path, "lora_B"), sourceName)  // [N, r, out]
            let out = m.outFeatures
            let up = PackedLinear(weight: Tensor(shape: [out, n * r]) { idx in
                let (o, col) = (idx / (n * r), idx % (n * r))
                return c[col / r] * b.data[col * out + o]
            })
            deltas[m.path] = LowRankDelta(down: down[m.path]!, up: up)
        }
        return FluxAdapters(deltas)
    }
}
