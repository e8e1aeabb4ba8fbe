// Per-element formulas shared by every CPU path (one source of truth; a GPU kernel ports them line by line).
import Numerics

public enum ScalarOps {
    /// Float(sqrt(2/π)), the GELU tanh-form constant (0x3F4C422A).
    public static let geluC: Float = 0.7978845608028654
    public static let geluKappa: Float = 0.044715

    /// GELU tanh form: u = x + κ·((x·x)·x); t = tanh(c·u); y = (0.5·x)·(1 + t). No FMA.
    @inline(__always)
    public static func gelu(_ x: Float) -> Float {
        let cube = (x * x) * x
        let u = x + geluKappa * cube
        let t = ExactMath.tanh(geluC * u)
        return (0.5 * x) * (1 + t)
    }

    /// Quick-GELU (CLIP): x · sigmoid(1.702·x).
    @inline(__always)
    public static func quickGelu(_ x: Float) -> Float { x * ExactMath.sigmoid(1.702 * x) }

    /// SiLU: x · sigmoid(x).
    @inline(__always)
    public static func silu(_ x: Float) -> Float { x * ExactMath.sigmoid(x) }

    // The same formulas on 8 lanes: each lane runs the scalar operation sequence (ExactMath's SIMD8 exp/tanh
    // equal the scalar ones bit for bit), so results do not depend on which path an element takes.

    @inline(__always)
    static func gelu(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let cube = (x * x) * x
        let u = x + geluKappa * cube
        let t = ExactMath.tanh(geluC * u)
        return (0.5 * x) * (1 + t)
    }

    @inline(__always)
    static func sigmoid(_ x: SIMD8<Float>) -> SIMD8<Float> { 1 / (1 + ExactMath.exp(-x)) }

    @inline(__always)
    static func quickGelu(_ x: SIMD8<Float>) -> SIMD8<Float> { x * sigmoid(1.702 * x) }

    @inline(__always)
    static func silu(_ x: SIMD8<Float>) -> SIMD8<Float> { x * sigmoid(x) }
}

/// Applies an elementwise function to count floats, 8 lanes at a time with the scalar form for the tail.
@inline(__always)
func forEachLane(_ count: Int, _ scalar: (Int) -> Void, _ vector: (Int) -> Void) {
    var i = 0
    while i + 8 <= count { vector(i); i += 8 }
    while i < count { scalar(i); i += 1 }
}

@inline(__always)
func loadLanes(_ p: UnsafePointer<Float>) -> SIMD8<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }

@inline(__always)
func storeLanes(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}

/// dst[i] = f(src[i]) for i < count, 8 lanes at a time (src may equal dst).
@inline(__always)
func mapLanes(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ count: Int,
              _ scalar: (Float) -> Float, _ vector: (SIMD8<Float>) -> SIMD8<Float>) {
    forEachLane(count, { dst[$0] = scalar(src[$0]) }, { storeLanes(vector(loadLanes(src + $0)), dst + $0) })
}

/// The four broadcasting binary operations.
enum BinaryOp: Sendable {
    case add, sub, mul, div

    @inline(__always)
    func apply(_ a: Float, _ b: Float) -> Float {
        switch self {
        case .add: return a + b
        case .sub: return a - b
        case .mul: return a * b
        case .div: return a / b
        }
    }

    /// out[i] = a[i·sa] ∘ b[i·sb] for i < n, with strides 1 (present) or 0 (broadcast); the op is chosen once
    /// per row so the loops vectorise.
    @inline(__always)
    func applyRow(_ a: UnsafePointer<Float>, _ sa: Int, _ b: UnsafePointer<Float>, _ sb: Int,
                  _ out: UnsafeMutablePointer<Float>, _ n: Int) {
        switch self {
        case .add: Self.row(a, sa, b, sb, out, n, +, +)
        case .sub: Self.row(a, sa, b, sb, out, n, -, -)
        case .mul: Self.row(a, sa, b, sb, out, n, *, *)
        case .div: Self.row(a, sa, b, sb, out, n, /, /)
        }
    }

    @inline(__always)
    private static func row(_ a: UnsafePointer<Float>, _ sa: Int, _ b: UnsafePointer<Float>, _ sb: Int,
                            _ out: UnsafeMutablePointer<Float>, _ n: Int, _ f: (Float, Float) -> Float,
                            _ v: (SIMD8<Float>, SIMD8<Float>) -> SIMD8<Float>) {
        switch (sa, sb) {
        case (1, 1):
            forEachLane(n, { out[$0] = f(a[$0], b[$0]) }, { storeLanes(v(loadLanes(a + $0), loadLanes(b + $0)), out + $0) })
        case (1, _):
            let s = b[0], vs = SIMD8<Float>(repeating: b[0])
            forEachLane(n, { out[$0] = f(a[$0], s) }, { storeLanes(v(loadLanes(a + $0), vs), out + $0) })
        case (_, 1):
            let s = a[0], vs = SIMD8<Float>(repeating: a[0])
            forEachLane(n, { out[$0] = f(s, b[$0]) }, { storeLanes(v(vs, loadLanes(b + $0)), out + $0) })
        default:
            let value = f(a[0], b[0])
            for i in 0..<n { out[i] = value }
        }
    }

    var name: String {
        switch self {
        case .add: return "add"
        case .sub: return "sub"
        case .mul: return "mul"
        case .div: return "div"
        }
    }
}

/// The pointwise activations.
enum UnaryOp: Sendable {
    case gelu, quickGelu, silu

    @inline(__always)
    func apply(_ x: Float) -> Float {
        switch self {
        case .gelu: return ScalarOps.gelu(x)
        case .quickGelu: return ScalarOps.quickGelu(x)
        case .silu: return ScalarOps.silu(x)
        }
    }
}
