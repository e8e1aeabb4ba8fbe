// The conformance suite on the CPU backend against the reference backend (every group, several thread counts),
// and the suite's own machinery: coverage of every op, the one comparison rule, unsupported calls.
import TensorCore
import XCTest

final class ConformanceSuiteTests: XCTestCase {
    func testCPUBackendMatchesTheReferenceOnEveryCase() {
        for backend in exactBackends {
            for group in ConformanceGroup.allCases {
                let report = Conformance.run(group, backend: backend, reference: reference)
                XCTAssertEqual(report.comparisons, Conformance.cases(group).count, "\(group)")
                XCTAssertEqual(report.unsupported, [], "\(group)")
                XCTAssertEqual(report.failures, [], "\(group) at \(backend.threads) threads")
            }
        }
    }

    /// The CPU device is checked against the definition, every other device against the CPU.
    func testReferenceForADevice() {
        XCTAssertTrue(Conformance.reference(for: "cpu", threads: 2) is ReferenceBackend)
        XCTAssertTrue(Conformance.reference(for: "vulkan:0", threads: 2) is CPUBackend)
    }

    func testEveryOpHasCases() {
        let covered = Set(ConformanceGroup.allCases.flatMap { Conformance.cases($0).map(\.call.op) })
        XCTAssertEqual(Op.allCases.filter { !covered.contains($0) }, [])
    }

    func testCasesAreReproducible() {
        for group in ConformanceGroup.allCases {
            XCTAssertEqual(Conformance.cases(group, seed: 5).map(\.description), Conformance.cases(group, seed: 5).map(\.description))
        }
        XCTAssertNotEqual(Conformance.cases(.products, seed: 5).map(\.description), Conformance.cases(.products, seed: 6).map(\.description))
    }

    /// One rule: signed zeros and a one-ulp change differ, any NaN equals any NaN, shapes must agree.
    func testTheComparisonRule() {
        let a = Tensor(shape: [4], data: [1, 0, .nan, 3])
        XCTAssertNil(Conformance.difference(a, Tensor(shape: [4], data: [1, 0, -Float.nan, 3])))
        XCTAssertNil(Conformance.difference(a, Tensor(shape: [4], data: [1, 0, Float(bitPattern: 0x7FC0_0001), 3])))
        XCTAssertEqual(Conformance.difference(a, Tensor(shape: [4], data: [1, -0.0, .nan, 3])),
                       "1 of 4 elements differ; first at 1: got 0.0 (0x0), expected -0.0 (0x80000000), 0 ulp")
        XCTAssertEqual(Conformance.difference(a, Tensor(shape: [4], data: [1, 0, .nan, 3.0000002])),
                       "1 of 4 elements differ; first at 3: got 3.0 (0x40400000), expected 3.0000002 (0x40400001), 1 ulp")
        XCTAssertNotNil(Conformance.difference(a, Tensor(shape: [4], data: [1, 0, 2, 3])))
        XCTAssertEqual(Conformance.difference(a, a.reshaped([2, 2])), "shape [4], expected [2, 2]")
    }

    /// A backend that declines an op has those calls reported, and never run (on it or anywhere else).
    func testUnsupportedCallsAreReportedAndNotRun() {
        let backend = AlteredReference(declined: [.softmax], siluOneUlpHigh: false)
        let report = Conformance.run(.norms, backend: backend, reference: reference)
        let softmaxCases = Conformance.cases(.norms).filter { $0.call.op == .softmax }
        XCTAssertFalse(softmaxCases.isEmpty)
        XCTAssertEqual(report.unsupported, softmaxCases.map(\.description))
        XCTAssertEqual(report.comparisons, Conformance.cases(.norms).count - softmaxCases.count)
        XCTAssertEqual(report.failures, [])
    }

    /// The suite fails for the reason it exists: a backend that is one ulp off in one op is caught there.
    func testAWrongOpIsReported() {
        let report = Conformance.run(.activations, backend: AlteredReference(declined: [], siluOneUlpHigh: true), reference: reference)
        XCTAssertEqual(report.failures.count, Conformance.cases(.activations).filter { $0.call.op == .silu }.count)
        XCTAssertTrue(report.failures.allSatisfy { $0.hasPrefix("silu ") && $0.contains("ulp") }, "\(report.failures)")
    }
}

/// The reference backend declining some ops (trapping if softmax is run anyway), or with SiLU one ulp high
/// wherever it is finite and non-zero.
private struct AlteredReference: Backend {
    let declined: Set<Op>
    let siluOneUlpHigh: Bool
    let base = ReferenceBackend()
    var mode: ComputeMode { .exact }
    func supports(_ call: OpCall) -> Bool { !declined.contains(call.op) }
    func linear(_ x: Tensor, _ layer: PackedLinear) -> Tensor { base.linear(x, layer) }
    func matmul(_ a: Tensor, _ b: Tensor) -> Tensor { base.matmul(a, b) }
    func matmulTransposedB(_ a: Tensor, _ b: Tensor) -> Tensor { base.matmulTransposedB(a, b) }
    func add(_ a: Tensor, _ b: Tensor) -> Tensor { base.add(a, b) }
    func sub(_ a: Tensor, _ b: Tensor) -> Tensor { base.sub(a, b) }
    func mul(_ a: Tensor, _ b: Tensor) -> Tensor { base.mul(a, b) }
    func div(_ a: Tensor, _ b: Tensor) -> Tensor { base.div(a, b) }
    func add(_ x: Tensor, scalar s: Float) -> Tensor { base.add(x, scalar: s) }
    func sub(_ x: Tensor, scalar s: Float) -> Tensor { base.sub(x, scalar: s) }
    func mul(_ x: Tensor, scalar s: Float) -> Tensor { base.mul(x, scalar: s) }
    func div(_ x: Tensor, scalar s: Float) -> Tensor { base.div(x, scalar: s) }
    func gelu(_ x: Tensor) -> Tensor { base.gelu(x) }
    func quickGelu(_ x: Tensor) -> Tensor { base.quickGelu(x) }
    func silu(_ x: Tensor) -> Tensor {
        let y = base.silu(x)
        return siluOneUlpHigh ? Tensor(shape: y.shape, data: y.data.map { $0.isFinite && $0 != 0 ? $0.nextUp : $0 }) : y
    }
    func layerNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, eps: Float) -> Tensor { base.layerNorm(x, weight: weight, bias: bias, eps: eps) }
    func rmsNorm(_ x: Tensor, weight: Tensor?, eps: Float) -> Tensor { base.rmsNorm(x, weight: weight, eps: eps) }
    func softmax(_ x: Tensor) -> Tensor {
        precondition(!declined.contains(.softmax), "a declined op was run")
        return base.softmax(x)
    }
    func attention(q: Tensor, k: Tensor, v: Tensor, heads: Int, scale: Float) -> Tensor { base.attention(q: q, k: k, v: v, heads: heads, scale: scale) }
    func attention(q: Tensor, k: Tensor, v: Tensor, heads: Int, scale: Float, bias: Tensor) -> Tensor {
        base.attention(q: q, k: k, v: v, heads: heads, scale: scale, bias: bias)
    }
    func rope(_ x: Tensor, cos: Tensor, sin: Tensor) -> Tensor { base.rope(x, cos: cos, sin: sin) }
    func concat(_ tensors: [Tensor], axis: Int) -> Tensor { base.concat(tensors, axis: axis) }
    func slice(_ x: Tensor, axis: Int, range: Range<Int>) -> Tensor { base.slice(x, axis: axis, range: range) }
    func permute(_ x: Tensor, _ order: [Int]) -> Tensor { base.permute(x, order) }
    func patchEmbed(_ image: Tensor, _ layer: PackedLinear, patch: Int) -> Tensor { base.patchEmbed(image, layer, patch: patch) }
    func conv2d(_ x: Tensor, _ layer: PackedLinear, kernel: Int, stride: Int, padding: Padding2D) -> Tensor {
        base.conv2d(x, layer, kernel: kernel, stride: stride, padding: padding)
    }
    func groupNorm(_ x: Tensor, groups: Int, weight: Tensor?, bias: Tensor?, eps: Float) -> Tensor {
        base.groupNorm(x, groups: groups, weight: weight, bias: bias, eps: eps)
    }
    func upsampleNearest2x(_ x: Tensor) -> Tensor { base.upsampleNearest2x(x) }
}
