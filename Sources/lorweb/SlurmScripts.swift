// The two batch scripts of `lorweb slurm`: a job array whose task K runs `lorweb run R --shard K/N`, and a
// merge job (submitted with --dependency=afterok on the array) that runs `lorweb run R --merge`. Only standard
// sbatch directives, so any Slurm site takes them; every path is absolute, because a node's working folder is
// not the submitting shell's.
import Foundation

struct SlurmScripts {
    var jobName: String
    var shards: Int
    /// The lorweb binary as every node sees it.
    var lorweb: String
    var recipe: String
    var cacheDirectory: String
    var outputDirectory: String
    /// Scripts and the tasks' logs.
    var jobDirectory: String
    var sets: [String]
    var device: String
    /// Each task keeps one transformer block resident (`lorweb run --stream-weights`): nodes with less memory.
    var streamWeights = false
    var cpusPerTask: Int
    var partition: String?
    var time: String?
    var gpusPerTask: String?

    var arrayPath: String { jobDirectory + "/" + jobName + ".array.sbatch" }
    var mergePath: String { jobDirectory + "/" + jobName + ".merge.sbatch" }

    /// Task K of the array: shard K/N into the shared cache. `--requeue`: a task lost with its node is run
    /// again, and a rerun computes only what the cache lacks.
    var array: String {
        script(name: jobName, log: "\(jobName)-%A_%a.out", extra: ["--array=0-\(shards - 1)", "--requeue"] + gpuLines,
               command: ["run", recipe, "--shard"], shardArgument: true)
    }

    /// The merge: the recipe's outputs from the cache, byte for byte those of a single run.
    var merge: String {
        script(name: jobName + "-merge", log: "\(jobName)-merge-%j.out", extra: [], command: ["run", recipe, "--merge"],
               shardArgument: false)
    }

    private var gpuLines: [String] { gpusPerTask.map { ["--gpus-per-task=\($0)"] } ?? [] }

    private func script(name: String, log: String, extra: [String], command: [String], shardArgument: Bool) -> String {
        var directives = ["--job-name=\(name)", "--ntasks=1", "--cpus-per-task=\(cpusPerTask)",
                          "--output=\(jobDirectory)/\(log)"] + extra
        if let partition { directives.append("--partition=\(partition)") }
        if let time { directives.append("--time=\(time)") }
        var words = command.map(Self.quote)
        if shardArgument { words.append("\"$SLURM_ARRAY_TASK_ID/\(shards)\"") }
        let options = ["--cache-dir", cacheDirectory, "--out-dir", outputDirectory, "--device", device,
                       "--threads", String(cpusPerTask)] + (streamWeights ? ["--stream-weights"] : []) + sets.flatMap { ["--set", $0] }
        words += options.map(Self.quote)
        return """
            #!/bin/bash
            # Written by `lorweb slurm` (README "Sharded runs"): \(shardArgument ? "shard $SLURM_ARRAY_TASK_ID of \(shards)" : "the merge") of \(recipe).
            \(directives.map { "#SBATCH " + $0 }.joined(separator: "\n"))
            set -eu
            exec \(Self.quote(lorweb)) \(words.joined(separator: " "))

            """
    }

    /// A word for bash: single-quoted, with embedded quotes closed and escaped.
    static func quote(_ word: String) -> String {
        if !word.isEmpty, word.allSatisfy({ $0.isLetter || $0.isNumber || "/._-=:,+".contains($0) }), word.allSatisfy(\.isASCII) {
            return word
        }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// An #SBATCH value must be one plain word: a newline or space would end the directive early.
    static func checkDirective(_ value: String, _ flag: String) throws -> String {
        guard !value.isEmpty, value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-:.,+[]".contains($0)) }) else {
            throw SlurmError("\(flag) must be one word (letters, digits, _-:.,+[]), got '\(value)'")
        }
        return value
    }
}

struct SlurmError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
