// The capability probe, run when a device is opened (Docs/NUMERICS.md "GPU backends", Docs/VULKAN.md §2):
// is GLSL fma() fused, are / and sqrt correctly rounded, are subnormals and signed zeros preserved? Each answer is
// measured on hard inputs and compared bit for bit with the CPU. The answers pick FMA_MODE (native or FP64
// round-to-odd) and DIVSQRT_MODE (native or software); a device on which no mode meets the contract is refused.
import Numerics

/// What the probe measured on one device.
public struct DeviceCapabilities: Sendable, Equatable {
    /// GLSL fma() gave one rounding on every probe input (x = 1+2^-12: fma(x, x, -(1+2^-11)) = 2^-24, plus random).
    public var nativeFMAFused: Bool
    /// The FP64 round-to-odd emulation matched the CPU's fma on every probe input.
    public var emulatedFMAExact: Bool
    /// OpFDiv / sqrt() matched the CPU on every hard and random case.
    public var nativeDivisionCorrectlyRounded: Bool
    public var nativeSqrtCorrectlyRounded: Bool
    /// The software correctly rounded division and sqrt matched the CPU (checked when native is not exact).
    public var softwareDivSqrtExact: Bool?
    /// Subnormal inputs and results survive loads, stores, products and sums.
    public var subnormalsPreserved: Bool
    /// -0.0 survives copies, products and sums (-0 + -0 = -0, 0 * -1 = -0).
    public var signedZeroPreserved: Bool
    /// Number of inputs each arithmetic check used.
    public var casesPerCheck: Int

    public var fmaMode: UInt32 { nativeFMAFused ? 0 : 1 }
    public var divSqrtMode: UInt32 { nativeDivisionCorrectlyRounded && nativeSqrtCorrectlyRounded ? 0 : 1 }

    /// Why the device cannot meet the numerics contract, or nil when it can.
    public var refusal: String? {
        var reasons: [String] = []
        if !nativeFMAFused && !emulatedFMAExact { reasons.append("neither fma() nor the FP64 emulation gives a single rounding") }
        if divSqrtMode == 1 && softwareDivSqrtExact != true { reasons.append("division/sqrt are not correctly rounded, even in software") }
        if !subnormalsPreserved { reasons.append("subnormals are flushed to zero") }
        if !signedZeroPreserved { reasons.append("the sign of zero is lost") }
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }

    public var summary: String {
        "fma: " + (nativeFMAFused ? "native fma() is fused (FMA_MODE 0)"
                   : "native fma() NOT fused, FP64 round-to-odd emulation " + (emulatedFMAExact ? "exact (FMA_MODE 1)" : "WRONG"))
            + "; div/sqrt: " + (divSqrtMode == 0 ? "native, correctly rounded (DIVSQRT_MODE 0)"
                : "native not correctly rounded (div \(nativeDivisionCorrectlyRounded), sqrt \(nativeSqrtCorrectlyRounded)), software "
                  + (softwareDivSqrtExact == true ? "exact (DIVSQRT_MODE 1)" : "WRONG"))
            + "; subnormals \(subnormalsPreserved ? "preserved" : "FLUSHED"); signed zero \(signedZeroPreserved ? "preserved" : "LOST")"
            + "; \(casesPerCheck) cases per check"
    }
}

extension VulkanDevice {
    /// Probe operations (Shaders/probe.comp `op`).
    enum ProbeOp: Int { case fma = 0, div, sqrt, mul, add, copy }

    /// Measures the device and sets fmaMode / divSqrtMode. Throws when the device cannot meet the contract.
    @discardableResult
    public func probe(cases: Int = 1 << 14) throws -> DeviceCapabilities {
        let capabilities = try measure(cases: cases, checkSoftware: false)
        self.capabilities = capabilities
        fmaMode = capabilities.fmaMode
        divSqrtMode = capabilities.divSqrtMode
        if let refusal = capabilities.refusal {
            throw VulkanError("Vulkan device \(info.index) (\(info.name)) refused: \(refusal). Outputs would differ from the CPU's.")
        }
        return capabilities
    }

    /// Runs `body` with the kernels specialised to other modes, then restores the probed ones. For tests (showing
    /// that the conformance suite catches an unfused fma, or that the emulation is exact on a fused device);
    /// the caller must not use the device from another thread meanwhile.
    public func withModes<T>(fma: UInt32, divSqrt: UInt32, _ body: () throws -> T) rethrows -> T {
        let saved = (fmaMode, divSqrtMode)
        (fmaMode, divSqrtMode) = (fma, divSqrt)
        defer { (fmaMode, divSqrtMode) = saved }
        return try body()
    }

    /// Runs `body` with products on another GEMM kernel, then restores the chosen one (tests; same caveat).
    public func withGEMMKernel<T>(_ kernel: GEMMKernel, _ body: () throws -> T) rethrows -> T {
        let saved = gemmKernel
        gemmKernel = kernel
        defer { gemmKernel = saved }
        return try body()
    }

    /// Measures every mode, including the software division/sqrt even where native ones are exact (tests).
    public func probeAllModes(cases: Int = 1 << 14) throws -> DeviceCapabilities {
        try measure(cases: cases, checkSoftware: true)
    }

    func measure(cases: Int, checkSoftware: Bool) throws -> DeviceCapabilities {
        let inputs = ProbeInputs(random: cases)
        let n = inputs.a.count
        let a = try buffer(inputs.a), b = try buffer(inputs.b), c = try buffer(inputs.c)
        let out = try buffer(count: n)
        func run(_ op: ProbeOp, fma: UInt32, divSqrt: UInt32, _ x: VulkanBuffer? = nil, _ y: VulkanBuffer? = nil,
                 _ z: VulkanBuffer? = nil, count: Int? = nil) throws -> [Float] {
            let m = count ?? n
            out.fill(bitPattern: 0x7FC0_DEAD)
            try dispatch("probe", bindings: [.storage(x ?? a), .storage(y ?? b), .storage(z ?? c), .storage(out)],
                         push: PushConstants(m, op.rawValue), groups: ((m + 63) / 64, 1, 1), specialization: (fma, divSqrt))
            return out.download(0..<m)
        }
        func same(_ gpu: [Float], _ cpu: (Int) -> Float) -> Bool {
            gpu.indices.allSatisfy { gpu[$0].bitPattern == cpu($0).bitPattern }
        }
        let cpuFMA: (Int) -> Float = { inputs.c[$0].addingProduct(inputs.a[$0], inputs.b[$0]) }
        let nativeFMA = try same(run(.fma, fma: 0, divSqrt: 0), cpuFMA)
        let emulatedFMA = try same(run(.fma, fma: 1, divSqrt: 0), cpuFMA)
        let nativeDiv = try same(run(.div, fma: 0, divSqrt: 0), { inputs.a[$0] / inputs.b[$0] })
        let nativeSqrt = try same(run(.sqrt, fma: 0, divSqrt: 0), { inputs.a[$0].squareRoot() })
        var software: Bool? = nil
        if checkSoftware || !(nativeDiv && nativeSqrt) {
            software = try same(run(.div, fma: 0, divSqrt: 1), { inputs.a[$0] / inputs.b[$0] })
                && same(run(.sqrt, fma: 0, divSqrt: 1), { inputs.a[$0].squareRoot() })
        }
        // Subnormals and signed zeros through copy, mul, add (the inputs' special section holds both).
        let specials = ProbeInputs.specials
        let sa = try buffer(specials.map(\.0)), sb = try buffer(specials.map(\.1))
        let copy = try run(.copy, fma: 0, divSqrt: 0, sa, sb, sb, count: specials.count)
        let mul = try run(.mul, fma: 0, divSqrt: 0, sa, sb, sb, count: specials.count)
        let add = try run(.add, fma: 0, divSqrt: 0, sa, sb, sb, count: specials.count)
        var subnormalsOK = true, zerosOK = true
        for (i, (x, y)) in specials.enumerated() {
            for (expected, got) in zip([x, x * y, x + y], [copy[i], mul[i], add[i]]) where expected.bitPattern != got.bitPattern {
                // A lost sign of zero, or anything else (a flushed subnormal, a wrong product) counts as no.
                if expected == 0 && got == 0 { zerosOK = false } else { subnormalsOK = false }
            }
        }
        let capabilities = DeviceCapabilities(
            nativeFMAFused: nativeFMA, emulatedFMAExact: emulatedFMA, nativeDivisionCorrectlyRounded: nativeDiv,
            nativeSqrtCorrectlyRounded: nativeSqrt, softwareDivSqrtExact: software, subnormalsPreserved: subnormalsOK,
            signedZeroPreserved: zerosOK, casesPerCheck: n)
        return capabilities
    }
}

/// Probe inputs: hand-picked hard cases first, then deterministic random bit patterns (Philox, fixed key).
struct ProbeInputs {
    var a: [Float] = [], b: [Float] = [], c: [Float] = []

    init(random count: Int) {
        // fma fused? x = 1 + 2^-12: x*x = 1 + 2^-11 + 2^-24 exactly; fused gives 2^-24, unfused 0.
        let x = Float(1) + Float(sign: .plus, exponent: -12, significand: 1)
        append(x, x, -(Float(1) + Float(sign: .plus, exponent: -11, significand: 1)))
        // Division and sqrt near ties and in the subnormal range; specials.
        let hard: [(Float, Float)] = [
            (1, 3), (2, 3), (10, 3), (1, 10), (0x1.fffffep127, 3), (1e-38, 3), (0x1p-149, 3), (0x1.8p-148, 2),
            (0x1p-126, 0x1.000002p0), (3, 0x1p-149), (0x1.fffffep0, 0x1.fffffep-1), (1, 0x1.fffffep0),
            (0, 1), (-0.0, 1), (1, 0), (-1, 0), (.infinity, 2), (2, .infinity), (0, 0), (.nan, 1), (-4, 1),
            (2, 1), (0x1.fffffep127, 0x1p-126), (0x1p-126, 0x1p126), (7, 49), (0x1.000002p0, 0x1.000004p0),
        ]
        for (p, q) in hard { append(p, q, p) }
        var state: UInt64 = 0x5EED_F00D_CAFE_0001
        func next() -> UInt32 {   // SplitMix64: fixed, portable inputs
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return UInt32(truncatingIfNeeded: (z ^ (z >> 31)) >> 16)
        }
        var counter = 0
        while a.count < count {
            let w = (next(), next(), next())
            counter += 1
            // Biased exponents kept in a band so products and sums stay finite, plus full-range subnormal sources.
            func pick(_ bits: UInt32, _ spread: UInt32) -> Float {
                let sign = bits & 0x8000_0000, mantissa = bits & 0x007F_FFFF
                let exponent = (127 - spread / 2 + (bits >> 23) % spread) & 0xFF
                return Float(bitPattern: sign | (exponent << 23) | mantissa)
            }
            let wide = (counter % 8 == 0)   // every 8th case: nearly the whole exponent range
            append(pick(w.0, wide ? 250 : 40), pick(w.1, wide ? 250 : 40), pick(w.2, wide ? 120 : 60))
        }
    }

    mutating func append(_ x: Float, _ y: Float, _ z: Float) { a.append(x); b.append(y); c.append(z) }

    /// (x, y) pairs checked through copy x, x*y and x+y.
    static let specials: [(Float, Float)] = [
        (0x1p-149, 1), (0x1.fffffcp-127, 1), (0x1p-126, 0.5), (0x1p-100, 0x1p-40), (-0x1p-149, 1),
        (0x1p-149, 0x1p-149), (0x1.8p-140, -0x1p-141), (-0.0, -0.0), (0.0, -1), (-0.0, 1), (1, -1), (-0.0, 0.0),
    ]
}
