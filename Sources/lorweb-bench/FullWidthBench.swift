// FLUX.1 width: one double block and one single block (D = 3072, 24 heads × 128) on a Kontext 1024² step's
// tokens (512 text + 1024 noise + 1024 context), seeded random weights written to a safetensors file and
// loaded through the normal path. A block's time is the forward of a model with that one block minus the
// forward of a model with no blocks (embedders and output layers only); the same subtraction runs in PyTorch.
import Formats
import Foundation
import Models
import TensorCore

let fullWidthTokens = (text: 512, noise: 1024, context: 1024)
/// A 1024² Kontext grid: VAE /8, 2×2 packing → 64×64 = 4096 noise tokens, as many context tokens, 512 text.
let projectedTokens = 512 + 4096 + 4096

func fullWidthConfig(double: Int, single: Int) -> FluxTransformerConfig {
    FluxTransformerConfig(inChannels: 64, numLayers: double, numSingleLayers: single, guidanceEmbeds: true)
}

/// Seconds per forward for the (double, single) block counts, keyed "00", "10", "01", and of the exact
/// attention alone over all tokens, keyed "attention".
func measureFullWidth(threads: Int, reps: Int) throws -> [String: Timing] {
    let (text, noise, context) = fullWidthTokens
    var uniform = Uniform(seed: 3)
    let hidden = Tensor(shape: [1, noise + context, 64], data: uniform.array((noise + context) * 64))
    let encoder = Tensor(shape: [1, text, 4096], data: uniform.array(text * 4096))
    let pooled = Tensor(shape: [1, 768], data: uniform.array(768))
    let side = Int(Double(noise).squareRoot())
    var ids: [Float] = []
    for first in [Float(0), 1] {
        for r in 0..<side { for c in 0..<side { ids += [first, Float(r), Float(c)] } }
    }
    let imgIds = Tensor(shape: [noise + context, 3], data: ids)
    let txtIds = Tensor(zeros: [text, 3])
    let backend = CPUBackend(threads: threads)
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lorweb-bench-\(getpid())").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    var result: [String: Timing] = [:]
    let length = text + noise + context, width = 3072
    let q = Tensor(shape: [length, width], data: uniform.array(length * width))
    result["attention"] = Timing.of(reps: reps) {
        _ = backend.attention(q: q, k: q, v: q, heads: 24, scale: 1 / Float(128).squareRoot())
    }
    // The real sequence length of a 1024² Kontext step, measured rather than projected (issue 20's target).
    let long = Tensor(shape: [projectedTokens, width], data: uniform.array(projectedTokens * width))
    result["attention\(projectedTokens)"] = Timing.of(reps: reps) {
        _ = backend.attention(q: long, k: long, v: long, heads: 24, scale: 1 / Float(128).squareRoot())
    }
    print("attention at \(projectedTokens) tokens, \(threads) thread(s): \(format(result["attention\(projectedTokens)"]!.median)) s")
    for (double, single) in [(0, 0), (1, 0), (0, 1)] {
        let config = fullWidthConfig(double: double, single: single)
        let path = folder + "/blocks-\(double)\(single).safetensors"
        let tensors = FluxWeightKeys.expectedShapes(config).map { entry in
            let count = entry.shape.reduce(1, *)
            let isNorm = entry.key.contains("norm_") && entry.shape.count == 1
            return (name: entry.key, tensor: Tensor(shape: entry.shape,
                                                    data: isNorm ? [Float](repeating: 1, count: count) : uniform.array(count, scale: 0.02)))
        }
        try SafetensorsWriter.write(tensors, to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let model = try FluxTransformer(config: config, weights: SafetensorsFile(path: path))
        let rope = model.ropeTables(imgIds: imgIds, txtIds: txtIds, backend: backend)
        func forward(_ adapters: FluxAdapters) throws {
            _ = try model.forward(hidden: hidden, encoderHidden: encoder, pooled: pooled, timestep: [0.5],
                                  guidance: [2.5], imgIds: imgIds, txtIds: txtIds, outputTokens: noise,
                                  adapters: adapters, rope: rope, backend: backend)
        }
        let key = "\(double)\(single)"
        guard double + single > 0 else {
            result[key] = try Timing.of(reps: reps) { try forward(.none) }
            print("full width (0, 0) blocks, \(threads) thread(s): \(format(result[key]!.median)) s")
            continue
        }
        // The release basis: N = 32 LoRAs of rank 4 on every block Linear, blended into R = 128 (Docs/LORWEB.md §2.5).
        let deltas = FluxWeightKeys.adaptedLinears(config).map { spec in
            (spec.path, LowRankDelta(aCat: Tensor(shape: [spec.inFeatures, 128], data: uniform.array(spec.inFeatures * 128, scale: 0.02)),
                                     bCat: Tensor(shape: [128, spec.outFeatures], data: uniform.array(128 * spec.outFeatures, scale: 0.02))))
        }
        let basis = FluxAdapters(Dictionary(uniqueKeysWithValues: deltas))
        // Paired reps: each rep times the base and the basis forward back to back (alternating which goes first),
        // so a neighbour taking the core for a while moves both; the overhead is the median of the per-rep
        // ratios (runs of 5 sequential reps each had moved it between 5 % and 17 % on the 2-core AMD EPYC with
        // AVX-512).
        try forward(.none)
        try forward(basis)
        var plain: [Double] = [], adapted: [Double] = []
        for rep in 0..<reps {
            if rep % 2 == 0 {
                plain.append(try seconds { try forward(.none) })
                adapted.append(try seconds { try forward(basis) })
            } else {
                adapted.append(try seconds { try forward(basis) })
                plain.append(try seconds { try forward(.none) })
            }
        }
        result[key] = Timing(samples: plain)
        result[key + "+basis/base"] = Timing(samples: zip(adapted, plain).map { $0 / $1 })
        print("full width (\(double), \(single)) blocks, \(threads) thread(s): \(format(result[key]!.median)) s, " +
              "basis overhead \(format(100 * (result[key + "+basis/base"]!.median - 1), "%.1f")) %")
    }
    return result
}

func fullWidthSection(_ options: Options, threads: [Int], reps: Int, torch: TorchReference?) throws -> String {
    var rows: [String] = []
    var projections: [String] = []
    var attentionRows: [String] = []
    for t in threads {
        let swift = try measureFullWidth(threads: t, reps: reps)
        let reference = torch?.full[t]
        func part(_ times: [String: Timing]?, _ key: String) -> Double? {
            guard let times, let all = times[key], let none = times["00"] else { return nil }
            return key == "00" ? none.median : all.median - none.median
        }
        for (key, name) in [("10", "double block"), ("01", "single block"), ("00", "embedders + output")] {
            let s = part(swift, key), p = part(reference, key)
            let basis = key == "00" ? nil : swift[key + "+basis/base"].map { $0.median - 1 }
            rows.append("| \(name) | \(t) | \(format(s, "%.2f")) | \(format(p, "%.2f")) | " +
                        "\(format(s.flatMap { s in p.map { s / $0 } }, "%.2f")) | \(format(basis.map { 100 * $0 }, "%.1f %%")) |")
        }
        func step(_ times: [String: Timing]?) -> Double? {
            guard let d = part(times, "10"), let s = part(times, "01"), let o = part(times, "00"),
                  let attention = times?["attention"]?.median else { return nil }
            // Linear work scales with the token count, attention with its square (grows 8704 / 2560 = 3.4×).
            let r = Double(projectedTokens) / Double(fullWidthTokens.text + fullWidthTokens.noise + fullWidthTokens.context)
            func scaled(_ block: Double) -> Double { (block - attention) * r + attention * r * r }
            return 19 * scaled(d) + 38 * scaled(s) + o * r
        }
        let s = step(swift), p = step(reference)
        projectedSwiftStep[t] = s
        let longKey = "attention\(projectedTokens)"
        let (longSwift, longTorch) = (swift[longKey]?.median, reference?[longKey]?.median)
        attentionRows.append("| \(t) | \(format(longSwift, "%.2f")) | \(format(longTorch, "%.2f")) | " +
                             "\(format(longSwift.flatMap { s in longTorch.map { s / $0 } }, "%.2f")) |")
        projections.append("| \(t) | \(format(swift["attention"]?.median, "%.2f")) | \(format(reference?["attention"]?.median, "%.2f")) | " +
                           "\(format(s, "%.0f")) | \(format(p, "%.0f")) | \(format(s.flatMap { s in p.map { s / $0 } }, "%.2f")) |")
    }
    let (text, noise, context) = fullWidthTokens
    return """
    ## FLUX.1 width

    D = 3072, 24 heads × 128, \(text) text + \(noise) noise + \(context) context tokens (the issue's block shape),
    seeded random weights, exact mode, median of \(reps) after a warm-up. Block = forward(model with that block)
    − forward(model with no blocks); PyTorch the same way (diffusers FluxTransformer2DModel, float32,
    eager\(torch.map { ", torch \($0.version)" } ?? "; not run: pass --python")). Basis overhead: the same forward
    with a blended release-size basis (32 LoRAs × rank 4 = rank 128, random) on every block Linear, relative
    to the model without it (whole forward, so embedders are in the denominator too): each rep times the two
    forwards back to back, and the overhead is the median of the \(reps) per-rep ratios.

    | part | threads | Swift (s) | PyTorch (s) | Swift / PyTorch | basis overhead (Swift) |
    |---|---|---|---|---|---|
    \(rows.joined(separator: "\n"))

    Projected full step at a 1024² grid (\(projectedTokens) tokens: 512 text + 4096 noise + 4096 context), one
    transformer forward = 19 double + 38 single blocks + embedders/output. Each block's time is split into the
    attention over all tokens (measured alone, same shape) and the rest; the rest is scaled by the token ratio
    (r = \(projectedTokens)/\(text + noise + context)), the attention by r². Memory is not modelled: FLUX.1 in f32
    needs 48 GB of weights.

    | threads | attention alone, Swift (s) | attention alone, PyTorch (s) | projected step, Swift (s) | projected step, PyTorch (s) | Swift / PyTorch |
    |---|---|---|---|---|---|
    \(projections.joined(separator: "\n"))

    Exact attention at the step's real length, \(projectedTokens) tokens, 24 heads × 128 (Swift) against
    PyTorch's scaled_dot_product_attention on the same shape (median of \(reps)):

    | threads | Swift (s) | PyTorch SDPA (s) | Swift / PyTorch |
    |---|---|---|---|
    \(attentionRows.joined(separator: "\n"))

    """
}
