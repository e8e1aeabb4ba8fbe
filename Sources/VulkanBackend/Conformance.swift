// Backend conformance, modelled on ggml's test-backend-ops: every Backend op, random shapes (odd sizes, K not a
// multiple of 4, N not of 16, rank 1-4, broadcasting, specials), compared BYTE FOR BYTE with a reference backend
// (CPUBackend). Lives in the module, not only in the tests, so `lorweb devices --check` runs the same cases from a
// static binary on a GPU machine. Every kernel output also sits between sentinel regions (OutputBuffer).
import TensorCore

/// The outcome of one group of ops on one backend.
public struct ConformanceReport: Sendable {
    public var group: String
    public var comparisons = 0
    /// One line per differing op call: shapes, first differing index, both values, ulp distance.
    public var failures: [String] = []
}

public enum Conformance {
    public static let groups = ["products", "patchEmbed", "elementwise", "activations", "norms", "attention", "layout"]

    /// Runs one group of ops on `backend` and `reference` with inputs from `seed`.
    public static func run(_ group: String, backend: any Backend, reference: any Backend, seed: UInt64 = 1) -> ConformanceReport {
        var c = Comparer(group: group, gpu: backend, cpu: reference, r: ConformanceRandom(seed: seed &+ UInt64(groups.firstIndex(of: group) ?? 99)))
        switch group {
        case "products": c.products()
        case "patchEmbed": c.patchEmbed()
        case "elementwise": c.elementwise()
        case "activations": c.activations()
        case "norms": c.norms()
        case "attention": c.attention()
        case "layout": c.layout()
        default: c.report.failures.append("unknown conformance group '\(group)'")
        }
        return c.report
    }

    /// "" when identical, else where and by how much they differ.
    public static func difference(_ actual: Tensor, _ expected: Tensor) -> String? {
        guard actual.shape == expected.shape else { return "shape \(actual.shape), expected \(expected.shape)" }
        guard let i = actual.data.indices.first(where: { actual.data[$0].bitPattern != expected.data[$0].bitPattern }) else { return nil }
        let count = actual.data.indices.filter { actual.data[$0].bitPattern != expected.data[$0].bitPattern }.count
        return "\(count) of \(actual.count) elements differ; first at \(i): got \(actual.data[i]) "
            + "(0x\(String(actual.data[i].bitPattern, radix: 16))), expected \(expected.data[i]) "
            + "(0x\(String(expected.data[i].bitPattern, radix: 16))), \(ulpDistance(actual.data[i], expected.data[i])) ulp"
    }

    /// Distance in units in the last place (ordered bit patterns); "NaN" when either is NaN.
    public static func ulpDistance(_ a: Float, _ b: Float) -> String {
        if a.isNaN || b.isNaN { return "NaN" }
        func ordered(_ x: Float) -> Int64 {
            let bits = Int64(x.bitPattern & 0x7FFF_FFFF)
            return x.sign == .minus ? -bits : bits
        }
        return String(abs(ordered(a) - ordered(b)))
    }
}

struct Comparer {
    var report: ConformanceReport
    let gpu: any Backend, cpu: any Backend
    var r: ConformanceRandom

    init(group: String, gpu: any Backend, cpu: any Backend, r: ConformanceRandom) {
        report = ConformanceReport(group: group)
        self.gpu = gpu
        self.cpu = cpu
        self.r = r
    }

    mutating func check(_ what: @autoclosure () -> String, _ op: (any Backend) -> Tensor) {
        report.comparisons += 1
        if let d = Conformance.difference(op(gpu), op(cpu)) { report.failures.append("\(what()): \(d)") }
    }

    mutating func products() {
        for trial in 0..<6 {
            let m = r.int(1...70), k = r.int(0...150), n = r.int(1...40)
            let lead = trial % 2 == 0 ? [] : [r.int(1...3)]
            let x = r.tensor(lead + [m, k])
            let layer = PackedLinear(weight: r.tensor([n, k]), bias: trial % 3 == 0 ? nil : r.tensor([n]))
            check("linear \(x.shape) -> \(n)") { $0.linear(x, layer) }
            let a = r.tensor([m, k]), b = r.tensor([k, n]), bt = r.tensor([n, k])
            check("matmul \(m)x\(k)x\(n)") { $0.matmul(a, b) }
            check("matmulTransposedB \(m)x\(k)x\(n)") { $0.matmulTransposedB(a, bt) }
        }
        // The same layer twice: the cached weight upload must give the same bytes.
        let layer = PackedLinear(weight: r.tensor([19, 23]), bias: r.tensor([19]))
        let x = r.tensor([9, 23])
        check("linear, cached weights") { $0.linear(x, layer) }
        check("linear, cached weights again") { $0.linear(x, layer) }
    }

    mutating func patchEmbed() {
        for batched in [false, true] {
            let p = r.int(1...4), c = r.int(1...3), h = r.int(p...3 * p + 1), w = r.int(p...3 * p + 2), o = r.int(1...20)
            let image = r.tensor((batched ? [2] : []) + [c, h, w])
            let layer = PackedLinear(weight: r.tensor([o, c, p, p]), bias: batched ? r.tensor([o]) : nil)
            check("patchEmbed \(image.shape) patch \(p)") { $0.patchEmbed(image, layer, patch: p) }
        }
    }

    mutating func elementwise() {
        for _ in 0..<4 {
            let shape = r.shape()
            let a = r.tensorWithSpecials(shape)
            // Broadcast partner: some dimensions collapsed to 1, sometimes only a trailing suffix.
            var bShape = shape.map { r.int(0...2) == 0 ? 1 : $0 }
            if r.int(0...2) == 0 { bShape = Array(bShape.dropFirst(r.int(0...bShape.count))) }
            let b = r.tensorWithSpecials(bShape)
            check("add \(shape) \(bShape)") { $0.add(a, b) }
            check("sub \(shape) \(bShape)") { $0.sub(a, b) }
            check("mul \(shape) \(bShape)") { $0.mul(a, b) }
            check("div \(shape) \(bShape)") { $0.div(a, b) }
            check("add \(bShape) \(shape)") { $0.add(b, a) }
            let s = r.float() + 0.375
            check("add scalar \(shape)") { $0.add(a, scalar: s) }
            check("sub scalar \(shape)") { $0.sub(a, scalar: s) }
            check("mul scalar \(shape)") { $0.mul(a, scalar: s) }
            check("div scalar \(shape)") { $0.div(a, scalar: s) }
        }
    }

    mutating func activations() {
        for _ in 0..<3 {
            let x = r.tensorWithSpecials(r.shape(), scale: 12)
            check("gelu \(x.shape)") { $0.gelu(x) }
            check("quickGelu \(x.shape)") { $0.quickGelu(x) }
            check("silu \(x.shape)") { $0.silu(x) }
        }
    }

    mutating func norms() {
        for trial in 0..<4 {
            let shape = r.shape()
            let n = shape.last!
            let x = r.tensor(shape, scale: trial == 3 ? 30 : 3)
            let w = trial % 2 == 0 ? r.tensor([n]) : nil, b = trial < 2 ? r.tensor([n]) : nil
            let eps: Float = trial == 1 ? 1e-5 : 1e-6
            check("layerNorm \(shape) weight \(w != nil) bias \(b != nil)") { $0.layerNorm(x, weight: w, bias: b, eps: eps) }
            check("rmsNorm \(shape) weight \(w != nil)") { $0.rmsNorm(x, weight: w, eps: eps) }
            check("softmax \(shape)") { $0.softmax(x) }
        }
    }

    mutating func attention() {
        for trial in 0..<3 {
            let heads = r.int(1...3), d = 2 * r.int(1...5), lq = r.int(1...17), lk = trial == 0 ? lq : r.int(1...19)
            let lead = trial == 2 ? [2] : []
            let q = r.tensor(lead + [lq, heads * d]), k = r.tensor(lead + [lk, heads * d]), v = r.tensor(lead + [lk, heads * d])
            let scale = 1 / Float(d).squareRoot()
            check("attention \(q.shape) x \(k.shape), \(heads) heads") { $0.attention(q: q, k: k, v: v, heads: heads, scale: scale) }
            let cosT = r.tensor([lq, d]), sinT = r.tensor([lq, d])
            check("rope \(q.shape)") { $0.rope(q, cos: cosT, sin: sinT) }
        }
    }

    mutating func layout() {
        for _ in 0..<5 {
            let shape = r.shape()
            let x = r.tensorWithSpecials(shape)
            let order = Array(0..<shape.count).shuffled(using: &r)
            check("permute \(shape) \(order)") { $0.permute(x, order) }
            let axis = r.int(0...shape.count - 1)
            let lo = r.int(0...shape[axis]), hi = r.int(lo...shape[axis])
            check("slice \(shape) axis \(axis) \(lo)..<\(hi)") { $0.slice(x, axis: axis, range: lo..<hi) }
            let parts = (0..<r.int(1...3)).map { _ -> Tensor in
                var s = shape
                s[axis] = r.int(0...4)
                return r.tensorWithSpecials(s)
            }
            check("concat \(parts.map(\.shape)) axis \(axis)") { $0.concat(parts, axis: axis) }
        }
    }
}

/// Deterministic inputs (SplitMix64): mixed magnitudes and signs, some exact zeros. The tests use it too.
public struct ConformanceRandom: RandomNumberGenerator {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    public mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    public mutating func float() -> Float {
        let u = Float(next() >> 40) / Float(1 << 24)
        let kind = next() % 16
        if kind == 0 { return 0 }
        return (u * 4 - 2) * (kind == 1 ? 1e-3 : 1)
    }
    public mutating func tensor(_ shape: [Int], scale: Float = 1) -> Tensor { Tensor(shape: shape) { _ in float() * scale } }

    /// Rank 1-4 with odd sizes; at most a few thousand elements.
    public mutating func shape() -> [Int] {
        let rank = int(1...4)
        return (0..<rank).map { _ in int(1...(rank <= 2 ? 37 : 9)) }
    }

    /// Mostly ordinary values, with signed zeros, subnormals, infinities and NaN sprinkled in.
    public mutating func tensorWithSpecials(_ shape: [Int], scale: Float = 1) -> Tensor {
        let specials: [Float] = [0, -0.0, 0x1p-149, -0x1.8p-140, .infinity, -.infinity, .nan, 0x1.fffffep127, 1e-39]
        return Tensor(shape: shape) { _ in int(0...19) == 0 ? specials[int(0...specials.count - 1)] : float() * scale }
    }
}
