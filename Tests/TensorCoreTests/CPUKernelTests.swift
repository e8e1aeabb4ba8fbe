import CKernels
import XCTest
import Numerics
import TensorCore

/// Every GEMM kernel variant this machine can execute against the scalar C variant and the ReferenceBackend, bit
/// for bit, in one process (the other suites run under one variant each, chosen by LORWEB_CPU_KERNEL).
final class CPUKernelTests: XCTestCase {
    /// Shapes crossing every tile of every variant (6×16, 12×32 = two panels, a last odd panel), the K blocks
    /// (512) and M blocks (192), with K = 1 and single rows and columns.
    static let shapes: [(Int, Int, Int)] = [
        (1, 1, 1), (13, 1, 33), (1, 300, 1), (11, 7, 31), (12, 16, 32), (12, 513, 48), (25, 37, 17),
        (7, 1029, 49), (193, 19, 65), (200, 600, 95), (24, 3, 16), (5, 512, 100),
    ]

    var variants: [CPUKernel] { CPUKernel.supported }

    func testVariantsAreDetectedAndScalarAndSwiftAlwaysRun() {
        XCTAssertTrue(CPUKernel.scalar.isSupported)
        XCTAssertTrue(CPUKernel.swift.isSupported)
        XCTAssertTrue(CPUKernel.best.isSupported)
        XCTAssertTrue(CPUKernel.selected.isSupported)
        #if arch(x86_64)
        XCTAssertFalse(CPUKernel.neon.isSupported, "no NEON on x86-64")
        XCTAssertNotEqual(CPUKernel.best, .scalar, "every x86-64 machine this project runs on has AVX2")
        #elseif arch(arm64)
        XCTAssertEqual(CPUKernel.best, .neon)
        #endif
        print("CPUKernelTests: supported variants \(variants.map(\.rawValue)), selected \(CPUKernel.selected.rawValue)")
    }

    func testLinearUnderEveryVariantMatchesScalarBitForBit() {
        var rng = TestRandom(seed: 2001)
        for (m, k, n) in Self.shapes {
            for withBias in [false, true] {
                let x = rng.tensor([m, k]), layer = PackedLinear(weight: rng.tensor([n, k]), bias: withBias ? rng.tensor([n]) : nil)
                let expected = CPUBackend(threads: 1, kernel: .scalar).linear(x, layer)
                if m * n * k < 200_000 { assertBitIdentical(expected, reference.linear(x, layer), "scalar vs reference M\(m) K\(k) N\(n)") }
                for kernel in variants {
                    for threads in [1, 2, 3] {
                        let got = CPUBackend(threads: threads, kernel: kernel).linear(x, layer)
                        assertBitIdentical(got, expected, "\(kernel) linear M\(m) K\(k) N\(n) bias \(withBias) threads \(threads)")
                    }
                }
            }
        }
    }

    /// The residual epilogue (a LoRA delta's `y + (x·A)·B`): every variant and thread count against the reference
    /// backend's `add(residual, linear(x, layer))`, bit for bit, with and without a bias, in rows split and
    /// panels split, and with a batch dimension.
    func testLinearAddingAResidualEqualsTheSeparateAddUnderEveryVariant() {
        var rng = TestRandom(seed: 2003)
        for (m, k, n) in Self.shapes + [(2, 128, 3072), (300, 32, 20)] {
            for withBias in [false, true] {
                let lead = m % 2 == 0 ? [2] : []
                let x = rng.tensor(lead + [m, k]), residual = rng.tensor(lead + [m, n])
                let layer = PackedLinear(weight: rng.tensor([n, k]), bias: withBias ? rng.tensor([n]) : nil)
                let expected = reference.add(residual, CPUBackend(threads: 1, kernel: .scalar).linear(x, layer))
                if m * n * k < 200_000 {
                    assertBitIdentical(reference.linear(x, layer, adding: residual), expected, "reference M\(m) K\(k) N\(n)")
                }
                for kernel in variants {
                    for threads in [1, 2, 3] {
                        let got = CPUBackend(threads: threads, kernel: kernel).linear(x, layer, adding: residual)
                        assertBitIdentical(got, expected, "\(kernel) linear adding M\(m) K\(k) N\(n) bias \(withBias) threads \(threads)")
                    }
                }
            }
        }
    }

    /// One input through two layers (a base Linear and a LoRA delta's down projection): `linear(_:_:and:)` under
    /// every variant and thread count gives the bytes of two separate linears, with the first layer's bias, a
    /// bf16-resident first layer beside an f32 second (the release's base and delta), a batch dimension, and
    /// row counts on both sides of the pair path's condition (rows split: at least 2 × threads row tiles).
    func testLinearPairEqualsTwoSeparateLinearsUnderEveryVariant() throws {
        var rng = TestRandom(seed: 2005)
        let cases: [(m: Int, k: Int, n1: Int, n2: Int)] = [
            (200, 600, 95, 32), (193, 19, 65, 1), (300, 128, 48, 128), (30, 1029, 17, 17), (5, 40, 33, 16), (48, 1, 16, 5),
        ]
        for (m, k, n1, n2) in cases {
            for (withBias, halfFirst) in [(false, false), (true, false), (true, true)] {
                let lead = m % 2 == 0 ? [2] : []
                let x = rng.tensor(lead + [m, k])
                let weight = rng.tensor([n1, k]), bias = withBias ? rng.tensor([n1]) : nil
                let first: PackedLinear
                if halfFirst {
                    let bits = weight.data.map { UInt16(truncatingIfNeeded: $0.bitPattern >> 16) }  // bf16: the top half
                    let raw = bits.withUnsafeBytes { Array($0) }, biasRaw = bias!.data.withUnsafeBytes { Array($0) }
                    first = try raw.withUnsafeBytes { w in
                        try biasRaw.withUnsafeBytes { b in
                            try PackedLinear(weight: w, dtype: .bf16, shape: [n1, k], bias: b, biasDType: .f32, residency: .stored)
                        }
                    }
                    XCTAssertEqual(first.panelDType, .bf16)
                } else {
                    first = PackedLinear(weight: weight, bias: bias)
                }
                let second = PackedLinear(weight: rng.tensor([n2, k]))
                let scalar = CPUBackend(threads: 1, kernel: .scalar)
                let (expected1, expected2) = (scalar.linear(x, first), scalar.linear(x, second))
                let (r1, r2) = reference.linear(x, first, and: second)
                assertBitIdentical(r1, expected1, "reference pair, first, M\(m) K\(k)")
                assertBitIdentical(r2, expected2, "reference pair, second, M\(m) K\(k)")
                for kernel in variants {
                    for threads in [1, 2, 3] {
                        let (y1, y2) = CPUBackend(threads: threads, kernel: kernel).linear(x, first, and: second)
                        let what = "\(kernel) pair M\(m) K\(k) N\(n1)+\(n2) bias \(withBias) bf16 \(halfFirst) threads \(threads)"
                        assertBitIdentical(y1, expected1, what + ": first")
                        assertBitIdentical(y2, expected2, what + ": second")
                    }
                }
            }
        }
    }

    func testMatmulAndTransposedUnderEveryVariant() {
        var rng = TestRandom(seed: 2002)
        for (m, k, n) in Self.shapes {
            let a = rng.tensor([m, k]), b = rng.tensor([k, n]), bt = rng.tensor([n, k])
            let scalar = CPUBackend(threads: 1, kernel: .scalar)
            let expected = scalar.matmul(a, b), expectedT = scalar.matmulTransposedB(a, bt)
            for kernel in variants {
                let backend = CPUBackend(threads: 2, kernel: kernel)
                assertBitIdentical(backend.matmul(a, b), expected, "\(kernel) matmul M\(m) K\(k) N\(n)")
                assertBitIdentical(backend.matmulTransposedB(a, bt), expectedT, "\(kernel) matmulᵀ M\(m) K\(k) N\(n)")
            }
        }
    }

    func testAttentionAndConvolutionUnderEveryVariant() {
        var rng = TestRandom(seed: 2003)
        let q = rng.tensor([2, 53, 40]), k = rng.tensor([2, 37, 40]), v = rng.tensor([2, 37, 40])
        let bias = rng.tensor([4, 53, 37])
        let expected = reference.attention(q: q, k: k, v: v, heads: 4, scale: 0.3)
        let expectedBiased = reference.attention(q: q, k: k, v: v, heads: 4, scale: 0.3, bias: bias)
        let image = rng.tensor([1, 5, 13, 11]), conv = PackedLinear(weight: rng.tensor([19, 5, 3, 3]), bias: rng.tensor([19]))
        let expectedConv = reference.conv2d(image, conv, kernel: 3, stride: 1, padding: .same(1))
        for kernel in variants {
            for threads in [1, 2] {
                let backend = CPUBackend(threads: threads, kernel: kernel)
                assertBitIdentical(backend.attention(q: q, k: k, v: v, heads: 4, scale: 0.3), expected, "\(kernel) attention")
                assertBitIdentical(backend.attention(q: q, k: k, v: v, heads: 4, scale: 0.3, bias: bias), expectedBiased,
                                   "\(kernel) biased attention")
                assertBitIdentical(backend.conv2d(image, conv, kernel: 3, stride: 1, padding: .same(1)), expectedConv,
                                   "\(kernel) conv2d threads \(threads)")
            }
        }
    }

    /// The C variants' row operations (lw_exp, lw_gelu, lw_softmax_row) against Swift's scalar definitions, bit for
    /// bit: every bit pattern class (NaN, infinities, subnormals) and a dense range, at lengths that leave every tail.
    func testRowOperationsUnderEveryVariantMatchTheScalarFunctions() {
        var xs: [Float] = [0, -0.0, .infinity, -.infinity, .nan, 88.8, 88.81, 88.79999, -104, -104.01, -103.99999, 9.1,
                           -9.1, 9.0999, .leastNonzeroMagnitude, -.greatestFiniteMagnitude, 88.72284, -103.9, 0x1p-140]
        var rng = TestRandom(seed: 2005)
        for i in 0..<200_003 {
            let u = UInt32(truncatingIfNeeded: rng.next())
            xs.append(i % 2 == 0 ? Float(bitPattern: u) : Float(u >> 8) * 0x1p-24 * 240 - 120)
        }
        func same(_ a: Float, _ b: Float) -> Bool { (a.isNaN && b.isNaN) || a.bitPattern == b.bitPattern }
        for kernel in variants {
            guard let code = kernel.cCode else { continue }
            for (name, run, scalar) in [("exp", lw_exp, ExactMath.exp), ("gelu", lw_gelu, ScalarOps.gelu)]
                as [(String, (Int32, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int) -> Int32, (Float) -> Float)] {
                var out = [Float](repeating: 0, count: xs.count)
                XCTAssertEqual(run(code, xs, &out, xs.count), 0)
                let wrong = xs.indices.filter { !same(out[$0], scalar(xs[$0])) }
                XCTAssertTrue(wrong.isEmpty, "\(kernel) \(name): \(wrong.count) differ, first \(wrong.first.map { xs[$0] } ?? 0)")
            }
            for n in Array(1...40) + [100, 520, 1029] {
                for variant in 0..<4 {
                    var row = rng.tensor([1, n], scale: 6).data
                    if variant == 1 { row[n / 2] = .infinity }  // a NaN row (inf - inf)
                    if variant == 2 { for i in row.indices { row[i] = i % 3 == 0 ? -0.0 : -.infinity }; row[n - 1] = n > 2 ? 0 : -0.0 }
                    let bias = variant == 3 ? rng.tensor([1, n], scale: 2).data : nil
                    let scale: Float = 0.0883883
                    var scaled = [Float](repeating: 0, count: n)
                    for i in 0..<n { scaled[i] = row[i] * scale }
                    if let bias { for i in 0..<n { scaled[i] = scaled[i] + bias[i] } }
                    let expected = reference.softmax(Tensor(shape: [1, n], data: scaled)).data
                    var got = row
                    let status = bias.map { b in lw_softmax_row(code, &got, n, scale, b) } ?? lw_softmax_row(code, &got, n, scale, nil)
                    XCTAssertEqual(status, 0)
                    XCTAssertTrue(got.indices.allSatisfy { same(got[$0], expected[$0]) }, "\(kernel) softmax row n \(n) case \(variant)")
                }
            }
        }
    }

    /// bf16/f16 weights kept 16-bit give the bytes of the same weights widened to f32 at load, under every variant,
    /// with half the panel memory; half subnormals, infinities and signed zeros are in the weights.
    func testHalfResidentPanelsGiveTheBytesOfF32Panels() throws {
        var rng = TestRandom(seed: 2004)
        for dtype in [DType.bf16, .f16] {
            for (m, k, n) in [(7, 600, 45), (13, 1, 33), (30, 40, 64)] {
                var bits = (0..<(n * k)).map { _ in UInt16(truncatingIfNeeded: rng.next()) }
                // No NaN weights: NaN != NaN would still compare equal by bits, but keeps the products meaningful.
                let exponentMask: UInt16 = dtype == .bf16 ? 0x7F80 : 0x7C00
                for i in bits.indices where bits[i] & exponentMask == exponentMask { bits[i] &= 0x8000 | exponentMask }
                for i in stride(from: 0, to: bits.count, by: 17) { bits[i] &= 0x803F }  // zeros and subnormals
                let biasValues = (0..<n).map { _ in rng.float() }
                let raw = bits.withUnsafeBytes { Array($0) }, biasRaw = biasValues.withUnsafeBytes { Array($0) }
                func layer(_ residency: PackedLinear.Residency) throws -> PackedLinear {
                    try raw.withUnsafeBytes { w in
                        try biasRaw.withUnsafeBytes { b in
                            try PackedLinear(weight: w, dtype: dtype, shape: [n, k], bias: b, biasDType: .f32, residency: residency)
                        }
                    }
                }
                let half = try layer(.stored), wide = try layer(.f32)
                XCTAssertEqual(half.panelDType, dtype)
                XCTAssertEqual(wide.panelDType, .f32)
                XCTAssertEqual(half.panelBytes * 2, wide.panelBytes)
                XCTAssertEqual(half.weightTensor.data.map(\.bitPattern), wide.weightTensor.data.map(\.bitPattern), "\(dtype) read-back")
                let x = rng.tensor([m, k], scale: 1e-3)
                let expected = CPUBackend(threads: 1, kernel: .scalar).linear(x, wide)
                assertBitIdentical(reference.linear(x, half), expected, "\(dtype) reference on half panels")
                for kernel in variants {
                    for threads in [1, 2] {
                        let backend = CPUBackend(threads: threads, kernel: kernel)
                        assertBitIdentical(backend.linear(x, half), expected, "\(dtype) \(kernel) M\(m) K\(k) N\(n) threads \(threads)")
                    }
                }
                var fast: Tensor? = nil
                half.withPackedStorage { panels, _, _ in fast = Tensor(shape: [panels.count], data: Array(panels)) }
                wide.withPackedStorage { panels, _, _ in
                    XCTAssertEqual(fast?.data.map(\.bitPattern), Array(panels).map(\.bitPattern), "\(dtype) widened storage")
                }
            }
        }
    }

    func testOverrideResolution() {
        func resolve(_ value: String?) -> Result<CPUKernel, TensorError> {
            CPUKernel.resolve(environment: value.map { [CPUKernel.overrideVariable: $0] } ?? [:])
        }
        XCTAssertEqual(try resolve(nil).get(), CPUKernel.best)
        XCTAssertEqual(try resolve("").get(), CPUKernel.best)
        XCTAssertEqual(try resolve("scalar").get(), .scalar)
        XCTAssertEqual(try resolve("SWIFT").get(), .swift)
        guard case .failure(let unknown) = resolve("avx1024") else { return XCTFail("unknown name accepted") }
        XCTAssertTrue(unknown.message.contains("is not a kernel variant"), unknown.message)
        if let unsupported = CPUKernel.allCases.first(where: { !$0.isSupported }) {
            guard case .failure(let error) = resolve(unsupported.rawValue) else { return XCTFail("\(unsupported) accepted") }
            XCTAssertTrue(error.message.contains("this CPU cannot run the \(unsupported.rawValue) kernel"), error.message)
        }
    }
}
