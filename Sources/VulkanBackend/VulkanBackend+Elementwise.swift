// Elementwise ops and activations on the device: binary.comp (numpy broadcasting), scalar.comp, unary.comp.
// Each output element is the CPU's scalar expression (ScalarOps, ExactMath) ported step for step, so the bytes
// equal CPUBackend's in every FMA_MODE / DIVSQRT_MODE the probe may choose.
import TensorCore

extension VulkanBackend {
    /// Operation codes shared by binary.comp and scalar.comp.
    enum ArithmeticOp: Int { case add = 0, sub, mul, div }
    /// Operation codes of unary.comp (0-2 are the bare ExactMath functions, used by the tests).
    enum UnaryKernelOp: Int { case exp = 0, tanh, sigmoid, gelu, quickGelu, silu }

    static let maxBroadcastRank = 8

    public func add(_ a: Tensor, _ b: Tensor) -> Tensor { broadcasting(a, b, .add, "add") }
    public func sub(_ a: Tensor, _ b: Tensor) -> Tensor { broadcasting(a, b, .sub, "sub") }
    public func mul(_ a: Tensor, _ b: Tensor) -> Tensor { broadcasting(a, b, .mul, "mul") }
    public func div(_ a: Tensor, _ b: Tensor) -> Tensor { broadcasting(a, b, .div, "div") }
    public func add(_ x: Tensor, scalar s: Float) -> Tensor { withScalar(x, s, .add) }
    public func sub(_ x: Tensor, scalar s: Float) -> Tensor { withScalar(x, s, .sub) }
    public func mul(_ x: Tensor, scalar s: Float) -> Tensor { withScalar(x, s, .mul) }
    public func div(_ x: Tensor, scalar s: Float) -> Tensor { withScalar(x, s, .div) }
    public func gelu(_ x: Tensor) -> Tensor { unary(x, .gelu) }
    public func quickGelu(_ x: Tensor) -> Tensor { unary(x, .quickGelu) }
    public func silu(_ x: Tensor) -> Tensor { unary(x, .silu) }

    /// Workgroups for one invocation per item with 64-wide groups, split into x and y (65535 per dimension);
    /// kernels index with global_index() (Shaders/include/dispatch.glsl).
    static func groups(for items: Int, width: Int = 64) -> (Int, Int, Int) {
        let total = max(1, (items + width - 1) / width)
        let x = min(total, 65535)
        return (x, (total + x - 1) / x, 1)
    }

    /// The shape every same-shape kernel shares: `inputs` uploaded as storage buffers (bindings 0…, in order),
    /// `kernel` run into a guarded output of x's size (the last binding), downloaded as a tensor of x's shape.
    /// An empty x is returned as is. A `nil` input binds a one-float placeholder the kernel never reads.
    func sameShape(_ x: Tensor, _ kernel: String, inputs: [[Float]?], push: PushConstants, items: Int,
                   label: String) -> Tensor {
        guard x.count > 0 else { return x }
        let y = run(label) { () throws -> [Float] in
            let buffers = try inputs.map { try $0.map { try device.buffer($0) } ?? device.buffer(count: 1) }
            let out = try device.output(count: x.count, for: kernel)
            try device.dispatch(kernel, bindings: buffers.map { .storage($0) } + [out.binding], push: push,
                                groups: Self.groups(for: items))
            return try out.download()
        }
        return Tensor(shape: x.shape, data: y)
    }

    /// y = f(x) through unary.comp.
    func unary(_ x: Tensor, _ op: UnaryKernelOp) -> Tensor {
        sameShape(x, "unary", inputs: [x.data], push: PushConstants(x.count, op.rawValue), items: x.count,
                  label: "unary \(op)")
    }

    /// y = x op s through scalar.comp.
    func withScalar(_ x: Tensor, _ s: Float, _ op: ArithmeticOp) -> Tensor {
        var push = PushConstants(x.count, op.rawValue)
        push.append(s)
        return sameShape(x, "scalar", inputs: [x.data], push: push, items: x.count, label: "scalar \(op)")
    }

    /// a op b with numpy broadcasting through binary.comp.
    func broadcasting(_ a: Tensor, _ b: Tensor, _ op: ArithmeticOp, _ name: String) -> Tensor {
        let shape = ShapeRules.broadcast(a.shape, b.shape, op: name)
        let count = shape.reduce(1, *)
        guard count > 0 else { return Tensor(zeros: shape) }
        let plan = Self.broadcastPlan(a.shape, b.shape, into: shape)
        guard plan.dims.count <= Self.maxBroadcastRank else {
            switch op {   // more than 8 non-mergeable dimensions (see `supports`): the CPU computes the same bytes
            case .add: return host.add(a, b)
            case .sub: return host.sub(a, b)
            case .mul: return host.mul(a, b)
            case .div: return host.div(a, b)
            }
        }
        let y = run(name) { () throws -> [Float] in
            let left = try device.buffer(a.data), right = try device.buffer(b.data)
            let out = try device.output(count: count, for: "binary")
            var push = PushConstants(count, op.rawValue, plan.dims.count)
            for list in [plan.dims, plan.strideA, plan.strideB] {
                for d in 0..<Self.maxBroadcastRank { push.append(d < list.count ? list[d] : 0) }
            }
            try device.dispatch("binary", bindings: [.storage(left), .storage(right), out.binding], push: push,
                                groups: Self.groups(for: count))
            return try out.download()
        }
        return Tensor(shape: shape, data: y)
    }

    /// The kernel's view of a broadcast: the merged dimensions of `out` with both operands' strides.
    static func broadcastPlan(_ a: [Int], _ b: [Int], into out: [Int]) -> (dims: [Int], strideA: [Int], strideB: [Int]) {
        mergedDimensions(out, ShapeRules.broadcastStrides(a, to: out), ShapeRules.broadcastStrides(b, to: out))
    }

    /// Drops size-1 output dimensions and merges neighbours that are contiguous in both operands (outer stride =
    /// inner stride × inner size), so the kernel's index decomposition stays short. Same addresses, fewer dims.
    static func mergedDimensions(_ shape: [Int], _ sa: [Int], _ sb: [Int]) -> (dims: [Int], strideA: [Int], strideB: [Int]) {
        var dims: [Int] = [], strideA: [Int] = [], strideB: [Int] = []
        for d in shape.indices where shape[d] != 1 {
            if let last = dims.indices.last, strideA[last] == sa[d] * shape[d], strideB[last] == sb[d] * shape[d] {
                dims[last] *= shape[d]
                strideA[last] = sa[d]
                strideB[last] = sb[d]
            } else {
                dims.append(shape[d])
                strideA.append(sa[d])
                strideB.append(sb[d])
            }
        }
        return (dims, strideA, strideB)
    }
}
