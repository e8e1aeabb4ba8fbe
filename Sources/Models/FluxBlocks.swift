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

let fluxNormEps: Float = 1e-6

extension FluxRunContext {
    /// Chunk `index` of `count` equal chunks of a modulation vector e [B, count·D], as [B, 1, D].
    func chunk(_ e: Tensor, _ index: Int, of count: Int) -> Tensor {
        let d = e.shape[1] / count
        return backend.slice(e, axis: 1, range: (index * d)..<((index + 1) * d)).reshaped([e.shape[0], 1, d])
    }

    /// LN(x) · (1 + scale) + shift, LayerNorm without affine, eps 1e-6; scale and shift are [B, 1, D].
    func modulate(_ x: Tensor, shift: Tensor, scale: Tensor) -> Tensor {
        let normed = backend.layerNorm(x, weight: nil, bias: nil, eps: fluxNormEps)
        return backend.add(backend.mul(normed, backend.add(scale, scalar: 1)), shift)
    }

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

/// The feed-forward of a double block: net.2(GELU_tanh(net.0.proj(x))), D → M → D.
struct FluxFeedForward: Sendable {
    let inProj: AdaptedLinear   // net.0.proj
    let outProj: AdaptedLinear  // net.2

    func callAsFunction(_ x: Tensor, _ ctx: FluxRunContext) -> Tensor {
        outProj(ctx.backend.gelu(inProj(x, ctx.adapters, backend: ctx.backend)), ctx.adapters, backend: ctx.backend)
    }
}

/// FluxTransformerBlock: image and text streams with their own weights, one joint attention.
struct FluxDoubleBlock: Sendable {
    let norm1: AdaptedLinear, norm1Context: AdaptedLinear          // D → 6D each
    let toQ: AdaptedLinear, toK: AdaptedLinear, toV: AdaptedLinear  // image stream
    let addQ: AdaptedLinear, addK: AdaptedLinear, addV: AdaptedLinear  // text stream
    let toOut: AdaptedLinear, toAddOut: AdaptedLinear
    let normQ: Tensor, normK: Tensor, normAddedQ: Tensor, normAddedK: Tensor  // [hd]
    let ff: FluxFeedForward, ffContext: FluxFeedForward

    /// h [B, S_img, D], c [B, S_txt, D] → (h, c).
    func callAsFunction(hidden h: Tensor, context c: Tensor, _ ctx: FluxRunContext) -> (Tensor, Tensor) {
        let be = ctx.backend, ad = ctx.adapters
        let sTxt = c.shape[1], sAll = c.shape[1] + h.shape[1]
        // AdaLayerNormZero chunks: shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp.
        let e = norm1(ctx.siluTemb, ad, backend: be)
        let ec = norm1Context(ctx.siluTemb, ad, backend: be)
        let nh = ctx.modulate(h, shift: ctx.chunk(e, 0, of: 6), scale: ctx.chunk(e, 1, of: 6))
        let nc = ctx.modulate(c, shift: ctx.chunk(ec, 0, of: 6), scale: ctx.chunk(ec, 1, of: 6))

        // Joint attention, text tokens first.
        let q = ctx.rotate(be.concat([ctx.headNorm(addQ(nc, ad, backend: be), normAddedQ),
                                      ctx.headNorm(toQ(nh, ad, backend: be), normQ)], axis: 1))
        let k = ctx.rotate(be.concat([ctx.headNorm(addK(nc, ad, backend: be), normAddedK),
                                      ctx.headNorm(toK(nh, ad, backend: be), normK)], axis: 1))
        let v = be.concat([addV(nc, ad, backend: be), toV(nh, ad, backend: be)], axis: 1)
        let a = ctx.attend(q: q, k: k, v: v)
        let aTxt = toAddOut(be.slice(a, axis: 1, range: 0..<sTxt), ad, backend: be)
        let aImg = toOut(be.slice(a, axis: 1, range: sTxt..<sAll), ad, backend: be)

        var h2 = ctx.gatedResidual(h, gate: ctx.chunk(e, 2, of: 6), aImg)
        h2 = ctx.gatedResidual(h2, gate: ctx.chunk(e, 5, of: 6),
                               ff(ctx.modulate(h2, shift: ctx.chunk(e, 3, of: 6), scale: ctx.chunk(e, 4, of: 6)), ctx))
        var c2 = ctx.gatedResidual(c, gate: ctx.chunk(ec, 2, of: 6), aTxt)
        c2 = ctx.gatedResidual(c2, gate: ctx.chunk(ec, 5, of: 6),
                               ffContext(ctx.modulate(c2, shift: ctx.chunk(ec, 3, of: 6), scale: ctx.chunk(ec, 4, of: 6)), ctx))
        return (h2, c2)
    }
}

/// FluxSingleTransformerBlock on the concatenated stream z = [text | image].
struct FluxSingleBlock: Sendable {
    let norm: AdaptedLinear                                  // D → 3D: shift, scale, gate
    let toQ: AdaptedLinear, toK: AdaptedLinear, toV: AdaptedLinear
    let projMlp: AdaptedLinear                               // D → M
    let projOut: AdaptedLinear                               // D + M → D, input cat(attention, mlp)
    let normQ: Tensor, normK: Tensor

    func callAsFunction(_ z: Tensor, _ ctx: FluxRunContext) -> Tensor {
        let be = ctx.backend, ad = ctx.adapters
        let e = norm(ctx.siluTemb, ad, backend: be)
        let nz = ctx.modulate(z, shift: ctx.chunk(e, 0, of: 3), scale: ctx.chunk(e, 1, of: 3))
        let mlp = be.gelu(projMlp(nz, ad, backend: be))
        let q = ctx.rotate(ctx.headNorm(toQ(nz, ad, backend: be), normQ))
        let k = ctx.rotate(ctx.headNorm(toK(nz, ad, backend: be), normK))
        let att = ctx.attend(q: q, k: k, v: toV(nz, ad, backend: be))
        let out = projOut(be.concat([att, mlp], axis: 2), ad, backend: be)
        return ctx.gatedResidual(z, gate: ctx.chunk(e, 2, of: 3), out)
    }
}
