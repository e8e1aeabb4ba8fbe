// Row ops on the device: layerNorm, rmsNorm, softmax (one invocation per row: canonical 8-lane sums, rule 2)
// and RoPE (one invocation per pair). Kernels: layer_norm.comp, rms_norm.comp, softmax.comp, rope.comp.
import TensorCore

extension VulkanBackend {
    public func layerNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, eps: Float) -> Tensor {
        let n = x.lastDimension
        ShapeRules.checkRowParameter(weight, n, "layerNorm weight")
        ShapeRules.checkRowParameter(bias, n, "layerNorm bias")
        var push = PushConstants(x.rowCount, n)
        push.append(eps)
        push.append((weight == nil ? 0 : 1) | (bias == nil ? 0 : 2))
        return sameShape(x, "layer_norm", inputs: [x.data, weight?.data, bias?.data], push: push, items: x.rowCount,
                         label: "layerNorm")
    }

    public func rmsNorm(_ x: Tensor, weight: Tensor?, eps: Float) -> Tensor {
        let n = x.lastDimension
        ShapeRules.checkRowParameter(weight, n, "rmsNorm weight")
        var push = PushConstants(x.rowCount, n)
        push.append(eps)
        push.append(weight == nil ? 0 : 1)
        return sameShape(x, "rms_norm", inputs: [x.data, weight?.data], push: push, items: x.rowCount, label: "rmsNorm")
    }

    public func softmax(_ x: Tensor) -> Tensor {
        sameShape(x, "softmax", inputs: [x.data], push: PushConstants(x.rowCount, x.lastDimension), items: x.rowCount,
                  label: "softmax")
    }

    public func rope(_ x: Tensor, cos: Tensor, sin: Tensor) -> Tensor {
        let (s, width, d) = ShapeRules.rope(x, cos: cos, sin: sin)
        let pairs = x.count / 2
        return sameShape(x, "rope", inputs: [x.data, cos.data, sin.data], push: PushConstants(pairs, s, width, d),
                         items: pairs, label: "rope")
    }
}
