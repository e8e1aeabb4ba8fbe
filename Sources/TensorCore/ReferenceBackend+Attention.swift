// Reference attention, RoPE, layout ops and patch embedding (see Backend.swift for the exact definitions).
import Numerics

extension ReferenceBackend {
    public func attention(q: Tensor, k: Tensor, v: Tensor, heads: Int, scale: Float) -> Tensor {
        attention(q: q, k: k, v: v, heads: heads, scale: scale, optionalBias: nil)
    }

    public func attention(q: Tensor, k: Tensor, v: Tensor, heads: Int, scale: Float, bias: Tensor) -> Tensor {
        attention(q: q, k: k, v: v, heads: heads, scale: scale, optionalBias: bias)
    }

    /// Both attention ops: without a bias each score is the scaled dot, with one the scaled dot + bias (one add).
    func attention(q: Tensor, k: Tensor, v: Tensor, heads: Int, scale: Float, optionalBias bias: Tensor?) -> Tensor {
        let dims = ShapeRules.attention(q: q, k: k, v: v, heads: heads)
        let biasHeads = bias.map { ShapeRules.attentionBias($0, dims) } ?? 0
        let (lq, lk, width, d, batch) = (dims.queries, dims.keys, dims.width, dims.headDim, dims.batchCount)
        var out = [Float](repeating: 0, count: q.count)
        for b in 0..<batch {
            let qBase = b * lq * width, kvBase = b * lk * width
            for h in 0..<heads {
                for i in 0..<lq {
                    var s = [Float](repeating: 0, count: lk)
                    for j in 0..<lk {
                        var acc: Float = 0
                        for c in 0..<d {
                            acc = acc.addingProduct(q.data[qBase + i * width + h * d + c], k.data[kvBase + j * width + h * d + c])
                        }
                        s[j] = acc * scale
                        if let bias { s[j] = s[j] + bias.data[((biasHeads == 1 ? 0 : h) * lq + i) * lk + j] }
                    }
                    let p = Self.softmaxRow(s)
                    for c in 0..<d {
                        var acc: Float = 0
                        for j in 0..<lk { acc = acc.addingProduct(p[j], v.data[kvBase + j * width + h * d + c]) }
                        out[qBase + i * width + h * d + c] = acc
                    }
                }
            }
        }
        return Tensor(shape: q.shape, data: out)
    }

    public func rope(_ x: Tensor, cos: Tensor, sin: Tensor) -> Tensor {
        let (s, width, d) = ShapeRules.rope(x, cos: cos, sin: sin)
        var y = x.data
        for row in 0..<x.rowCount {
            let t = row % s
            for pairStart in stride(from: 0, to: width, by: 2) {
                let c = pairStart % d
                let x0 = x.data[row * width + pairStart], x1 = x.data[row * width + pairStart + 1]
                y[row * width + pairStart] = x0 * cos.data[t * d + c] - x1 * sin.data[t * d + c]
                y[row * width + pairStart + 1] = x1 * cos.data[t * d + c + 1] + x0 * sin.data[t * d + c + 1]
            }
        }
        return Tensor(shape: x.shape, data: y)
    }

    public func concat(_ tensors: [Tensor], axis: Int) -> Tensor {
        let (a, shape) = ShapeRules.concat(tensors.map(\.shape), axis: axis)
        let first = tensors[0]
        let outer = first.shape[..<a].reduce(1, *)
        var data = [Float]()
        data.reserveCapacity(shape.reduce(1, *))
        for o in 0..<outer {
            for t in tensors {
                let chunk = t.shape[a...].reduce(1, *)
                data.append(contentsOf: t.data[o * chunk ..< (o + 1) * chunk])
            }
        }
        return Tensor(shape: shape, data: data)
    }

    public func slice(_ x: Tensor, axis: Int, range: Range<Int>) -> Tensor {
        let (a, shape) = ShapeRules.slice(x.shape, axis: axis, range: range)
        let inner = x.shape[(a + 1)...].reduce(1, *)
        let outer = x.shape[..<a].reduce(1, *)
        var data = [Float]()
        data.reserveCapacity(shape.reduce(1, *))
        for o in 0..<outer {
            let base = (o * x.shape[a] + range.lowerBound) * inner
            data.append(contentsOf: x.data[base ..< base + range.count * inner])
        }
        return Tensor(shape: shape, data: data)
    }

    public func permute(_ x: Tensor, _ order: [Int]) -> Tensor {
        let shape = ShapeRules.permute(x.shape, order)
        let inStrides = x.strides
        let outStrides = Tensor.rowMajorStrides(shape)
        return Tensor(shape: shape) { idx in
            var rest = idx, source = 0
            for d in 0..<shape.count {
                source += (rest / outStrides[d]) * inStrides[order[d]]
                rest %= outStrides[d]
            }
            return x.data[source]
        }
    }

    public func patchEmbed(_ image: Tensor, _ layer: PackedLinear, patch: Int) -> Tensor {
        let patches = unfoldPatches(image, layer: layer, patch: patch)
        return linear(patches, layer)
    }
}

extension Backend {
    /// [B?, C, H, W] -> [B?, (H/p)(W/p), C·p·p], each patch in (c, dy, dx) order (exact copies).
    public func unfoldPatches(_ image: Tensor, layer: PackedLinear, patch p: Int) -> Tensor {
        precondition((image.rank == 3 || image.rank == 4) && p > 0, "patchEmbed: image \(image.shape), patch \(p)")
        let batched = image.rank == 4
        let b = batched ? image.shape[0] : 1
        let (c, h, w) = (image.shape[image.rank - 3], image.shape[image.rank - 2], image.shape[image.rank - 1])
        precondition(layer.inFeatures == c * p * p, "patchEmbed: layer takes \(layer.inFeatures), patches have \(c * p * p)")
        let gh = h / p, gw = w / p, k = c * p * p
        var data = [Float](repeating: 0, count: b * gh * gw * k)
        for n in 0..<b {
            for gy in 0..<gh {
                for gx in 0..<gw {
                    let row = (n * gh + gy) * gw + gx
                    for ch in 0..<c {
                        for dy in 0..<p {
                            for dx in 0..<p {
                                data[row * k + (ch * p + dy) * p + dx] =
                                    image.data[((n * c + ch) * h + gy * p + dy) * w + gx * p + dx]
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: batched ? [b, gh * gw, k] : [gh * gw, k], data: data)
    }
}
