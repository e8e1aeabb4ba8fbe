// The embedded `mini` model: seconds per sampling step (base alone and with the LoRA basis), seconds per
// analogy (encode pair + blend + 20 steps + decode), the basis overhead, and PyTorch's step time on the same
// config and weights when the PyTorch reference ran.
import Formats
import Models
import Pipeline
import TensorCore

struct MiniTimes {
    var threads: Int
    var stepBase: Timing
    var stepBasis: Timing
    var analogy: Timing
}

func measureMini(threads: Int, reps: Int) throws -> MiniTimes {
    let model = try LoadedModel.load("mini", context: ExecutionContext(threads: threads))
    let basis = try LoadedBasis.load("mini", for: model)
    var uniform = Uniform(seed: 11)
    let cell = model.config.cell
    func image() -> RGBImage {
        RGBImage(width: cell, height: cell, pixels: (0..<(cell * cell * 3)).map { _ in UInt8(128 + 127 * uniform.next()) })
    }
    let (a, aPrime, b) = (image(), image(), image())
    let query = try AnalogyPipeline.encodePair(model, a: a, aPrime: aPrime, b: b)
    let mix = try AnalogyPipeline.blend(basis, query: query)
    let adapters = try basis.basis.apply(Dictionary(uniqueKeysWithValues: zip(mix.layers, mix.coefficients)))

    // One step = (time of 1 + S steps − time of 1 step) / S: the loop body alone, without per-run setup.
    let side = 2 * cell / model.config.patch, channels = model.transformerConfig.inChannels
    let noise = Tensor(shape: [side * side, channels], data: uniform.array(side * side * channels))
    let context = Tensor(shape: [side * side, channels], data: uniform.array(side * side * channels))
    let extra = 10
    func stepTime(_ adapters: FluxAdapters) throws -> Timing {
        func run(_ steps: Int) throws {
            var options = SampleOptions()
            options.steps = steps
            _ = try AnalogyPipeline.denoise(model, noise: noise, context: context, rows: side, cols: side,
                                            adapters: adapters, options: options)
        }
        try run(1)
        return Timing(samples: try (0..<reps).map { _ in
            let short = try seconds { try run(1) }
            let long = try seconds { try run(1 + extra) }
            return max(0, long - short) / Double(extra)
        })
    }
    let stepBase = try stepTime(.none)
    let stepBasis = try stepTime(adapters)
    let analogy = try Timing.of(reps: max(3, reps / 2)) {
        let q = try AnalogyPipeline.encodePair(model, a: a, aPrime: aPrime, b: b)
        let m = try AnalogyPipeline.blend(basis, query: q)
        _ = try AnalogyPipeline.sample(model, query: q, mix: m, options: SampleOptions())
    }
    return MiniTimes(threads: threads, stepBase: stepBase, stepBasis: stepBasis, analogy: analogy)
}

func miniSection(_ options: Options, torch: TorchReference?) throws -> String {
    var rows: [String] = []
    for threads in options.threads {
        let m = try measureMini(threads: threads, reps: options.reps)
        let t = torch?.mini[threads]
        let overhead = m.stepBasis.median / m.stepBase.median - 1
        let row = "| \(threads) | \(format(m.stepBase.median)) | \(format(m.stepBasis.median)) | " +
            "\(format(100 * overhead, "%.0f")) % | \(format(m.analogy.median, "%.2f")) | " +
            "\(format(t?.stepBase.median)) | \(format(t?.stepBasis.median)) | " +
            "\(format(t.map { $0.stepBasis.median / m.stepBasis.median }, "%.2f×")) |"
        print(row)
        rows.append(row)
    }
    let rss = peakResidentMiB()
    return """
    ## The `mini` model

    Median of \(options.reps) (per analogy: of \(max(3, options.reps / 2))) after a warm-up. Step = one velocity
    evaluation + Euler update on the 2×2 grid (256 noise + 256 context + 8 prompt tokens), measured as
    (time of 11 steps − time of 1 step) / 10. Analogy = encode pair + blend + 20 steps + decode.
    PyTorch: Tools/bench/torch_bench.py, diffusers FluxTransformer2DModel + AttLoRA (mini_torch.py) on the same
    weights, float32, eager, `torch.set_num_threads` = threads\(torch.map { ", torch \($0.version)" } ?? ": not run (pass --python)").

    | threads | step, base (s) | step, basis (s) | basis overhead | analogy (s) | PyTorch step, base (s) | PyTorch step, basis (s) | Swift speed-up (basis) |
    |---|---|---|---|---|---|---|---|
    \(rows.joined(separator: "\n"))

    Peak RSS of the benchmark process after this section (model, basis, activations; nothing else loaded yet):
    \(format(rss, "%.0f")) MiB.

    """
}
