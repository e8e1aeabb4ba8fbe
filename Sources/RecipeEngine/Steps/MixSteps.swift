// Editing a mix: interpolate between two, keep the top k per layer, scale.
import Numerics
import Pipeline

enum MixSteps {
    static let all: [StepDefinition] = [interpolate, topK, scale]

    static func mix(_ args: StepArguments, _ name: String) throws -> Mix {
        guard case .mix(let m)? = args[name] else { throw StepError.argument(name, "expected a mix") }
        return m
    }

    static let interpolate = StepDefinition(
        "interpolate",
        parameters: [
            StepParameter("from", .mix, doc: "the mix at t = 0"),
            StepParameter("to", .mix, doc: "the mix at t = 1 (same basis)"),
            StepParameter("t", .number, doc: "position; a list gives one mix per value"),
        ],
        result: .mix,
        doc: "Linear interpolation of coefficients, (1 - t) * from + t * to, per layer (f32, no FMA).",
        example: "mixes = interpolate mix1 mix2 0..1 step 0.25") { args, _ in
            let a = try mix(args, "from"), b = try mix(args, "to")
            guard a.basis.sha256 == b.basis.sha256, a.layers == b.layers,
                  zip(a.coefficients, b.coefficients).allSatisfy({ $0.count == $1.count }) else {
                throw StepError.argument("to", "the two mixes are over different bases or layers")
            }
            let t = Float(try args.number("t"))
            let s = 1 - t
            var out = a
            for i in out.coefficients.indices {
                for j in out.coefficients[i].indices {
                    let left = s * a.coefficients[i][j]
                    let right = t * b.coefficients[i][j]
                    out.coefficients[i][j] = left + right
                }
            }
            return .mix(out)
        }

    static let topK = StepDefinition(
        "top-k",
        parameters: [
            StepParameter("mix", .mix, doc: "the mix to sparsify"),
            StepParameter("k", .integer, doc: "how many coefficients to keep per layer"),
            StepParameter("renormalize", .bool, positional: false, default: .bool(true),
                          doc: "divide the kept coefficients by their sum so they add up to 1"),
        ],
        result: .mix,
        doc: "Keeps the k largest coefficients of each layer (ties: lower index first) and zeroes the rest.",
        example: "sparse = top-k mix 2") { args, _ in
            var m = try mix(args, "mix")
            let k = try args.int("k")
            guard k >= 1 else { throw StepError.argument("k", "must be at least 1") }
            let renormalize = try args.bool("renormalize")
            for i in m.coefficients.indices {
                let row = m.coefficients[i]
                let keep = Set(row.indices.sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }.prefix(k))
                var kept = row.indices.map { keep.contains($0) ? row[$0] : 0 }
                if renormalize {
                    let total = CanonicalSum.sum(kept)
                    if total != 0 { kept = kept.map { $0 / total } }
                }
                m.coefficients[i] = kept
            }
            return .mix(m)
        }

    static let scale = StepDefinition(
        "scale",
        parameters: [
            StepParameter("mix", .mix, doc: "the mix"),
            StepParameter("factor", .number, doc: "multiplier for every coefficient (0: no LoRA; 1: unchanged)"),
        ],
        result: .mix,
        doc: "Multiplies every coefficient by a factor: the strength of the blended LoRA.",
        example: "stronger = scale mix 1.5") { args, _ in
            var m = try mix(args, "mix")
            let f = Float(try args.number("factor"))
            m.coefficients = m.coefficients.map { $0.map { $0 * f } }
            return .mix(m)
        }
}
