// The shape rule of the attention score bias (Backend.attention(q:k:v:heads:scale:bias:)).

extension ShapeRules {
    /// Checks an attention score bias [H, Lq, Lk] or [1, Lq, Lk] against one call's dimensions and returns its
    /// head count (H, or 1 when every head shares it).
    public static func attentionBias(_ bias: Tensor, _ dims: Attention) -> Int {
        precondition(bias.rank == 3 && (bias.shape[0] == dims.heads || bias.shape[0] == 1)
                     && bias.shape[1] == dims.queries && bias.shape[2] == dims.keys,
                     "attention: bias \(bias.shape) for \(dims.heads) heads, \(dims.queries) queries and \(dims.keys) keys"
                     + " (expected [\(dims.heads) or 1, \(dims.queries), \(dims.keys)])")
        return bias.shape[0]
    }
}
