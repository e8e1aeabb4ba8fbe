// A Linear layer's weight, packed ONCE (at load) into the GEMM panel layout.
//
// PyTorch stores nn.Linear(in, out).weight as [out, in] and computes y = x·Wᵀ + b. The GEMM kernel wants
// B = Wᵀ ([in, out]) in panels of `panelWidth` (16) output columns: panel p holds, for k = 0..<in, the 16
// weights W[16p + c, k] (c = 0..<16) contiguously, i.e. panel p is a [in][16] block; the last panel is
// zero-padded. A row-k slice of a panel is one SIMD8 pair, so K-blocking is just an offset into the panel.
//
// Any weight tensor of rank >= 2 is accepted as [out, rest...] and flattened to [out, prod(rest)]:
// a Conv2d weight [O, C, p, p] becomes the patch-embedding matrix over unfolded (c, dy, dx) patches.
//
// Residency: weights read from bf16/f16 storage keep their 16-bit bits in the panels by default (half the
// memory of f32); the GEMM widens them to f32 exactly, a K block of a panel at a time, so products and bytes
// are the same as with f32 panels. Biases are always f32 (they are small).
import CKernels
import Numerics

public struct PackedLinear: Sendable {
    /// Output columns per panel (the micro-kernel width).
    public static let panelWidth = 16

    /// How panels read from half-precision storage are kept in memory.
    public enum Residency: String, Sendable, CaseIterable {
        /// Keep the stored dtype: bf16/f16 stay 16-bit (widened inside the GEMM); f32 stays f32. The default.
        case stored
        /// Widen everything to f32 at load (twice the memory for half checkpoints, the same bytes out).
        case f32
    }

    /// The panels: panelCount × inFeatures × panelWidth elements (see the layout above), f32 or 16-bit.
    enum Panels: Sendable {
        case f32(AlignedFloats)
        case half(AlignedHalves, DType)
    }

    public let inFeatures: Int
    public let outFeatures: Int
    let panels: Panels
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

    /// From raw storage (e.g. a memory-mapped safetensors slice), read once. With `residency: .stored` (the default)
    /// bf16/f16 weights keep their 16-bit values in the panels; otherwise (and for f32) they are converted exactly
    /// to f32. `shape` is the weight's shape ([out, in...]); the bias, if any, is `[out]` in `biasDType` (default:
    /// `dtype`), always converted to f32.
    public init(weight: UnsafeRawBufferPointer, dtype: DType, shape: [Int],
                bias: UnsafeRawBufferPointer? = nil, biasDType: DType? = nil, residency: Residency = .stored) throws {
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
        if residency == .stored && dtype != .f32 {
            self.init(out: out, in: inF, halfBits: { weight.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self) },
                      dtype: dtype, biasAt: biasAt)
        } else {
            self.init(out: out, in: inF, weightAt: weightAt, biasAt: biasAt)
        }
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
        self.panels = .f32(packed)
        self.paddedBias = Self.padded(biasAt, out: out, panelCount: panelCount)
    }

    /// `halfBits(o * in + i)` is the bf16/f16 bit pattern of W[o, i]; the bits are packed as they are.
    init(out: Int, in inF: Int, halfBits: (Int) -> UInt16, dtype: DType, biasAt: ((Int) -> Float)?) {
        precondition(dtype == .bf16 || dtype == .f16, "PackedLinear: half panels need bf16 or f16, got \(dtype)")
        let w = Self.panelWidth
        let panelCount = (out + w - 1) / w
        let packed = AlignedHalves(count: panelCount * inF * w)  // zero bits are +0.0 in both formats
        let dst = packed.pointer
        for o in 0..<out {
            let base = (o / w) * inF * w + o % w
            for i in 0..<inF { dst[base + i * w] = halfBits(o * inF + i) }
        }
        self.inFeatures = inF
        self.outFeatures = out
        self.panels = .half(packed, dtype)
        self.paddedBias = Self.padded(biasAt, out: out, panelCount: panelCount)
    }

    private static func padded(_ biasAt: ((Int) -> Float)?, out: Int, panelCount: Int) -> [Float]? {
        guard let biasAt else { return nil }
        var b = [Float](repeating: 0, count: panelCount * panelWidth)
        for o in 0..<out { b[o] = biasAt(o) }
        return b
    }

    /// The element type the panels are kept in (f32, or the checkpoint's bf16/f16).
    public var panelDType: DType {
        switch panels {
        case .f32: return .f32
        case .half(_, let dtype): return dtype
        }
    }

    /// Bytes of the packed panels (the weight's resident size; the padded bias is not counted).
    public var panelBytes: Int { panelCount * inFeatures * Self.panelWidth * panelDType.size }

    /// Panel element `index` (panel-layout offset) as f32, widened exactly.
    @inline(__always)
    func panelValue(_ index: Int) -> Float {
        switch panels {
        case .f32(let f): return f.pointer[index]
        case .half(let h, .bf16): return DTypeConversion.float(bf16Bits: h.pointer[index])
        case .half(let h, _): return DTypeConversion.float(f16Bits: h.pointer[index])
        }
    }

    /// W[o, i] (PyTorch layout), read back from the panels.
    public func weight(out o: Int, in i: Int) -> Float {
        let w = Self.panelWidth
        precondition(o >= 0 && o < outFeatures && i >= 0 && i < inFeatures, "PackedLinear: weight(\(o), \(i)) out of range")
        return panelValue((o / w) * inFeatures * w + i * w + o % w)
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

    /// The packed panels as f32 (panelCount × inFeatures × 16 floats, layout above) and the padded bias, read-only,
    /// for backends outside this module (the Vulkan backend uploads the panels as they are). Half panels are widened
    /// into a temporary copy for the call. `storage` identifies the packed weights: equal for copies of one
    /// PackedLinear, so a backend can cache its upload.
    public func withPackedStorage<R>(_ body: (_ panels: UnsafeBufferPointer<Float>, _ paddedBias: [Float]?,
                                              _ storage: ObjectIdentifier) throws -> R) rethrows -> R {
        let count = panelCount * inFeatures * Self.panelWidth
        switch panels {
        case .f32(let f):
            return try body(UnsafeBufferPointer(start: f.pointer, count: count), paddedBias, ObjectIdentifier(f))
        case .half(let h, _):
            let widened = AlignedFloats(uninitializedCount: count)
            lw_widen(Self.panelType(panelDType), h.pointer, widened.pointer, count)
            return try withExtendedLifetime(widened) {
                try body(UnsafeBufferPointer(start: widened.pointer, count: count), paddedBias, ObjectIdentifier(h))
            }
        }
    }

    /// The panels and the padded bias (nil without bias) as pointers, for the kernels.
    func withPointers<R>(_ body: (GEMMPanels, UnsafePointer<Float>?) -> R) -> R {
        let gemmPanels: GEMMPanels
        switch panels {
        case .f32(let f): gemmPanels = GEMMPanels(f32: f.pointer)
        case .half(let h, let dtype): gemmPanels = GEMMPanels(base: UnsafeRawPointer(h.pointer), type: Self.panelType(dtype))
        }
        return withExtendedLifetime(panels) {
            guard let paddedBias else { return body(gemmPanels, nil) }
            return paddedBias.withUnsafeBufferPointer { body(gemmPanels, $0.baseAddress) }
        }
    }

    static func panelType(_ dtype: DType) -> Int32 {
        switch dtype {
        case .f32: return Int32(LW_PANEL_F32)
        case .bf16: return Int32(LW_PANEL_BF16)
        case .f16: return Int32(LW_PANEL_F16)
        }
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
