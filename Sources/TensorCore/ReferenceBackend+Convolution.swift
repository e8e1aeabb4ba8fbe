// Reference conv2d, groupNorm and upsampleNearest2x (see Backend.swift for the exact definitions): scalar loops
// over torch's channel-major layout, no im2col, no blocking.
import Numerics

extension ReferenceBackend {
    public func conv2d(_ x: Tensor, _ layer: PackedLinear, kernel: Int, stride: Int, padding: Padding2D) -> Tensor {
        let g = ShapeRules.conv2d(x, layer, kernel: kernel, stride: stride, padding: padding)
        let (c, h, w, k) = (g.channels, g.height, g.width, g.kernel)
        var y = [Float](repeating: 0, count: g.batch * g.outChannels * g.outPixels)
        for n in 0..<g.batch {
            for o in 0..<g.outChannels {
                for oy in 0..<g.outHeight {
                    for ox in 0..<g.outWidth {
                        var acc: Float = 0
                        for ch in 0..<c {
                            for dy in 0..<k {
                                for dx in 0..<k {
                                    let iy = oy * stride + dy - padding.top, ix = ox * stride + dx - padding.left
                                    let value: Float = iy >= 0 && iy < h && ix >= 0 && ix < w
                                        ? x.data[((n * c + ch) * h + iy) * w + ix] : 0
                                    acc = acc.addingProduct(value, layer.weight(out: o, in: (ch * k + dy) * k + dx))
                                }
                            }
                        }
                        if let b = layer.bias(out: o) { acc = acc + b }
                        y[((n * g.outChannels + o) * g.outHeight + oy) * g.outWidth + ox] = acc
                    }
                }
            }
        }
        return Tensor(shape: g.outputShape, data: y)
    }

    public func groupNorm(_ x: Tensor, groups: Int, weight: Tensor?, bias: Tensor?, eps: Float) -> Tensor {
        let (batch, channels, spatial) = ShapeRules.groupNorm(x, groups: groups, weight: weight, bias: bias)
        let perGroup = channels / groups
        let n = perGroup * spatial
        var y = x.data
        for item in 0..<batch * groups {
            let base = item * n
            let mean = LaneSum.reference(n) { x.data[base + $0] } / Float(n)
            let d = (0..<n).map { x.data[base + $0] - mean }
            let variance = LaneSum.reference(n) { d[$0] * d[$0] } / Float(n)
            let r = 1 / (variance + eps).squareRoot()
            for i in 0..<n {
                let channel = (item % groups) * perGroup + i / max(spatial, 1)
                var v = d[i] * r
                if let weight { v = v * weight.data[channel] }
                if let bias { v = v + bias.data[channel] }
                y[base + i] = v
            }
        }
        return Tensor(shape: x.shape, data: y)
    }

    public func upsampleNearest2x(_ x: Tensor) -> Tensor {
        let shape = ShapeRules.upsampleNearest2x(x.shape)
        let h = x.shape[x.rank - 2], w = x.shape[x.rank - 1]
        return Tensor(shape: shape) { idx in
            let j = idx % (2 * w), i = (idx / (2 * w)) % (2 * h), plane = idx / (4 * h * w)
            return x.data[(plane * h + i / 2) * w + j / 2]
        }
    }
}
