import XCTest
import TensorCore

/// `fast` mode (OpenBLAS) is within a stated tolerance of `exact`, never bit-compared.
/// Tolerance: |fast - exact| <= 1e-5 · (Σ_k |a_ik·b_kj| + 1) per element: any summation order of K terms
/// stays within about K·2^-24 of that magnitude sum (K ≤ 1100 here).
final class FastModeTests: XCTestCase {
    func testFastLinearAndMatmulWithinTolerance() {
        var rng = TestRandom(seed: 40)
        for threads in [1, 2] {
            let fast = CPUBackend(threads: threads, mode: .fast), exact = CPUBackend(threads: threads)
            XCTAssertEqual(fast.mode, .fast)
            for (m, k, n) in [(1, 1, 1), (7, 29, 33), (37, 131, 161), (19, 1100, 40)] {
                let a = rng.tensor([m, k], awkward: false), b = rng.tensor([k, n], awkward: false)
                let bias = rng.tensor([n], awkward: false)
                let layer = PackedLinear(weight: exact.transpose(b), bias: bias)
                let magnitude = exact.matmul(a.absolute(), b.absolute())
                func check(_ got: Tensor, _ want: Tensor, _ what: String) {
                    XCTAssertEqual(got.shape, want.shape, what)
                    var worst: Float = 0
                    for i in 0..<got.count {
                        let bound = 1e-5 * (magnitude.data[i] + 1)
                        worst = max(worst, abs(got.data[i] - want.data[i]) / bound)
                    }
                    XCTAssertLessThanOrEqual(worst, 1, "\(what): worst error / bound")
                }
                check(fast.matmul(a, b), exact.matmul(a, b), "matmul \(m)x\(k)x\(n) t\(threads)")
                check(fast.matmulTransposedB(a, exact.transpose(b)), exact.matmul(a, b), "matmulᵀ \(m)x\(k)x\(n) t\(threads)")
                check(fast.linear(a, layer), exact.linear(a, layer), "linear \(m)x\(k)x\(n) t\(threads)")
            }
        }
    }
}

private extension Tensor {
    func absolute() -> Tensor { Tensor(shape: shape, data: data.map { abs($0) }) }
}
