// The building blocks of diffusers' AutoencoderKL (models/resnet.py, downsampling.py, upsampling.py,
// attention_processor.py), forward only, on channel-major images [B, C, H, W]. Every GroupNorm has eps 1e-6.
//
//   ResnetBlock2D:  h = conv2(SiLU(norm2(conv1(SiLU(norm1(x))))));  out = shortcut(x) + h   (shortcut: 1×1 when in ≠ out)
//   Downsample2D:   conv 3×3 stride 2 over x zero-padded by one column right and one row bottom (F.pad(0, 1, 0, 1))
//   Upsample2D:     conv 3×3 padding 1 over nearest ×2 upsampling
//   mid attention:  one head over the H·W tokens: t = GN(x) as [B, HW, C]; o = to_out.0(softmax(q kᵀ/√C) v); out = o + x
import TensorCore

/// A Conv2d with bias and its geometry.
struct VAEConv: Sendable {
    let layer: PackedLinear
    let kernel: Int
    let stride: Int
    let padding: Padding2D

    func callAsFunction(_ x: Tensor, _ backend: any Backend) -> Tensor {
        backend.conv2d(x, layer, kernel: kernel, stride: stride, padding: padding)
    }
}

/// GroupNorm with its affine parameters.
struct VAEGroupNorm: Sendable {
    let groups: Int
    let weight: Tensor
    let bias: Tensor

    func callAsFunction(_ x: Tensor, _ backend: any Backend) -> Tensor {
        backend.groupNorm(x, groups: groups, weight: weight, bias: bias, eps: VAEConfig.normEps)
    }
}

struct VAEResnetBlock: Sendable {
    let norm1: VAEGroupNorm
    let conv1: VAEConv
    let norm2: VAEGroupNorm
    let conv2: VAEConv
    let shortcut: VAEConv?

    func callAsFunction(_ x: Tensor, _ backend: any Backend) -> Tensor {
        let h = conv1(backend.silu(norm1(x, backend)), backend)
        let y = conv2(backend.silu(norm2(h, backend)), backend)
        // diffusers: (input_tensor + hidden_states) / output_scale_factor, the factor being 1 (an exact no-op).
        return backend.add(shortcut.map { $0(x, backend) } ?? x, y)
    }
}

/// The mid-block self-attention: one head of width C (diffusers Attention with group_norm, heads = 1).
struct VAEAttention: Sendable {
    let groupNorm: VAEGroupNorm
    let toQ: PackedLinear
    let toK: PackedLinear
    let toV: PackedLinear
    let toOut: PackedLinear

    func callAsFunction(_ x: Tensor, _ backend: any Backend) -> Tensor {
        let (b, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let tokens = backend.permute(groupNorm(x, backend).reshaped([b, c, h * w]), [0, 2, 1])   // [B, HW, C]
        let q = backend.linear(tokens, toQ), k = backend.linear(tokens, toK), v = backend.linear(tokens, toV)
        // F.scaled_dot_product_attention's default scale 1/√head_dim, head_dim = C; rounded once to f32.
        let attended = backend.attention(q: q, k: k, v: v, heads: 1, scale: Float(1 / Double(c).squareRoot()))
        let out = backend.permute(backend.linear(attended, toOut), [0, 2, 1]).reshaped([b, c, h, w])
        return backend.add(out, x)   // residual_connection, rescale_output_factor 1
    }
}

/// UNetMidBlock2D: resnet, optional attention, resnet.
struct VAEMidBlock: Sendable {
    let first: VAEResnetBlock
    let attention: VAEAttention?
    let second: VAEResnetBlock

    func callAsFunction(_ x: Tensor, _ backend: any Backend) -> Tensor {
        var h = first(x, backend)
        if let attention { h = attention(h, backend) }
        return second(h, backend)
    }
}

/// DownEncoderBlock2D (resnets, then the stride-2 downsampler except in the last block) or UpDecoderBlock2D
/// (resnets, then nearest ×2 and a 3×3 conv except in the last block).
struct VAEBlock: Sendable {
    enum Resampling: Sendable { case down(VAEConv), up(VAEConv), none }
    let resnets: [VAEResnetBlock]
    let resampling: Resampling

    func callAsFunction(_ x: Tensor, _ backend: any Backend) -> Tensor {
        var h = x
        for resnet in resnets { h = resnet(h, backend) }
        switch resampling {
        case .down(let conv): return conv(h, backend)
        case .up(let conv): return conv(backend.upsampleNearest2x(h), backend)
        case .none: return h
        }
    }
}

extension StrictWeightLoader {
    func vaeConv(_ path: String, kernel: Int, stride: Int = 1, padding: Padding2D) throws -> VAEConv {
        VAEConv(layer: try linear(path, bias: true), kernel: kernel, stride: stride, padding: padding)
    }

    func vaeGroupNorm(_ path: String, groups: Int) throws -> VAEGroupNorm {
        VAEGroupNorm(groups: groups, weight: try tensor(path + ".weight"), bias: try tensor(path + ".bias"))
    }

    func vaeResnet(_ scope: String, in inChannels: Int, out: Int, groups: Int) throws -> VAEResnetBlock {
        VAEResnetBlock(norm1: try vaeGroupNorm(scope + "norm1", groups: groups),
                       conv1: try vaeConv(scope + "conv1", kernel: 3, padding: .same(1)),
                       norm2: try vaeGroupNorm(scope + "norm2", groups: groups),
                       conv2: try vaeConv(scope + "conv2", kernel: 3, padding: .same(1)),
                       shortcut: inChannels == out ? nil : try vaeConv(scope + "conv_shortcut", kernel: 1, padding: .none))
    }

    func vaeMidBlock(_ scope: String, channels: Int, groups: Int, attention: Bool) throws -> VAEMidBlock {
        let a = scope + "attentions.0."
        return VAEMidBlock(
            first: try vaeResnet(scope + "resnets.0.", in: channels, out: channels, groups: groups),
            attention: attention ? VAEAttention(groupNorm: try vaeGroupNorm(a + "group_norm", groups: groups),
                                                toQ: try linear(a + "to_q", bias: true), toK: try linear(a + "to_k", bias: true),
                                                toV: try linear(a + "to_v", bias: true), toOut: try linear(a + "to_out.0", bias: true))
                : nil,
            second: try vaeResnet(scope + "resnets.1.", in: channels, out: channels, groups: groups))
    }
}
