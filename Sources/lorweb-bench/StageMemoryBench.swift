// Memory per stage of a flux-kontext run (issue 20): a pipeline folder at full width and reduced depth
// (Tools/memory/full_width_folder.py, never committed) run stage by stage through the public API, the peak resident
// set (VmHWM) reset before each stage (/proc/self/clear_refs, "5"), so each row is that stage's own peak. The
// projection to the release's depth (README "Performance") adds the resident bytes of the missing blocks and layers.
import Foundation
import Formats
import Models
import Pipeline
import TensorCore

/// Resets VmHWM to the current resident set (Linux ≥ 4.0); false where the kernel refuses.
@discardableResult
func resetPeakResident() -> Bool {
    let fd = open("/proc/self/clear_refs", O_WRONLY)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    return write(fd, "5", 1) == 1
}

struct StageRow {
    let name: String
    let seconds: Double
    let peak: Double
    let after: Double
}

/// Runs one analogy (`steps` steps) on `root` (the folder full_width_folder.py writes) stage by stage.
func measureStages(root: String, maxArea: Int, threads: Int, streamWeights: Bool, steps: Int) throws -> [StageRow] {
    var rows: [StageRow] = []
    func stage<T>(_ name: String, _ body: () throws -> T) throws -> T {
        let reset = resetPeakResident()
        var value: T!
        let s = try seconds { value = try body() }
        rows.append(StageRow(name: name + (reset ? "" : " (peak not reset)"), seconds: s,
                             peak: peakResidentMiB() ?? .nan, after: residentMiB() ?? .nan))
        return value
    }
    let context = ExecutionContext(threads: threads, streamWeights: streamWeights)
    let model = try stage("load model (folders checked; CLIP vision, VAE resident)") {
        try LoadedModel.load(root + "/FLUX.1-Kontext-dev", imageEncoder: root + "/clip-vit-large-patch14", context: context)
    }
    let basis = try stage("load basis") { try LoadedBasis.load(root + "/lorweb/lorweb.safetensors", for: model) }
    let images = try ["red-circle", "blue-circle", "red-square"].map {
        try PNGFile.read(path: packageRoot + "/Recipes/images/\($0).png").image
    }
    let query = try stage("encode pair (CLIP ViT-L/14)") {
        try AnalogyPipeline.encodePair(model, a: images[0], aPrime: images[1], b: images[2])
    }
    let adapters = try stage("blend + apply (the mixed LoRA)") { () -> FluxAdapters in
        let mix = try AnalogyPipeline.blend(basis, query: query)
        return try basis.basis.apply(Dictionary(uniqueKeysWithValues: zip(mix.layers, mix.coefficients)))
    }
    let kontext = model.kontext!
    var options = SampleOptions()
    options.steps = steps
    options.maxArea = maxArea
    options.prompt = "make the circle blue"
    _ = try stage("prompt: CLIP-L text + T5 (loaded, used, dropped)") {
        try KontextSampling.encodePrompt(model, kontext, options: options)
    }
    let start = try stage("VAE encode of the reference") {
        try KontextSampling.prepare(model, kontext, query: query, options: options)
    }
    let latents = try stage("\(steps) step(s) (transformer loaded at the first step)") {
        try KontextSampling.finalLatents(model, start, adapters: adapters, options: options)
    }
    let tokens = start.tokenGrid.rows * start.tokenGrid.cols + start.contextGrid.rows * start.contextGrid.cols
    rows.append(StageRow(name: "  (\(tokens) image tokens + 512 text)", seconds: .nan, peak: .nan, after: .nan))
    _ = try stage("VAE decode") { try KontextSampling.decode(latents, start) }
    return rows
}

func stageMemorySection(_ options: Options) throws -> String {
    guard let root = options.stageFolder else {
        fail("--only stages needs --stage-folder DIR (Tools/memory/full_width_folder.py writes one)")
    }
    let rows = try measureStages(root: root, maxArea: options.stageMaxArea, threads: options.threads.max() ?? 2,
                                 streamWeights: options.streamWeights, steps: options.stageSteps)
    func f(_ x: Double) -> String { x.isNaN ? "" : String(format: "%.0f", x) }
    var text = """
    ## Memory per stage (flux-kontext, full width, reduced depth)

    Folder \(root) (Tools/memory/full_width_folder.py: the release's widths, depth as its README says), one
    analogy at max_area \(options.stageMaxArea), \(options.stageSteps) step(s), exact CPU backend, \(options.threads.max() ?? 2) threads\(options.streamWeights ? ", blocks streamed" : "").
    Peak = VmHWM during the stage (reset before it); after = VmRSS when it ends.

    | stage | seconds | peak MiB | after MiB |
    |---|---|---|---|

    """
    for row in rows { text += "| \(row.name) | \(row.seconds.isNaN ? "" : String(format: "%.1f", row.seconds)) | \(f(row.peak)) | \(f(row.after)) |\n" }
    return text
}
