// One full-width VAE decode: FLUX.1's published VAE config, seeded random weights made here in memory (never
// written to disk), 16 × (S/8)² latents decoded to an S×S image on the exact CPU backend. One timed run (no
// warm-up: a 1024² decode takes minutes on a small machine), with the peak resident set.
import Foundation
import Formats
import Models
import TensorCore

/// Weights held in memory as f32, for benchmarks: each tensor uniform in [-scale, scale], GroupNorm weights 1.
final class RandomWeightSource: WeightSource, @unchecked Sendable {
    private var storage: [String: (info: TensorInfo, bytes: UnsafeMutableRawBufferPointer)] = [:]
    let keys: [String]
    var metadata: [String: String] { [:] }

    init(_ specs: [VAEWeightSpec], seed: UInt64) {
        var uniform = Uniform(seed: seed)
        for spec in specs {
            let count = spec.shape.reduce(1, *)
            let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: max(4, count * 4), alignment: 64)
            let floats = bytes.bindMemory(to: Float.self)
            let fanIn = spec.shape.count > 1 ? Float(spec.shape.dropFirst().reduce(1, *)) : 1
            let isNormWeight = spec.shape.count == 1 && spec.key.contains("norm") && spec.key.hasSuffix(".weight")
            for i in 0..<count { floats[i] = isNormWeight ? 1 : uniform.next() / fanIn.squareRoot() }
            storage[spec.key] = (TensorInfo(dtype: .f32, shape: spec.shape, byteCount: count * 4), bytes)
        }
        keys = storage.keys.sorted()
    }

    deinit { for entry in storage.values { entry.bytes.deallocate() } }

    func contains(_ key: String) -> Bool { storage[key] != nil }
    func info(_ key: String) throws -> TensorInfo {
        guard let entry = storage[key] else { throw TensorError("no tensor \(key)") }
        return entry.info
    }
    func rawBytes(_ key: String) throws -> UnsafeRawBufferPointer {
        guard let entry = storage[key] else { throw TensorError("no tensor \(key)") }
        return UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(entry.bytes)[0..<entry.info.byteCount])
    }
    func tensor(_ key: String) throws -> Tensor {
        let raw = try rawBytes(key), info = try info(key)
        return Tensor(shape: info.shape, data: Array(raw.bindMemory(to: Float.self)))
    }
}

func vaeSection(_ options: Options, threads: [Int]) throws -> String {
    let config = VAEConfig.flux1
    let size = options.vaeSize, side = size / config.scaleFactor
    let build = Date()
    let vae = try AutoencoderKL(config: config, weights: RandomWeightSource(config.expectedWeights(), seed: 11))
    let buildSeconds = Date().timeIntervalSince(build)
    var uniform = Uniform(seed: 12)
    let latents = Tensor(shape: [1, config.latentChannels, side, side], data: uniform.array(config.latentChannels * side * side))
    var rows: [String] = []
    for t in threads {
        let backend = CPUBackend(threads: t)
        var shape: [Int] = []
        let timing = try Timing.of(reps: 1, warmUp: false) { shape = try vae.decode(latents, backend: backend).shape }
        precondition(shape == [1, 3, size, size], "VAE bench: decoded \(shape)")
        let line = "| \(size)×\(size) | \(t) | \(format(timing.median, "%.1f")) | \(format(peakResidentMiB(), "%.0f")) |"
        print("vae decode: \(line)")
        rows.append(line)
    }
    return """
    ## FLUX.1 VAE decode

    FLUX.1's VAE (\(config.parameterCount) parameters, \(config.expectedWeights().count) tensors), seeded random f32
    weights built in memory (\(format(buildSeconds, "%.1f")) s to pack), exact CPU backend, one run (no warm-up).

    | output | threads | wall s | peak RSS MiB (process) |
    |---|---|---|---|
    \(rows.joined(separator: "\n"))

    """
}
