// make bench: exact kernels against OpenBLAS, the `mini` model and FLUX-width blocks against PyTorch (when a
// Python with PyTorch is given), all in one job on one machine. Prints the tables and writes them as Markdown
// (default bench-results/bench.md). Sections run in this order so the peak-RSS figure of `mini` is its own.
import Foundation
import Pipeline
import TensorCore

AllocatorTuning.keepLargeBlocksInHeap()

let options = Options(CommandLine.arguments)
let machine = machineDescription()
print("machine: \(machine)")
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path
let fullThreads = [options.threads.max() ?? 2]
let fullReps = options.fullReps

var torch: TorchReference? = nil
if let python = options.python, options.sections.contains("mini") || options.sections.contains("full") {
    do {
        torch = try TorchReference.run(python: python, script: packageRoot + "/Tools/bench/torch_bench.py",
                                       miniFolder: try ModelRegistry.folder(for: "mini"), options: options,
                                       fullThreads: fullThreads, fullReps: fullReps)
    } catch {
        fail("the PyTorch reference failed: \(error)")
    }
}

var sections: [String] = []
do {
    if options.sections.contains("mini") { sections.append(try miniSection(options, torch: torch)) }
    if options.sections.contains("gemm") { sections.append(gemmSection(options)) }
    if options.sections.contains("attention") { sections.append(attentionSection(options)) }
    if options.sections.contains("t5") { sections.append(try t5LayerSection(options, threads: fullThreads.max()!, reps: fullReps)) }
    if options.sections.contains("full") {
        sections.append(try fullWidthSection(options, threads: fullThreads, reps: fullReps, torch: torch))
    }
    if options.sections.contains("vae") { sections.append(try vaeSection(options, threads: fullThreads)) }
    if options.sections.contains("stages") { sections.append(try stageMemorySection(options)) }
    if options.sections.contains("stream") { sections.append(try streamingCostSection(options)) }
} catch {
    fail("\(error)")
}

let report = """
# lorweb-bench

Machine: \(machine)
Run: \(ISO8601DateFormatter().string(from: Date())), sections \(options.sections.joined(separator: ", ")), threads \(options.threads.map(String.init).joined(separator: ", ")).
Noise: a shared VM; other processes may take a core, so medians can be far below the best. Ratios compare
runs made in this one job.

\(sections.joined(separator: "\n"))
"""
let url = URL(fileURLWithPath: options.out)
try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
do {
    try report.write(to: url, atomically: true, encoding: .utf8)
    print("wrote \(options.out)")
} catch {
    FileHandle.standardError.write("lorweb-bench: cannot write \(options.out): \(error)\n".data(using: .utf8)!)
    exit(1)
}
