// The FLUX transformer blocks, bottom-up: modulation helpers, joint attention, double-stream block,
// single-stream block. port of diffusers transformer_flux.py (FluxAttnProcessor, FluxTransformerBlock,
// FluxSingleTransformerBlock) and normalization.py (AdaLayerNormZero[Single]); Docs/FLUX.md §1.5-1.8.
// Shapes: B batch, S tokens, D = heads · head_dim, M = 4D.
import TensorCore

/// What every block of one forward pass shares.
struct FluxRunContext {
    let backend: any Backend
    let adapters: FluxAdapters
    /// SiLU(temb) [B, D]: the input of every AdaLN Linear.
    let siluTemb: Tensor
    /// RoPE tables [S_txt + S_img, head_dim] (text first).
    let ropeCos: Tensor
    let ropeSin: Tensor
    let heads: Int
    let headDim: Int
}

/// Shift, scale and gate of one AdaLayerNorm branch, each [B, 1, D].
struct FluxModulation {
    let shift: Tensor
    let scale: Tensor
    let gate: Tensor
}

let fluxNormEps: Float = 1e-6

extension FluxRunContext {
    /// The `count` equal chunks of a modulation vector e [B, count·D], each as [B, 1, D].
    func chunks(_ e: Tensor, _ count: Int) -> [Tensor] {
        let d = e.shape[1] / count
        return (0..<count).map { backend.slice(e, axis: 1, range: ($0 * d)..<(($0 + 1) * d)).reshaped([e.shape[0], 1, d]) }
    }

    /// AdaLayerNormZero: chunks shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp.
    func zeroModulation(_ e: Tensor) -> (attention: FluxModulation, mlp: FluxModulation) {
        let c = chunks(e, 6)
        return (FluxModulation(shift: c[0], scale: c[1], gate: c[2]), FluxModulation(shift: c[3], scale: c[4], gate: c[5]))
    }

    /// AdaLayerNormZeroSingle: chunks shift, scale, gate.
    func singleModulation(_ e: Tensor) -> FluxModulation {
        let c = chunks(e, 3)
        return FluxModulation(shift: c[0], scale: c[1], gate: c[2])
    }

    /// AdaLayerNormContinuous: chunks are (scale, shift), in that order.
    func continuousModulation(_ e: Tensor) -> (scale: Tensor, shift: Tensor) {
        let c = chunks(e, 2)
        return (c[0], c[1])
    }

    /// LN(x) · (1 + scale) + shift, LayerNorm without affine, eps 1e-6; scale and shift are [B, 1, D].
    func modulate(_ x: Tensor, shift: Tensor, scale: Tensor) -> Tensor {
        let normed = backend.layerNorm(x, weight: nil, bias: nil, eps: fluxNormEps)
        return backend.add(backend.mul(normed, backend.add(scale, scalar: 1)), shift)
    }

    func modulate(_ x: Tensor, _ m: FluxModulation) -> Tensor { modulate(x, shift: m.shift, scale: m.scale) }

    /// x + gate · y (gate [B, 1, D]).
    func gatedResidual(_ x: Tensor, gate: Tensor, _ y: Tensor) -> Tensor {
        backend.add(x, backend.mul(gate, y))
    }

    /// Per-head RMSNorm (eps 1e-6, weight [hd]) of x [B, S, H·hd].
    func headNorm(_ x: Tensor, _ weight: Tensor) -> Tensor {
        let (b, s) = (x.shape[0], x.shape[1])
        return backend.rmsNorm(x.reshaped([b, s, heads, headDim]), weight: weight, eps: fluxNormEps)
            .reshaped([b, s, heads * headDim])
    }

    /// RoPE over the whole joint sequence [B, S_txt + S_img, H·hd] (same table for every head).
    func rotate(_ x: Tensor) -> Tensor { backend.rope(x, cos: ropeCos, sin: ropeSin) }

    /// softmax(Q Kᵀ / sqrt(hd)) V per head, no mask; [B, S, H·hd] in and out.
    func attend(q: Tensor, k: Tensor, v: Tensor) -> Tensor {
        backend.attention(q: q, k: k, v: v, heads: heads, scale: 1 / Float(headDim).squareRoot())
    }
}

extension AdaptedLinear {
    /// The Linear with this forward pass's backend and adapters.
    func callAsFunction(_ x: Tensor, _ ctx: FluxRunContext) -> Tensor { self(x, ctx.adapters, backend: ctx.backend) }
}

/// FluxTransformerBlock: image and text streams with their own weights, one joint attention.
struct FluxDoubleBlock: Sendable {
    let w: FluxBlockWeights<FluxDoubleBlockLinear, FluxDoubleBlockNorm>

    /// The feed-forward of either stream: net.2(GELU_tanh(net.0.proj(x))), D → M → D.
    func feedForward(_ x: Tensor, _ inProj: FluxDoubleBlockLinear, _ outProj: FluxDoubleBlockLinear,
                     _ ctx: FluxRunContext) -> Tensor {
        w[outProj](ctx.backend.gelu(w[inProj](x, ctx)), ctx)
    }

    /// h [B, S_img, D], c [B, S_txt, D] → (h, c).
    func callAsFunction(hidden h: Tensor, context c: Tensor, _ ctx: FluxRunContext) -> (Tensor, Tensor) {
        let be = ctx.backend
        let sTxt = c.shape[1], sAll = c.shape[1] + h.shape[1]
        let img = ctx.zeroModulation(w[.norm1](ctx.siluTemb, ctx))
        let txt = ctx.zeroModulation(w[.norm1Context](ctx.siluTemb, ctx))
        let nh = ctx.modulate(h, img.attention)
        let nc = ctx.modulate(c, txt.attention)

        // Joint attention, text tokens first.
        let q = ctx.rotate(be.concat([ctx.headNorm(w[.addQ](nc, ctx), w[.normAddedQ]),
                                      ctx.headNorm(w[.toQ](nh, ctx), w[.normQ])], axis: 1))
        let k = ctx.rotate(be.concat([ctx.headNorm(w[.addK](nc, ctx), w[.normAddedK]),
                                      ctx.headNorm(w[.toK](nh, ctx), w[.normK])], axis: 1))
        let v = be.concat([w[.addV](nc, ctx), w[.toV](nh, ctx)], axis: 1)
        let a = ctx.attend(q: q, k: k, v: v)
        let aTxt = w[.toAddOut](be.slice(a, axis: 1, range: 0..<sTxt), ctx)
        let aImg = w[.toOut](be.slice(a, axis: 1, range: sTxt..<sAll), ctx)

        var h2 = ctx.gatedResidual(h, gate: img.attention.gate, aImg)
        h2 = ctx.gatedResidual(h2, gate: img.mlp.gate, feedForward(ctx.modulate(h2, img.mlp), .ffIn, .ffOut, ctx))
        var c2 = ctx.gatedResidual(c, gate: txt.attention.gate, aTxt)
        c2 = ctx.gatedResidual(c2, gate: txt.mlp.gate,
                               feedForward(ctx.modulate(c2, txt.mlp), .ffContextIn, .ffContextOut, ctx))
        return (h2, c2)
    }
}

/// FluxSingleTransformerBlock on the concatenated stream z = [text | image]: norm D → 3D, proj_mlp D → M,
/// proj_out D + M → D on cat(attention, mlp).
struct FluxSingleBlock: Sendable {
    let w: FluxBlockWeights<FluxSingleBlockLinear, FluxSingleBlockNorm>

    func callAsFunction(_ z: Tensor, _ ctx: FluxRunContext) -> Tensor {
        let be = ctx.backend
        let m = ctx.singleModulation(w[.norm](ctx.siluTemb, ctx))
        let nz = ctx.modulate(z, m)
        let mlp = be.gelu(w[.projMlp](nz, ctx))
        let q = ctx.rotate(ctx.headNorm(w[.toQ](nz, ctx), w[.normQ]))
        let k = ctx.rotate(ctx.headNorm(w[.toK](nz, ctx), w[.normK]))
        let att = ctx.attend(q: q, k: k, v: w[.toV](nz, ctx))
        let out = w[.projOut](be.concat([att, mlp], axis: 2), ctx)
        return ctx.gatedResidual(z, gate: m.gate, out)
    }
}
