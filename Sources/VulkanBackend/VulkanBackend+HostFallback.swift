// Ops that have no Vulkan kernel yet run on the CPU backend (same bytes by construction: CPUBackend is exact).
// When a kernel lands in VulkanBackend+<Group>.swift, delete its line here.
import TensorCore

extension VulkanBackend {
    public func add(_ a: Tensor, _ b: Tensor) -> Tensor { host.add(a, b) }
    public func sub(_ a: Tensor, _ b: Tensor) -> Tensor { host.sub(a, b) }
    public func mul(_ a: Tensor, _ b: Tensor) -> Tensor { host.mul(a, b) }
    public func div(_ a: Tensor, _ b: Tensor) -> Tensor { host.div(a, b) }
    public func add(_ x: Tensor, scalar s: Float) -> Tensor { host.add(x, scalar: s) }
    public func sub(_ x: Tensor, scalar s: Float) -> Tensor { host.sub(x, scalar: s) }
    public func mul(_ x: Tensor, scalar s: Float) -> Tensor { host.mul(x, scalar: s) }
    public func div(_ x: Tensor, scalar s: Float) -> Tensor { host.div(x, scalar: s) }
    public func gelu(_ x: Tensor) -> Tensor { host.gelu(x) }
    public func quickGelu(_ x: Tensor) -> Tensor { host.quickGelu(x) }
    public func silu(_ x: Tensor) -> Tensor { host.silu(x) }
    public func layerNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, eps: Float) -> Tensor {
        host.layerNorm(x, weight: weight, bias: bias, eps: eps)
    }
    public func rmsNorm(_ x: Tensor, weight: Tensor?, eps: Float) -> Tensor { host.rmsNorm(x, weight: weight, eps: eps) }
    public func softmax(_ x: Tensor) -> Tensor { host.softmax(x) }
    public func attention(q: Tensor, k: Tensor, v: Tensor, heads: Int, scale: Float) -> Tensor {
        host.attention(q: q, k: k, v: v, heads: heads, scale: scale)
    }
    public func rope(_ x: Tensor, cos: Tensor, sin: Tensor) -> Tensor { host.rope(x, cos: cos, sin: sin) }
}
