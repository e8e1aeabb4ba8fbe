// One full-width T5-XXL encoder layer (d_model 4096, 64 heads × 64, d_ff 10240, gated-GELU) on FluxPipeline's
// 512 tokens: seeded random bf16 weights written to a temporary folder and loaded through T5Encoder(folder:),
// as a real text_encoder_2/ is. The model has one block and a 1024-id vocabulary (the embedding gather is not
// part of a layer); its forward is the layer plus the host bias table and the final RMSNorm.
import Formats
import Foundation
import Models
import TensorCore

func t5LayerSection(_ options: Options, threads: Int, reps: Int) throws -> String {
    var config = T5EncoderConfig.fluxT5XXL
    config.numLayers = 1
    config.vocabSize = 1024
    let tokens = 512
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lorweb-bench-t5-\(getpid())").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    var uniform = Uniform(seed: 5)
    let tensors = config.expectedWeights().map { spec in
        let count = spec.shape.reduce(1, *)
        let isNorm = spec.key.hasSuffix("layer_norm.weight")
        return (name: spec.key, tensor: Tensor(shape: spec.shape, data: isNorm ? [Float](repeating: 1, count: count)
                                                   : uniform.array(count, scale: 1 / Float(spec.shape.last!).squareRoot())))
    }
    try SafetensorsWriter.write(tensors, dtype: .bf16, to: folder + "/model.safetensors")
    let json = """
    {"d_model": \(config.dModel), "d_kv": \(config.dKv), "d_ff": \(config.dFf), "num_layers": 1, "num_heads": \(config.numHeads),
     "vocab_size": \(config.vocabSize), "feed_forward_proj": "gated-gelu"}
    """
    try Data(json.utf8).write(to: URL(fileURLWithPath: folder + "/config.json"))
    let encoder = try T5Encoder(folder: folder)
    let ids = [(0..<tokens).map { Int32($0 % config.vocabSize) }]
    let backend = CPUBackend(threads: threads)
    let timing = try Timing.of(reps: reps) { _ = try encoder(ids, backend: backend) }
    // Per token: 4·D·inner + 3·D·d_ff multiply-adds; attention 2·L·inner more (scores and values).
    let macs = Double(tokens) * (4.0 * 4096 * 4096 + 3.0 * 4096 * 10240) + 2.0 * Double(tokens * tokens) * 4096
    let row = String(format: "| %d | %d | %.2f (%.2f) | %.1f | %.0f |", tokens, threads, timing.best, timing.median,
                     2 * macs / timing.best / 1e9, 24 * timing.median)
    print(row)
    return """
    ## T5-XXL encoder layer

    One T5EncoderModel block at FLUX width (d_model 4096, 64 heads × 64, d_ff 10240, gated-GELU; bf16 weights widened
    to f32 at load), exact mode, on 512 tokens. The projection to 24 layers is 24 × the median (plus the embedding
    gather and one RMSNorm, negligible).

    | tokens | threads | seconds best (median) | GFLOP/s (best) | 24 layers, s (projected) |
    |---|---|---|---|---|
    \(row)

    """
}
