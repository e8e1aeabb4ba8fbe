// The GPU ports of ExactMath (exp, tanh, sigmoid) and of ScalarOps (gelu, quickGelu, silu) in unary.comp, and
// the software correctly rounded division and square root of contract.glsl, against the CPU bit for bit in
// every mode the probe could choose (FMA_MODE 1 always; FMA_MODE 0 where the device's fma() is fused;
// DIVSQRT_MODE 0 where native division/sqrt are correctly rounded, and 1 always). Outputs carry a sentinel tail.
import Numerics
import TensorCore
import VulkanBackend
import XCTest

final class ExactMathKernelTests: XCTestCase {
    static let sentinel: UInt32 = 0x7FBA_DBAD   // a signalling-NaN pattern no kernel writes

    /// Runs `kernel` over `count` outputs (plus a sentinel tail that must stay untouched).
    func dispatch(_ backend: VulkanBackend, _ kernel: String, inputs: [[Float]], count: Int, push: PushConstants,
                  modes: (fma: UInt32, divSqrt: UInt32), groupWidth: Int = 64) throws -> [Float] {
        let device = backend.device
        let buffers = try inputs.map { try device.buffer($0) }
        let out = try device.buffer(count: count + 64)
        out.fill(bitPattern: Self.sentinel)
        let groups = (count + groupWidth - 1) / groupWidth
        let gx = min(groups, 65535)
        try device.dispatch(kernel, bindings: buffers.map { .storage($0) } + [.storage(out)], push: push,
                            groups: (gx, (groups + gx - 1) / gx, 1), specialization: modes)
        let all = out.download()
        XCTAssertTrue(all[count...].allSatisfy { $0.bitPattern == Self.sentinel }, "\(kernel) wrote past its output")
        return Array(all[..<count])
    }

    /// The modes to test on this device: every emulated mode, plus native ones the probe accepted.
    func modes(_ backend: VulkanBackend) -> [(fma: UInt32, divSqrt: UInt32)] {
        var list: [(fma: UInt32, divSqrt: UInt32)] = [(1, 1)]
        if backend.device.divSqrtMode == 0 { list.append((1, 0)) }
        if backend.device.fmaMode == 0 { list.append((0, backend.device.divSqrtMode)) }
        return list
    }

    func testTranscendentalsAndActivationsMatchTheCPU() throws {
        var random = TestRandom(seed: 31)
        var x: [Float] = [0, -0.0, 88.8, 88.79, 88.81, -104, -103.99, 9.1, -9.1, 9.0999, 1e-30, -1e-30,
                          .leastNonzeroMagnitude, .infinity, -.infinity, 0.5, -87.3, 87.3, 0.3465736, -0.3465736]
        for i in 0..<(1 << 16) {
            switch i % 4 {
            case 0: x.append(random.float() * 10)
            case 1: x.append(random.float() * 60)
            case 2: x.append(random.float() * 0.01)
            default:   // any finite bit pattern
                let bits = UInt32(truncatingIfNeeded: random.next())
                let f = Float(bitPattern: bits)
                x.append(f.isNaN ? 1.5 : f)
            }
        }
        let functions: [(String, (Float) -> Float)] = [
            ("exp", ExactMath.exp), ("tanh", ExactMath.tanh), ("sigmoid", ExactMath.sigmoid),
            ("gelu", ScalarOps.gelu), ("quickGelu", ScalarOps.quickGelu), ("silu", ScalarOps.silu),
        ]
        for backend in try VulkanTestDevices.backends() {
            for mode in modes(backend) {
                for (op, (name, f)) in functions.enumerated() {
                    let gpu = try dispatch(backend, "unary", inputs: [x], count: x.count, push: PushConstants(x.count, op), modes: mode)
                    assertBitIdentical(Tensor(shape: [x.count], data: gpu), Tensor(shape: [x.count], data: x.map(f)),
                                       "\(name), FMA_MODE \(mode.fma), DIVSQRT_MODE \(mode.divSqrt)")
                }
            }
        }
    }

    /// Division on hard cases: quotients within a hair of a float or of a rounding midpoint, subnormal
    /// quotients (where exact ties occur), overflow and underflow edges; probe.comp op 1 with DIVSQRT_MODE 1.
    func testSoftwareDivisionIsCorrectlyRounded() throws {
        var random = TestRandom(seed: 32)
        var a: [Float] = [], b: [Float] = []
        func significand() -> Float { Float(bitPattern: 0x3F80_0000 | UInt32(truncatingIfNeeded: random.next()) & 0x7F_FFFF) }
        for i in 0..<(1 << 18) {
            switch i % 4 {
            case 0:   // a = q·b rounded, or the midpoint above/below q times b, rounded
                let q = significand(), d = significand()
                let offset = [0.0, 0x1p-24, -0x1p-24][Int(random.next() % 3)]
                let scale = Float(bitPattern: UInt32(random.int(1...253)) << 23)
                a.append(Float((Double(q) + offset) * Double(d)) * scale)
                b.append(d * (random.next() & 1 == 0 ? 1 : -1))
            case 1:   // subnormal quotients: subnormal a over small-significand b
                a.append(Float(bitPattern: UInt32(truncatingIfNeeded: random.next()) & 0x807F_FFFF))
                b.append(Float(bitPattern: UInt32(random.int(127...130)) << 23 | UInt32(random.int(0...7)) << 20))
            case 2:   // near overflow and underflow
                a.append(Float.greatestFiniteMagnitude / 2 * significand())
                b.append(Float(bitPattern: UInt32(random.int(1...130)) << 23) * significand() / 2)
            default:
                let x = Float(bitPattern: UInt32(truncatingIfNeeded: random.next()))
                let y = Float(bitPattern: UInt32(truncatingIfNeeded: random.next()))
                a.append(x.isNaN ? 1 : x)
                b.append(y.isNaN ? 3 : y)
            }
        }
        let zeros = [Float](repeating: 0, count: a.count)
        for backend in try VulkanTestDevices.backends() {
            let gpu = try dispatch(backend, "probe", inputs: [a, b, zeros], count: a.count, push: PushConstants(a.count, 1),
                                   modes: (1, 1))
            let cpu = zip(a, b).map { $0 / $1 }
            assertBitIdentical(Tensor(shape: [a.count], data: gpu), Tensor(shape: [a.count], data: cpu), "software division")
        }
    }

    /// Square root on every 8th float of [1, 4) (both exponent parities), every 16th subnormal, and the top binade.
    func testSoftwareSquareRootIsCorrectlyRounded() throws {
        var x: [Float] = []
        for bits in stride(from: UInt32(0x3F80_0000), to: 0x4080_0000, by: 8) { x.append(Float(bitPattern: bits)) }
        for bits in stride(from: UInt32(1), to: 0x0080_0000, by: 16) { x.append(Float(bitPattern: bits)) }
        for bits in stride(from: UInt32(0x7F00_0000), to: 0x7F80_0000, by: 64) { x.append(Float(bitPattern: bits)) }
        x += [0, -0.0, .infinity, .greatestFiniteMagnitude, .leastNonzeroMagnitude, .leastNormalMagnitude]
        let zeros = [Float](repeating: 0, count: x.count)
        for backend in try VulkanTestDevices.backends() {
            let gpu = try dispatch(backend, "probe", inputs: [x, zeros, zeros], count: x.count, push: PushConstants(x.count, 2),
                                   modes: (1, 1))
            assertBitIdentical(Tensor(shape: [x.count], data: gpu), Tensor(shape: [x.count], data: x.map { $0.squareRoot() }),
                               "software square root")
        }
    }
}
