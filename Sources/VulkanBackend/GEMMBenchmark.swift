// Exact-GEMM throughput on a device (lorweb devices --benchmark, Tools/gpu/run-on-nvidia.sh): the kernel alone,
// operands already on the device, best of several dispatches after a warm-up.
import Foundation
import TensorCore

public struct GEMMBenchmarkResult: Sendable {
    public var m: Int, k: Int, n: Int
    public var bestSeconds: Double
    public var kernel: String
    public var gflops: Double { 2 * Double(m) * Double(k) * Double(n) / bestSeconds / 1e9 }
    public var summary: String {
        "exact GEMM \(m)x\(k)x\(n) (\(kernel) kernel): " + String(format: "%.2f ms, %.1f GFLOP/s", bestSeconds * 1e3, gflops)
    }
}

extension VulkanBackend {
    /// C [m, n] = A [m, k] · B [k, n] with the device's exact kernel (its probed FMA_MODE), timed per dispatch.
    public func benchmarkGEMM(m: Int, k: Int, n: Int, repeats: Int = 5) throws -> GEMMBenchmarkResult {
        var state: UInt32 = 12345
        func next() -> Float { state = state &* 1_664_525 &+ 1_013_904_223; return Float(state >> 8) / Float(1 << 24) - 0.5 }
        let a = (0..<(m * k)).map { _ in next() }
        let panels = try device.buffer(Self.packPanels((0..<(k * n)).map { _ in next() }, k: k, n: n, transposed: false))
        precondition(k % 4 == 0, "benchmarkGEMM: k must be a multiple of 4")
        let aBuffer = try device.buffer(a)
        let out = try device.output(count: m * n, for: device.gemmKernel.shader)
        let bias = try device.buffer(count: 4)
        var best = Double.infinity
        for _ in 0..<(repeats + 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            try Self.dispatchGEMM(on: device, a: aBuffer, panels: panels, bias: bias, out: out, m: m, k: k, n: n, hasBias: false)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            best = min(best, seconds)
        }
        _ = try out.download()
        return GEMMBenchmarkResult(m: m, k: k, n: n, bestSeconds: best, kernel: device.gemmKernel.rawValue)
    }
}
