// A Linear layer's weight, packed ONCE (at load) into the GEMM panel layout.
//
// PyTorch stores nn.Linear(in, out).weight as [out, in] and computes y = x·Wᵀ + b. The GEMM kernel wants
// B = Wᵀ ([in, out]) in panels of `panelWidth` (16) output columns: panel p holds, for k = 0..<in, the 16
// weights W[16p + c, k] (c = 0..<16) contiguously, i.e. panel p is a [in][16] block; the last panel is
// zero-padded. A row-k slice of a panel is one SIMD8 pair, so K-blocking is just an offset into the panel.
//
// Any weight tensor of rank >= 2 is accepted as [out, rest...] and flattened to [out, prod(rest)]:
// a Conv2d weight [O, C, p, p] becomes the patch-embedding matrix over unfolded (c, dy, dx) patches.
import Numerics

public struct PackedLinear: Sendable {
    /// Output columns per panel (the micro-kernel width).
    public static let panelWidth = 16

    public let inFeatures: Int
    public let outFeatures: Int
    /// panelCount × inFeatures × panelWidth floats (see the layout above).
    let panels: AlignedFloats
    /// Bias padded with zeros to panelCount × panelWidth; nil when the layer has none.
    let paddedBias: [Float]?

    public var hasBias: Bool { paddedBias != nil }
    public var panelCount: Int { (outFeatures + Self.panelWidth - 1) / Self.panelWidth }

    /// From f32 tensors: weight [out, in...] and optional bias [out].
    public init(weight: Tensor, bias: Tensor? = nil) {
        precondition(weight.rank >= 2, "PackedLinear: weight must be [out, in...], got \(weight.shape)")
        let out = weight.shape[0]
        let inF = weight.shape.dropFirst().reduce(1, *)
        if let bias { precondition(bias.shape == [out], "PackedLinear: bias \(bias.shape) for \(out) outputs") }
        self.init(out: out, in: inF, weightAt: { weight.data[$0] }, biasAt: bias.map { b in { b.data[$0] } })
    }

    /// From raw storage (e.g. a memory-mapped safetensors slice), read once and converted exactly to f32.
    /// `shape` is the weight's shape ([out, in...]); the bias, if any, is `[out]` in `biasDType` (default: `dtype`).
    public init(weight: UnsafeRawBufferPointer, dtype: DType, shape: [Int],
                bias: UnsafeRawBufferPointer? = nil, biasDType: DType? = nil) throws {
        guard shape.count >= 2, shape.allSatisfy({ $0 >= 0 }) else {
            throw TensorError("PackedLinear: weight shape \(shape) is not [out, in...]")
        }
        let out = shape[0]
        let inF = shape.dropFirst().reduce(1, *)
        guard weight.count == out * inF * dtype.size else {
            throw TensorError("PackedLinear: weight \(shape) \(dtype.rawValue) needs \(out * inF * dtype.size) bytes, got \(weight.count)")
        }
        let weightAt = Self.reader(weight, dtype)
        var biasAt: ((Int) -> Float)? = nil
        if let bias {
            let bt = biasDType ?? dtype
            guard bias.count == out * bt.size else {
                throw TensorError("PackedLinear: bias [\(out)] \(bt.rawValue) needs \(out * bt.size) bytes, got \(bias.count)")
            }
            biasAt = Self.reader(bias, bt)
        }
        self.init(out: out, in: inF, weightAt: weightAt, biasAt: biasAt)
    }

    /// From element functions: `weight(o, i)` is W[o, i] (PyTorch layout), `bias(o)` is b[o]. For weights held
    /// in other layouts (a slice of a fused QKV tensor, a transposed matrix) without an intermediate copy.
    public init(outFeatures: Int, inFeatures: Int, weight: (_ out: Int, _ in: Int) -> Float, bias: ((Int) -> Float)? = nil) {
        precondition(outFeatures >= 0 && inFeatures >= 0, "PackedLinear: \(outFeatures) x \(inFeatures)")
        let k = max(inFeatures, 1)
        self.init(out: outFeatures, in: inFeatures, weightAt: { weight($0 / k, $0 % k) }, biasAt: bias)
    }

    /// `weightAt(o * in + i)` is W[o, i] in PyTorch layout.
    init(out: Int, in inF: Int, weightAt: (Int) -> Float, biasAt: ((Int) -> Float)?) {
        let w = Self.panelWidth
        let panelCount = (out + w - 1) / w
        let packed = AlignedFloats(count: panelCount * inF * w)
        let dst = packed.pointer
        for o in 0..<out {
            let p = o / w, c = o % w
            let base = p * inF * w + c
            for i in 0..<inF { dst[base + i * w] = weightAt(o * inF + i) }
        }
        self.inFeatures = inF
        self.outFeatures = out
        self.panels = packed
        if let biasAt {
            var b = [Float](repeating: 0, count: panelCount * w)
            for o in 0..<out { b[o] = biasAt(o) }
            self.paddedBias = b
        } else {
            self.paddedBias = nil
        }
    }

    /// W[o, i] (PyTorch layout), read back from the panels.
    public func weight(out o: Int, in i: Int) -> Float {
        let w = Self.panelWidth
        precondition(o >= 0 && o < outFeatures && i >= 0 && i < inFeatures, "PackedLinear: weight(\(o), \(i)) out of range")
        return panels.pointer[(o / w) * inFeatures * w + i * w + o % w]
    }

    /// The bias element o, or nil when the layer has no bias.
    public func bias(out o: Int) -> Float? { paddedBias?[o] }

    /// The weight as a [out, in] tensor (for references and tests; allocates).
    public var weightTensor: Tensor {
        Tensor(shape: [outFeatures, inFeatures]) { weight(out: $0 / max(inFeatures, 1), in: $0 % max(inFeatures, 1)) }
    }

    public var biasTensor: Tensor? {
        paddedBias.map { Tensor(shape: [outFeatures], data: Array($0[0..<outFeatures])) }
    }

    /// The packed panels (panelCount × inFeatures × 16 floats, layout above) and the padded bias, read-only, for
    /// backends outside this module (the Vulkan backend uploads the panels as they are). `storage` identifies the
    /// packed weights: equal for copies of one PackedLinear, so a backend can cache its upload.
    public func withPackedStorage<R>(_ body: (_ panels: UnsafeBufferPointer<Float>, _ paddedBias: [Float]?,
                                              _ storage: ObjectIdentifier) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: panels.pointer, count: panelCount * inFeatures * Self.panelWidth),
                 paddedBias, ObjectIdentifier(panels))
    }

    /// The panels and the padded bias (nil without bias) as pointers, for the kernels.
    func withPointers<R>(_ body: (UnsafePointer<Float>, UnsafePointer<Float>?) -> R) -> R {
        let base = UnsafePointer(panels.pointer)
        guard let paddedBias else { return body(base, nil) }
        return paddedBias.withUnsafeBufferPointer { body(base, $0.baseAddress ?? base) }
    }

    private static func reader(_ raw: UnsafeRawBufferPointer, _ dtype: DType) -> (Int) -> Float {
        switch dtype {
        case .f32:
            return { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) }
        case .f16:
            return { DTypeConversion.float(f16Bits: raw.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)) }
        case .bf16:
            return { DTypeConversion.float(bf16Bits: raw.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)) }
        }
    }
}
