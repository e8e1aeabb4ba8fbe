// torch-cuda noise (TorchCUDAGenerator) against values PyTorch printed on a GPU, and the structure the CUDA kernel
// gives a draw (Docs/TORCH_RANDN.md §7).
import Numerics
import XCTest

final class TorchCUDARandnTests: XCTestCase {
    /// torch.manual_seed(0); torch.randn(8, 8, device="cuda"), as printed (4 decimals) in a public CUDA-mode lecture
    /// write-up (a tensor from get_inputs(add_manual_seed=True) on an sm_75 GPU, torch 2.2).
    static let published8x8: [Float] = [
        -0.9247, -0.4253, -2.6438, 0.1452, -0.1209, -0.5797, -0.6229, -0.3284,
        -1.0745, -0.3631, -1.6711, 2.2655, 0.3117, -0.1842, 1.2866, 1.1820,
        -0.1271, 1.2169, 1.4353, 1.0605, -0.4941, -1.4244, -0.7244, -1.2973,
        0.0697, -0.0074, 1.8969, 0.6878, -0.0779, -0.8373, 1.3506, -0.2879,
        -0.5965, -0.3283, -0.9086, -0.8059, -0.7407, -0.0504, 0.5435, 1.5150,
        0.0141, 0.4532, 1.6349, 0.7124, -0.1806, 1.0252, -1.4622, -0.7554,
        -0.1836, 0.3824, 0.3918, -0.0830, 0.8971, -1.1123, 0.1116, 0.4863,
        -0.5499, -0.3231, -0.5469, 0.9049, 0.2837, 0.1210, 0.4730, -1.0823,
    ]

    func testPublishedGPUValues() {
        var generator = TorchCUDAGenerator(seed: 0)
        let values = generator.randn(count: 64)
        for (i, (mine, printed)) in zip(values, Self.published8x8).enumerated() {
            XCTAssertEqual(mine, printed, accuracy: 0.00005 + 1e-6, "element \(i)")
        }
        XCTAssertEqual(generator.offset, 4, "one round of one 128-bit block per thread advances the offset by 4")
    }

    func testEachThreadsBlockFeedsFourElementsOneGridApart() {
        // 2048 elements, at most 256 resident threads: thread t fills t, t+256, t+512, t+768 from one Philox block
        // (sin, cos of (x, y), then of (z, w)), and t+1024 ... from the next counter.
        var capped = TorchCUDAGenerator(seed: 42, residentThreads: 256)
        let values = capped.randn(count: 2048)
        XCTAssertEqual(capped.offset, 8, "two rounds")
        var wide = TorchCUDAGenerator(seed: 42)
        let uncapped = wide.randn(count: 2048)
        // With enough threads every element is the first normal of its own thread: the first 256 agree.
        XCTAssertEqual(Array(values[0..<256]), Array(uncapped[0..<256]))
        XCTAssertNotEqual(Array(values[256..<512]), Array(uncapped[256..<512]), "the grid cap moves later elements")
    }

    func testBF16IsTheRoundedFloatAndOffsetsChain() {
        var f32 = TorchCUDAGenerator(seed: 7)
        var bf16 = TorchCUDAGenerator(seed: 7)
        let a = f32.randn(count: 300), b = bf16.randn(count: 300, output: .bf16)
        for (x, y) in zip(a, b) {
            XCTAssertEqual(y, DTypeConversion.float(bf16Bits: DTypeConversion.bf16Bits(x)))
        }
        // A second draw continues the stream (PyTorch advances the Philox offset): not a repeat of the first.
        let second = f32.randn(count: 300)
        XCTAssertNotEqual(a, second)
        XCTAssertEqual(f32.offset, 8)
    }
}
