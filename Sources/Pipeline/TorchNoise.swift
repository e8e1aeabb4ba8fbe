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

extension TorchNoise {
    /// torch.randn on a CUDA generator (TorchCUDAGenerator): `dtype` "bf16" (the official pipeline's) or "f32";
    /// `residentThreads`: the GPU's SMs × max threads per SM (nil: enough for any draw).
    public static func randnCUDA(seed: UInt64, count: Int, dtype: String, residentThreads: Int?) throws -> [Float] {
        guard let output = TorchCUDAGenerator.Output(rawValue: dtype) else {
            throw PipelineError.argument("dtype", "must be one of \(TorchCUDAGenerator.Output.allCases.map(\.rawValue).joined(separator: ", ")), got '\(dtype)'")
        }
        if let residentThreads, residentThreads < TorchCUDAGenerator.blockSize {
            throw PipelineError.argument("cuda-threads", "must be at least \(TorchCUDAGenerator.blockSize), got \(residentThreads)")
        }
        var generator = TorchCUDAGenerator(seed: seed, residentThreads: residentThreads)
        return generator.randn(count: count, output: output)
    }
}
