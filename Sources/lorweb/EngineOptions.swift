// Options shared by the commands that run recipes (run, repl, golden, reproduce).
import ArgumentParser
import Foundation
import Pipeline
import RecipeEngine

struct EngineOptions: ParsableArguments {
    @Option(help: "Where to compute: cpu, or a device `lorweb devices` lists (vulkan:N in a GPU build; a bare family name is its first device). Outputs are identical on every device.")
    var device = "cpu"

    // .unconditional: `--threads -1` is read as a (wrong) value and gets validate()'s message, not "missing value".
    @Option(parsing: .unconditional, help: "Worker threads, 1 to 256 (outputs do not depend on it).")
    var threads: Int = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 16))

    @Flag(help: "Print only errors and `show` output: no progress bars, no notes.")
    var quiet = false

    @Flag(name: .customLong("no-cache"), help: "Compute everything; neither read nor write the cache.")
    var noCache = false

    @Option(name: .customLong("cache-dir"), help: "The cache folder (safe to delete at any time).")
    var cacheDirectory = ".lorweb-cache"

    @Flag(name: .customLong("stream-weights"), help: "Keep only the transformer block in use in memory (the full FLUX.1-Kontext-dev in ≤ 16 GB); its weights are re-read every step. Outputs are identical.")
    var streamWeights = false

    @Option(name: .customLong("max-memory"), help: ArgumentHelp(
        "Memory budget for the values a run computes, in MiB; a run that needs more stops with an error.",
        valueName: "MiB"))
    var maxMemory = ResourceBudget.defaultMegabytes

    func validate() throws {
        guard threads >= 1 && threads <= 256 else { throw ValidationError("--threads must be a whole number from 1 to 256, got \(threads)") }
        guard maxMemory >= 1 && maxMemory <= 1 << 30 else { throw ValidationError("--max-memory must be from 1 to \(1 << 30) MiB") }
        do { try ExecutionContext.validate(device: device) } catch { throw ValidationError("--device: \(error)") }
    }

    var execution: ExecutionContext { ExecutionContext(threads: threads, device: device, streamWeights: streamWeights) }

    /// Run options wired to this terminal: progress bar on a TTY only, notes unless --quiet, Ctrl-C.
    func runOptions(outputDirectory: String, overrides: [(name: String, value: String)] = []) -> RunOptions {
        let quiet = self.quiet
        let bar = ProgressBar.forStandardError(enabled: !quiet)
        var options = RunOptions(
            execution: execution, outputDirectory: outputDirectory,
            cache: noCache ? nil : StepCache(directory: cacheDirectory), overrides: overrides,
            previewDirectory: noCache ? nil : Paths.join(cacheDirectory, "previews"),
            output: { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) },
            notes: { line in if !quiet { FileHandle.standardError.write(Data((line + "\n").utf8)) } },
            progress: { event in bar?.update(event); return !Interrupts.requested },
            isInterrupted: { Interrupts.requested })
        options.maxMemory = maxMemory << 20
        return options
    }
}

/// `name=value` pairs from repeated --set options.
func parseOverrides(_ sets: [String]) throws -> [(name: String, value: String)] {
    try sets.map { item in
        guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
            throw ValidationError("--set expects name=value, got '\(item)'")
        }
        return (String(item[..<eq]).trimmingCharacters(in: .whitespaces), String(item[item.index(after: eq)...]))
    }
}
