import Dispatch
import XCTest
import TensorCore

/// Parallel ops share one persistent worker pool (CWorkerPool); a call made while it is busy (from another thread,
/// or nested in a part) runs on GCD instead. Either way the bytes are the single-threaded ones.
final class WorkerPoolTests: XCTestCase {
    func testConcurrentCallersGetTheBytesOfOneThread() {
        var rng = TestRandom(seed: 2101)
        let x = rng.tensor([97, 130]), layer = PackedLinear(weight: rng.tensor([70, 130]), bias: rng.tensor([70]))
        let q = rng.tensor([61, 64]), k = rng.tensor([45, 64]), v = rng.tensor([45, 64])
        let one = CPUBackend(threads: 1)
        let expected = [one.linear(x, layer), one.gelu(x), one.attention(q: q, k: k, v: v, heads: 4, scale: 0.25)]
        let results = UnsafeMutableBufferPointer<[Float]>.allocate(capacity: 6 * 40)
        results.initialize(repeating: [])
        defer { results.deallocate() }
        let slots = SendableResults(results)
        DispatchQueue.concurrentPerform(iterations: 6) { caller in
            let backend = CPUBackend(threads: 2 + caller % 2)
            for round in 0..<40 {
                let out: Tensor
                switch round % 3 {
                case 0: out = backend.linear(x, layer)
                case 1: out = backend.gelu(x)
                default: out = backend.attention(q: q, k: k, v: v, heads: 4, scale: 0.25)
                }
                slots.buffer[caller * 40 + round] = out.data
            }
        }
        for i in 0..<(6 * 40) {
            XCTAssertEqual(results[i].map(\.bitPattern), expected[(i % 40) % 3].data.map(\.bitPattern), "caller \(i / 40) round \(i % 40)")
        }
    }
}

/// Each caller writes only its own slots.
private struct SendableResults: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<[Float]>
    init(_ buffer: UnsafeMutableBufferPointer<[Float]>) { self.buffer = buffer }
}
