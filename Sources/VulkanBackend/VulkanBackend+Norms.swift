// Row ops on the device: layerNorm, rmsNorm, softmax (one invocation per row: canonical 8-lane sums, rule 2)
// and RoPE (one invocation per pair). Kernels: layer_norm.comp, rms_norm.comp, softmax.comp, rope.comp.
import TensorCore

extension VulkanBackend {
    public func layerNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, eps: Float) -> Tensor {
        let n = x.lastDimension
        Self.checkRowParameter(weight, n, "layerNorm weight")
        Self.checkRowParameter(bias, n, "layerNorm bias")
        guard x.count > 0 else { return x }
        let y = run("layerNorm") { () throws -> [Float] in
            let input = try device.buffer(x.data)
            let placeholder = try device.buffer(count: 1)   // bound for an absent weight or bias, never read
            let w = try weight.map { try device.buffer($0.data) } ?? placeholder
            let b = try bias.map { try device.buffer($0.data) } ?? placeholder
            let out = try device.output(count: x.count, for: "layer_norm")
            var push = PushConstants(x.rowCount, n)
            push.append(eps)
            push.append((weight == nil ? 0 : 1) | (bias == nil ? 0 : 2))
            try device.dispatch("layer_norm", bindings: [.storage(input), .storage(w), .storage(b), out.binding], push: push,
                                groups: Self.groups(for: x.rowCount))
            return try out.download()
        }
        return Tensor(shape: x.shape, data: y)
    }

    public func rmsNorm(_ x: Tensor, weight: Tensor?, eps: Float) -> Tensor {
        let n = x.lastDimension
        Self.checkRowParameter(weight, n, "rmsNorm weight")
        guard x.count > 0 else { return x }
        let y = run("rmsNorm") { () throws -> [Float] in
            let input = try device.buffer(x.data)
            let w = try weight.map { try device.buffer($0.data) } ?? device.buffer(count: 1)
            let out = try device.output(count: x.count, for: "rms_norm")
            var push = PushConstants(x.rowCount, n)
            push.append(eps)
            push.append(weight == nil ? 0 : 1)
            try device.dispatch("rms_norm", bindings: [.storage(input), .storage(w), out.binding], push: push,
                                groups: Self.groups(for: x.rowCount))
            return try out.download()
        }
        return Tensor(shape: x.shape, data: y)
    }

    public func softmax(_ x: Tensor) -> Tensor {
        guard x.count > 0 else { return x }
        let y = run("softmax") { () throws -> [Float] in
            let input = try device.buffer(x.data)
            let out = try device.output(count: x.count, for: "softmax")
            try device.dispatch("softmax", bindings: [.storage(input), out.binding], push: PushConstants(x.rowCount, x.lastDimension),
                                groups: Self.groups(for: x.rowCount))
            return try out.download()
        }
        return Tensor(shape: x.shape, data: y)
    }

    public func rope(_ x: Tensor, cos: Tensor, sin: Tensor) -> Tensor {
        precondition(x.rank >= 2 && cos.rank == 2 && cos.shape == sin.shape, "rope: x \(x.shape), cos \(cos.shape), sin \(sin.shape)")
        let s = x.shape[x.rank - 2], width = x.lastDimension, d = cos.shape[1]
        precondition(cos.shape[0] == s && d % 2 == 0 && d > 0 && width % d == 0, "rope: x \(x.shape) with tables \(cos.shape)")
        guard x.count > 0 else { return x }
        let pairs = x.count / 2
        let y = run("rope") { () throws -> [Float] in
            let input = try device.buffer(x.data), c = try device.buffer(cos.data), sn = try device.buffer(sin.data)
            let out = try device.output(count: x.count, for: "rope")
            try device.dispatch("rope", bindings: [.storage(input), .storage(c), .storage(sn), out.binding],
                                push: PushConstants(pairs, s, width, d), groups: Self.groups(for: pairs))
            return try out.download()
        }
        return Tensor(shape: x.shape, data: y)
    }

    /// A last-dimension parameter vector must hold n elements (the CPU's check and message).
    static func checkRowParameter(_ p: Tensor?, _ n: Int, _ what: String) {
        if let p { precondition(p.count == n, "\(what): parameter of shape \(p.shape) for rows of \(n)") }
    }
}
