// What `--stream-weights` costs per step (issue 20): the transformer of a full-width folder
// (Tools/memory/full_width_folder.py) run on a few tokens, resident and streamed, so that the forward's compute
// is small and the streamed blocks' packing (booked by the model's StreamingLedger) is measured directly, with
// the checkpoint in the page cache (warm) and evicted before each forward (cold: what a machine whose page cache
// cannot hold the 24 GB checkpoint pays). Per block, then × 19 double + 38 single blocks for the release.
import Foundation
import Models
import TensorCore

/// The bench's projected full Swift step per thread count, when the `full` section ran in this job.
nonisolated(unsafe) var projectedSwiftStep: [Int: Double] = [:]

/// Drops the page-cache pages of every safetensors file in `folder` (clean pages of files this process no
/// longer maps; the streamed loader releases its mapping of each tensor once packed).
func evictFromPageCache(folder: String) {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    for name in names where name.hasSuffix(".safetensors") {
        let fd = open(folder + "/" + name, O_RDONLY)
        guard fd >= 0 else { continue }
        _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_DONTNEED))
        close(fd)
    }
}

func streamingCostSection(_ options: Options) throws -> String {
    guard let root = options.stageFolder else {
        fail("--only stream needs --stage-folder DIR (Tools/memory/full_width_folder.py writes one)")
    }
    let folder = root + "/FLUX.1-Kontext-dev/transformer"
    let threads = options.threads.max() ?? 2
    let reps = options.reps
    let resident = try FluxTransformer.load(folder: folder)
    let streamed = try FluxTransformer.load(folder: folder, streaming: true)
    let config = resident.config
    // A few tokens: 16 noise + 16 context, 8 text. The packing does not depend on the token count.
    let (noise, text) = (16, 8)
    var uniform = Uniform(seed: 5)
    let hidden = Tensor(shape: [1, 2 * noise, config.inChannels], data: uniform.array(2 * noise * config.inChannels))
    let encoder = Tensor(shape: [1, text, config.jointAttentionDim], data: uniform.array(text * config.jointAttentionDim))
    let pooled = Tensor(shape: [1, config.pooledProjectionDim], data: uniform.array(config.pooledProjectionDim))
    var ids: [Float] = []
    for first in [Float(0), 1] { for r in 0..<4 { for c in 0..<4 { ids += [first, Float(r), Float(c)] } } }
    let imgIds = Tensor(shape: [2 * noise, 3], data: ids)
    let txtIds = Tensor(zeros: [text, 3])
    let backend = CPUBackend(threads: threads)
    func forward(_ model: FluxTransformer) throws -> Tensor {
        try model.forward(hidden: hidden, encoderHidden: encoder, pooled: pooled, timestep: [0.5],
                          guidance: config.guidanceEmbeds ? [2.5] : nil, imgIds: imgIds, txtIds: txtIds,
                          outputTokens: noise, backend: backend)
    }
    let residentOutput = try forward(resident)
    guard try forward(streamed).data == residentOutput.data else {
        fail("the streamed transformer's output differs from the resident one's")
    }
    let residentTime = try Timing.of(reps: reps) { _ = try forward(resident) }
    let ledger = streamed.streamingLedger!

    struct Row { let cache: String; let forward: Timing; let perDouble: Double; let perSingle: Double }
    func run(cold: Bool) throws -> Row {
        var samples: [Double] = [], doubles: [Double] = [], singles: [Double] = []
        for _ in 0..<reps {
            if cold { evictFromPageCache(folder: folder) }
            ledger.reset()
            samples.append(try seconds { _ = try forward(streamed) })
            let t = ledger.totals
            doubles.append(t.doubleSeconds / Double(max(1, t.doublePacks)))
            singles.append(t.singleSeconds / Double(max(1, t.singlePacks)))
        }
        func median(_ x: [Double]) -> Double { x.sorted()[x.count / 2] }
        return Row(cache: cold ? "cold (evicted before each forward)" : "warm (page cache)",
                   forward: Timing(samples: samples), perDouble: median(doubles), perSingle: median(singles))
    }
    let rows = [try run(cold: false), try run(cold: true)]
    let step = projectedSwiftStep[threads]
    var table = ""
    for row in rows {
        let perStep = 19 * row.perDouble + 38 * row.perSingle
        let share = step.map { String(format: "%.1f %%", 100 * perStep / $0) } ?? "(run with --only full,stream)"
        table += "| \(row.cache) | \(format(residentTime.median, "%.2f")) | \(format(row.forward.median, "%.2f")) | " +
            "\(format(row.perDouble, "%.3f")) | \(format(row.perSingle, "%.3f")) | \(format(perStep, "%.1f")) | \(share) |\n"
        print("streaming, \(row.cache): \(format(row.perDouble, "%.3f")) s per double block, \(format(row.perSingle, "%.3f")) s per single; \(format(perStep, "%.1f")) s per full step")
    }
    return """
    ## What streaming costs per step

    Transformer of \(folder) (\(config.numLayers) double + \(config.numSingleLayers) single blocks at the release's
    width), \(2 * noise) image + \(text) text tokens so the compute is small, \(threads) thread(s), medians of \(reps).
    The streamed model's output equals the resident one's (checked). Packing seconds are booked by the model
    (FluxTransformer.streamingLedger) around each streamed block; the full step packs 19 double + 38 single
    blocks\(step.map { String(format: "; the share is of this job's projected full Swift step, %.0f s", $0) } ?? "").

    | page cache | forward, resident (s) | forward, streamed (s) | packing per double block (s) | per single block (s) | per full step (s) | share of a step |
    |---|---|---|---|---|---|---|
    \(table)
    """
}
