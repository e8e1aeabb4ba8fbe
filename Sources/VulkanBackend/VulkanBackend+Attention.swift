// Exact attention on the device in three dispatches of one submission (Backend.attention):
// attention_scores.comp (rule-1 dot per score, then × scale), softmax.comp over each full key row, and
// attention_values.comp (rule-1 chain over keys ascending). No online rescaling; each invocation owns its outputs.
import TensorCore

extension VulkanBackend {
    /// Scores held on the device at once; larger problems run on the CPU (same bytes) rather than chunked.
    static let maxAttentionScores = 1 << 28

    public func attention(q: Tensor, k: Tensor, v: Tensor, heads: Int, scale: Float) -> Tensor {
        precondition(q.rank >= 2 && k.rank >= 2 && v.rank >= 2, "attention: q \(q.shape), k \(k.shape), v \(v.shape)")
        let lq = q.shape[q.rank - 2], width = q.lastDimension
        let lk = k.shape[k.rank - 2], lv = v.shape[v.rank - 2]
        let batchShape = Array(q.shape.dropLast(2))
        precondition(batchShape == Array(k.shape.dropLast(2)) && batchShape == Array(v.shape.dropLast(2)) && lk == lv
                     && width == k.lastDimension && width == v.lastDimension && heads > 0 && width % heads == 0,
                     "attention: q \(q.shape), k \(k.shape), v \(v.shape), heads \(heads)")
        precondition(lk > 0 || lq == 0, "attention: no keys")
        let d = width / heads
        guard q.count > 0, d > 0 else { return Tensor(zeros: q.shape) }
        let batch = batchShape.reduce(1, *)
        let scoreCount = batch * heads * lq * lk
        guard scoreCount <= Self.maxAttentionScores else { return host.attention(q: q, k: k, v: v, heads: heads, scale: scale) }
        let o = run("attention") { () throws -> [Float] in
            let qb = try device.buffer(q.data), kb = try device.buffer(k.data), vb = try device.buffer(v.data)
            let scores = try device.buffer(count: scoreCount), probabilities = try device.buffer(count: scoreCount)
            let out = try device.buffer(count: q.count)
            var scorePush = PushConstants(scoreCount, heads, lq, lk, d)
            scorePush.append(scale)
            try device.sequence { recorder in
                try recorder.dispatch("attention_scores", bindings: [.storage(qb), .storage(kb), .storage(scores)],
                                      push: scorePush, groups: Self.groups(for: scoreCount))
                try recorder.dispatch("softmax", bindings: [.storage(scores), .storage(probabilities)],
                                      push: PushConstants(batch * heads * lq, lk), groups: Self.groups(for: batch * heads * lq))
                try recorder.dispatch("attention_values", bindings: [.storage(probabilities), .storage(vb), .storage(out)],
                                      push: PushConstants(q.count, heads, lq, lk, d), groups: Self.groups(for: q.count))
            }
            return out.download()
        }
        return Tensor(shape: q.shape, data: o)
    }
}
