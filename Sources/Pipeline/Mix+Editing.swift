// Editing a point in the space of LoRAs: interpolate two mixes, keep the top k per layer, scale.
// The arithmetic is part of the numerics contract (f32, a fixed order, no FMA), so it lives here with
// Mix rather than in the recipe layer that exposes it.
import Numerics

extension Mix {
    /// (1 - t) * from + t * to per coefficient, each product rounded to f32 before the sum (no FMA).
    public static func interpolate(from a: Mix, to b: Mix, t: Float) throws -> Mix {
        guard a.basis.sha256 == b.basis.sha256, a.layers == b.layers,
              zip(a.coefficients, b.coefficients).allSatisfy({ $0.count == $1.count }) else {
            throw PipelineError.argument("to", "the two mixes are over different bases or layers")
        }
        let s = 1 - t
        var out = a
        for i in out.coefficients.indices {
            for j in out.coefficients[i].indices {
                let left = s * a.coefficients[i][j]
                let right = t * b.coefficients[i][j]
                out.coefficients[i][j] = left + right
            }
        }
        return out
    }

    /// Keeps the k largest coefficients of each layer (ties: the lower index first) and zeroes the rest;
    /// `renormalize` divides the kept ones by their canonical sum (a zero sum is left as it is).
    public func keepingTop(_ k: Int, renormalize: Bool) throws -> Mix {
        guard k >= 1 else { throw PipelineError.argument("k", "must be at least 1") }
        var m = self
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
        return m
    }

    /// Every coefficient times `factor`: the strength of the blended LoRA.
    public func scaled(by factor: Float) -> Mix {
        var m = self
        m.coefficients = m.coefficients.map { $0.map { $0 * factor } }
        return m
    }
}
