// T5's relative position bias, computed once on the host (Docs/NUMERICS.md "Computed once, on the host"): the
// bucket of every (query, key) pair and the [H, L, L] score bias gathered from relative_attention_bias.
// Buckets follow transformers' T5Attention._relative_position_bucket (bidirectional, the encoder's case), with
// its float32 arithmetic step for step, because truncating a float decides the bucket near the log-spaced edges:
//   rel = key − query; nb = num_buckets / 2; bucket = (rel > 0) · nb; n = |rel|; exact = nb / 2
//   n < exact: bucket + n
//   else: bucket + min(exact + Int(log_f32(f32(n) / exact) / f32(log(max_distance / exact)) · (nb − exact)), nb − 1)
// log_f32 is ExactMath.log (torch's float log on the CPU agreed on every bucket the fixtures check); the divisor
// is Python's double log rounded once to f32, as torch takes a Python scalar into a float32 op.

import Numerics
import TensorCore

public enum T5RelativePosition {
    /// The bucket of `relative` = key position − query position.
    public static func bucket(_ relative: Int, numBuckets: Int, maxDistance: Int) -> Int {
        let half = numBuckets / 2
        let base = relative > 0 ? half : 0
        let n = relative.magnitude
        let exact = half / 2
        if n < UInt(exact) { return base + Int(n) }
        let ratio = Float(n) / Float(exact)
        let divisor = Float(ExactDoubleMath.log(Double(maxDistance) / Double(exact)))
        let scaled = ExactMath.log(ratio) / divisor * Float(half - exact)
        return base + min(exact + Int(scaled), half - 1)
    }

    /// The score bias [H, Lq, Lk]: bias[h, i, j] = table[bucket(j − i), h], table = relative_attention_bias [buckets, H].
    public static func scoreBias(table: Tensor, queries: Int, keys: Int, numBuckets: Int, maxDistance: Int) -> Tensor {
        precondition(table.rank == 2 && table.shape[0] == numBuckets, "T5 relative_attention_bias \(table.shape)")
        let heads = table.shape[1]
        // One bucket per distance, from −(Lq − 1) to Lk − 1.
        let buckets = (-(queries - 1)..<max(keys, 1)).map { bucket($0, numBuckets: numBuckets, maxDistance: maxDistance) }
        var data = [Float](repeating: 0, count: heads * queries * keys)
        for h in 0..<heads {
            for i in 0..<queries {
                for j in 0..<keys {
                    data[(h * queries + i) * keys + j] = table.data[buckets[j - i + queries - 1] * heads + h]
                }
            }
        }
        return Tensor(shape: [heads, queries, keys], data: data)
    }
}
