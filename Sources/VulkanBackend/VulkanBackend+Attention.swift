// Exact attention on the device, three dispatches per chunk of query rows (Backend.attention):
// attention_scores.comp (rule-1 dot per score, then × scale; with a bias, attention_bias.comp adds it), softmax.comp over each full key row, and
// attention_values.comp (rule-1 chain over keys ascending) into the rows' output elements. Chunking over query
// rows only bounds the score memory: every row still sees its whole key row, so no online rescaling and no
// reduction is split; each invocation owns its outputs.
import TensorCore

extension VulkanBackend {
    /// Scores (and as many probabilities) held on the device per chunk of query rows: 2^26 floats = 256 MiB.
    static let attentionScoresPerChunk = 1 << 26

    public func attention(q: Tensor, k: Tensor, v: Tensor, heads: Int, scale: Float) -> Tensor {
        attention(q: q, k: k, v: v, heads: heads, scale: scale, scoresPerChunk: Self.attentionScoresPerChunk)
    }

    /// `attention` with an explicit bound on the scores per chunk (at least one query row per chunk); the tests
    /// use small bounds to prove that chunking does not change a byte.
    public func attention(q: Tensor, k: Tensor, v: Tensor, heads: Int, scale: Float, scoresPerChunk: Int) -> Tensor {
        attention(q: q, k: k, v: v, heads: heads, scale: scale, optionalBias: nil, scoresPerChunk: scoresPerChunk)
    }

    public func attention(q: Tensor, k: Tensor, v: Tensor, heads: Int, scale: Float, bias: Tensor) -> Tensor {
        attention(q: q, k: k, v: v, heads: heads, scale: scale, bias: bias, scoresPerChunk: Self.attentionScoresPerChunk)
    }

    /// The biased op with an explicit bound on the scores per chunk (as above).
    public func attention(q: Tensor, k: Tensor, v: Tensor, heads: Int, scale: Float, bias: Tensor, scoresPerChunk: Int) -> Tensor {
        attention(q: q, k: k, v: v, heads: heads, scale: scale, optionalBias: bias, scoresPerChunk: scoresPerChunk)
    }

    /// Both ops: with a bias, attention_bias.comp adds it to the chunk's scores between the two first dispatches.
    func attention(q: Tensor, k: Tensor, v: Tensor, heads: Int, scale: Float, optionalBias bias: Tensor?,
                   scoresPerChunk: Int) -> Tensor {
        let dims = ShapeRules.attention(q: q, k: k, v: v, heads: heads)
        let biasHeads = bias.map { ShapeRules.attentionBias($0, dims) } ?? 0
        let (lq, lk, width, d, batch) = (dims.queries, dims.keys, dims.width, dims.headDim, dims.batchCount)
        guard q.count > 0, d > 0 else { return Tensor(zeros: q.shape) }
        let scoresPerRow = batch * heads * lk
        let rowsPerChunk = max(1, min(lq, scoresPerChunk / scoresPerRow))
        let o = run("attention") { () throws -> [Float] in
            // q, k, v and the probabilities are read as RGBA32F texels: sizes rounded up to whole texels.
            let qb = try Self.texelBuffer(q.data, on: device), kb = try Self.texelBuffer(k.data, on: device)
            let vb = try Self.texelBuffer(v.data, on: device)
            let biasBuffer = try bias.map { try device.buffer($0.data) }
            let scores = try device.buffer(count: rowsPerChunk * scoresPerRow)
            let probabilities = try device.buffer(count: (rowsPerChunk * scoresPerRow + 3) / 4 * 4)
            let out = try device.output(count: q.count, for: "attention_values")
            var rowStart = 0
            while rowStart < lq {
                let rows = min(rowsPerChunk, lq - rowStart)
                let scoreCount = rows * scoresPerRow, outCount = batch * rows * width
                var scorePush = PushConstants(scoreCount, heads, lq, lk, d, rowStart, rows)
                scorePush.append(scale)
                try device.sequence { recorder in
                    try recorder.dispatch("attention_scores", bindings: [.texels(qb), .texels(kb), .storage(scores)],
                                          push: scorePush, groups: Self.groups(for: scoreCount))
                    if let biasBuffer {
                        try recorder.dispatch("attention_bias", bindings: [.storage(scores), .storage(biasBuffer)],
                                              push: PushConstants(scoreCount, heads, lq, lk, rowStart, rows, biasHeads),
                                              groups: Self.groups(for: scoreCount))
                    }
                    try recorder.dispatch("softmax", bindings: [.storage(scores), .storage(probabilities)],
                                          push: PushConstants(batch * heads * rows, lk), groups: Self.groups(for: batch * heads * rows))
                    try recorder.dispatch("attention_values", bindings: [.texels(probabilities), .texels(vb), out.binding],
                                          push: PushConstants(outCount, heads, lq, lk, d, rowStart, rows),
                                          groups: Self.groups(for: outCount))
                }
                rowStart += rows
            }
            return try out.download()
        }
        return Tensor(shape: q.shape, data: o)
    }

    /// A buffer holding `values`, its size rounded up to whole RGBA32F texels (the padding is never read).
    static func texelBuffer(_ values: [Float], on device: VulkanDevice) throws -> VulkanBuffer {
        let buffer = try device.buffer(count: (values.count + 3) / 4 * 4)
        buffer.upload(values)
        return buffer
    }
}
