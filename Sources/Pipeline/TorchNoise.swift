// INTERIM until Numerics.TorchCPUGenerator lands in main (the real file is ready beside it).
enum TorchNoise {
    static func randn(seed: UInt64, count: Int, kernel: String) throws -> [Float] {
        throw PipelineError.notImplemented("torch-cpu noise")
    }
}
