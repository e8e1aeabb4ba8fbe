// The backend seam: every op the FLUX transformer, the CLIP vision tower and the text encoders need, on f32 tensors.
//
// A backend computes each op in the canonical order of Docs/NUMERICS.md (rule 1 for products, rule 2 for other
// sums, rule 4 for parallelism), so in `exact` mode every backend returns the same bits for the same inputs.
// `ReferenceBackend` is the living definition (scalar, obvious); `CPUBackend` is the fast one and must match it
// bit for bit; every other backend (its own target, registered in BackendRegistry) is compared against CPUBackend by
// the conformance suite (Conformance.swift).
//
// Shapes: "[..., n]" means any number of leading dimensions; ops that reduce act on the last dimension.
// Shape mismatches are programming errors and trap with a message.

public protocol Backend: Sendable {
    /// The numerics mode this backend runs in (`exact` unless asked otherwise).
    var mode: ComputeMode { get }

    /// Whether this backend computes `call` itself. False marks a call the backend hands to its host CPU (the
    /// bytes are the same; the work is not on the device): the conformance suite reports such a call as
    /// unsupported instead of running it. Every call is supported unless the backend says otherwise.
    func supports(_ call: OpCall) -> Bool

    // MARK: Products (rule 1: per output, fma chain over k ascending from +0.0, then + bias with one add)

    /// y [..., out] = x [..., in] · Wᵀ (+ b), with W packed once in `layer`.
    func linear(_ x: Tensor, _ layer: PackedLinear) -> Tensor
    /// residual + linear(x, layer), one IEEE add per element with the residual on the left (`add(residual,
    /// linear(x, layer))`, which is the default); residual has the output's shape. A LoRA delta's up projection
    /// adds the base output this way (AdaptedLinear), so a backend can fuse the add into its GEMM's epilogue.
    func linear(_ x: Tensor, _ layer: PackedLinear, adding residual: Tensor) -> Tensor
    /// (linear(x, first), linear(x, second)), the default; the same input through two layers, so a backend can
    /// read (pack) x once for both. A LoRA delta's down projection runs beside its base Linear this way.
    func linear(_ x: Tensor, _ first: PackedLinear, and second: PackedLinear) -> (Tensor, Tensor)
    /// c [M, N] = a [M, K] · b [K, N].
    func matmul(_ a: Tensor, _ b: Tensor) -> Tensor
    /// c [M, N] = a [M, K] · bᵀ with b stored as [N, K] (attention scores, torch Linear layout).
    func matmulTransposedB(_ a: Tensor, _ b: Tensor) -> Tensor

    // MARK: Elementwise, numpy broadcasting (trailing dimensions aligned; each pair equal or one of them 1)

    /// a + b.
    func add(_ a: Tensor, _ b: Tensor) -> Tensor
    /// a - b.
    func sub(_ a: Tensor, _ b: Tensor) -> Tensor
    /// a * b.
    func mul(_ a: Tensor, _ b: Tensor) -> Tensor
    /// a / b.
    func div(_ a: Tensor, _ b: Tensor) -> Tensor
    /// x + s for every element.
    func add(_ x: Tensor, scalar s: Float) -> Tensor
    /// x - s for every element.
    func sub(_ x: Tensor, scalar s: Float) -> Tensor
    /// x * s for every element.
    func mul(_ x: Tensor, scalar s: Float) -> Tensor
    /// x / s for every element.
    func div(_ x: Tensor, scalar s: Float) -> Tensor

    // MARK: Activations (only ExactMath transcendentals)

    /// GELU, tanh form: c = 0.7978846 (Float(sqrt(2/π))); u = x + 0.044715 * ((x*x)*x); t = tanh(c * u);
    /// y = (0.5 * x) * (1 + t). Every operation separately rounded, no FMA.
    func gelu(_ x: Tensor) -> Tensor
    /// Quick-GELU (CLIP): y = x * sigmoid(1.702 * x).
    func quickGelu(_ x: Tensor) -> Tensor
    /// SiLU: y = x * sigmoid(x).
    func silu(_ x: Tensor) -> Tensor

    // MARK: Normalisation and softmax (over the last dimension, per row)

    /// LayerNorm over the last dim (n elements): mean = S(x) / n; d_i = x_i - mean; var = S(d_i * d_i) / n;
    /// r = 1 / sqrt(var + eps); y_i = d_i * r; with affine: y_i = y_i * w_i + b_i (mul then add, no FMA).
    /// S = canonical 8-lane sum. weight and bias are [n]; either may be nil.
    func layerNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, eps: Float) -> Tensor
    /// RMSNorm over the last dim: ms = S(x_i * x_i) / n; r = 1 / sqrt(ms + eps); y_i = x_i * r; with weight:
    /// y_i = y_i * w_i. S = canonical 8-lane sum.
    func rmsNorm(_ x: Tensor, weight: Tensor?, eps: Float) -> Tensor
    /// Softmax over the last dim: m = max (rule 3); e_j = exp(x_j - m); Z = S(e); p_j = e_j / Z.
    func softmax(_ x: Tensor) -> Tensor

    // MARK: Attention and positions

    /// Exact attention. q [..., Lq, H·d], k and v [..., Lk, H·d] (token-major, the layout Linear produces;
    /// channel c belongs to head c / d). Leading dimensions are batch and must agree. Per batch, head h and
    /// query i: s_j = (rule-1 dot of q_i and k_j over the d lanes of head h) * scale (one rounding);
    /// p = softmax(s) over the full key row (as `softmax`); o_i = rule-1 sum over keys j ascending of p_j * v_j.
    /// Returns [..., Lq, H·d]. No online (flash) rescaling.
    func attention(q: Tensor, k: Tensor, v: Tensor, heads: Int, scale: Float) -> Tensor
    /// Exact attention with an additive score bias (CLIP text's causal mask, T5's relative position bias). As
    /// `attention`, except that each score gets one more rounding: s_j = ((rule-1 dot) * scale) + bias[h', i, j],
    /// the product rounded, then one IEEE add; then p = softmax(s) (as `softmax`) and o_i as in `attention`.
    /// bias is [H, Lq, Lk] (h' = h) or [1, Lq, Lk] (h' = 0), the same for every batch element. -inf is allowed:
    /// exp gives exactly +0 for it (a row whose every score is -inf gives NaN, as torch's softmax does).
    func attention(q: Tensor, k: Tensor, v: Tensor, heads: Int, scale: Float, bias: Tensor) -> Tensor
    /// RoPE with adjacent pairs (diffusers apply_rotary_emb, use_real_unbind_dim=-1) on x [..., S, H·d] with
    /// host tables cos, sin [S, d] (repeat-interleaved: entries 2m and 2m+1 belong to pair m), same for every head:
    /// y[2m] = x[2m]*cos[2m] - x[2m+1]*sin[2m]; y[2m+1] = x[2m+1]*cos[2m+1] + x[2m]*sin[2m+1]
    /// (two rounded products, then one add/sub).
    func rope(_ x: Tensor, cos: Tensor, sin: Tensor) -> Tensor

    // MARK: Layout (exact copies)

    /// Concatenation along `axis`; all other dimensions must agree.
    func concat(_ tensors: [Tensor], axis: Int) -> Tensor
    /// The elements with index in `range` along `axis`.
    func slice(_ x: Tensor, axis: Int, range: Range<Int>) -> Tensor
    /// Axes reordered: result dimension i is input dimension order[i] (torch.permute).
    func permute(_ x: Tensor, _ order: [Int]) -> Tensor

    // MARK: Convolution as a product

    /// Patch embedding = Conv2d(kernel = stride = patch) without padding: image [C, H, W] or [B, C, H, W],
    /// layer packed from the conv weight [O, C, p, p] (+ bias [O]). Each patch is unfolded in (c, dy, dx) order
    /// and multiplied by rule 1. Returns [(H/p)·(W/p), O] (or [B, ·, O]), patches row-major over the grid
    /// (= torch conv(x).flatten(2).transpose(1, 2)). Remainder rows/columns are ignored, as Conv2d does.
    func patchEmbed(_ image: Tensor, _ layer: PackedLinear, patch: Int) -> Tensor

    // MARK: Convolution, group norm and resampling (channel-major images, torch's [B, C, H, W])

    /// Conv2d (torch F.conv2d with zero padding, dilation 1, groups 1): x [C, H, W] or [B, C, H, W], layer packed
    /// from the conv weight [O, C, k, k] (+ bias [O]), so its inputs are C·k·k in (c, dy, dx) order. The input is
    /// first zero-padded by `padding` (top, left, bottom, right: F.pad then a padding-0 conv is one call); output
    /// pixel (oy, ox) reads the padded window at (oy·stride, ox·stride). Per output (o, oy, ox): rule 1, one fma
    /// chain over (c, dy, dx) ascending from +0.0 with every window element as a term (a padding element is a
    /// +0.0 term), then + bias[o] with one add. Returns [O, Ho, Wo] (or [B, O, Ho, Wo]),
    /// Ho = (H + top + bottom - k) / stride + 1 (floor), likewise Wo; the padded input must hold one window.
    func conv2d(_ x: Tensor, _ layer: PackedLinear, kernel: Int, stride: Int, padding: Padding2D) -> Tensor
    /// GroupNorm (torch F.group_norm): x [B, C, *] (rank >= 2; the group of channels g·C/G ..< (g+1)·C/G and all
    /// their positions is one contiguous run of n = C/G·prod(*) elements). Per (batch, group), over that run in
    /// memory order, exactly as `layerNorm` over a row: mean = S(x) / n; d_i = x_i - mean; var = S(d_i * d_i) / n;
    /// r = 1 / sqrt(var + eps); y_i = d_i * r; with affine: y_i = y_i * w[c] then y_i + b[c] for the element's
    /// channel c (mul then add, no FMA). S = canonical 8-lane sum. weight and bias are [C]; either may be nil.
    func groupNorm(_ x: Tensor, groups: Int, weight: Tensor?, bias: Tensor?, eps: Float) -> Tensor
    /// Nearest-neighbour upsampling by 2 on the last two axes (torch F.interpolate(scale_factor=2,
    /// mode="nearest")): x [..., H, W] -> y [..., 2H, 2W] with y[..., i, j] = x[..., i / 2, j / 2]. Exact copies.
    func upsampleNearest2x(_ x: Tensor) -> Tensor
}

extension Backend {
    public func supports(_ call: OpCall) -> Bool { true }

    /// 2-D transpose, as `permute(x, [1, 0])` on the last two axes.
    public func transpose(_ x: Tensor) -> Tensor {
        precondition(x.rank >= 2, "transpose: rank \(x.rank)")
        var order = Array(0..<x.rank)
        order.swapAt(x.rank - 1, x.rank - 2)
        return permute(x, order)
    }

    /// Same data, new shape (a metadata change on every backend).
    public func reshape(_ x: Tensor, _ shape: [Int]) -> Tensor { x.reshaped(shape) }
}

extension Backend {
    public func linear(_ x: Tensor, _ layer: PackedLinear, adding residual: Tensor) -> Tensor {
        ShapeRules.checkLinear(x, layer, residual: residual)
        return add(residual, linear(x, layer))
    }

    public func linear(_ x: Tensor, _ first: PackedLinear, and second: PackedLinear) -> (Tensor, Tensor) {
        (linear(x, first), linear(x, second))
    }
}
