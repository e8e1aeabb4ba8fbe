// torch-cpu noise mode: torch.randn(..., generator=torch.Generator('cpu').manual_seed(seed)), bit for bit.
import Numerics

public enum TorchNoise {
    /// `count` float32 normals from a fresh generator; kernel "avx2" (x86 without AVX-512) or "generic"
    /// (AVX-512 x86, ARM), the two CPU kernels torch picks between at run time.
    public static func randn(seed: UInt64, count: Int, kernel: String) throws -> [Float] {
        guard let chosen = TorchCPUGenerator.Kernel(rawValue: kernel) else {
            let known = TorchCPUGenerator.Kernel.allCases.map(\.rawValue).joined(separator: ", ")
            throw PipelineError.argument("kernel", "must be one of \(known), got '\(kernel)'")
        }
        var generator = TorchCPUGenerator(seed: seed, kernel: chosen)
        return generator.randn(count: count)
    }
}
