// lorweb slurm FILE.recipe --shards N: writes (and with --submit submits) a Slurm job array of N shards and a
// merge job that runs once every shard succeeded (README "Sharded runs").
import ArgumentParser
import Formats
import Foundation
import RecipeEngine

struct SlurmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm",
        abstract: "Write (and with --submit submit) a Slurm job array that shards a recipe, plus its merge job.",
        discussion: "Task K of the array runs `lorweb run RECIPE --shard K/N`; the merge job (--dependency=afterok on the "
            + "array) runs `lorweb run RECIPE --merge` and writes the outputs of a single run, byte for byte. Every node "
            + "must see the lorweb binary, the recipe and its inputs, the model folders and the cache and output folders "
            + "(a shared file system). " + ExitCodes.documentation)

    @Argument(help: "The recipe file.", completion: .file(extensions: ["recipe"]))
    var recipe: String

    @Option(help: "How many array tasks (shards), 1 to \(ShardSpec.maxCount).")
    var shards: Int

    @Option(help: "The Slurm partition (sbatch --partition); default: the cluster's.")
    var partition: String?

    @Option(help: "Time limit per task (sbatch --time, e.g. 30:00 or 1-00:00:00).")
    var time: String?

    @Option(name: .customLong("gpus-per-task"), help: "GPUs per array task (sbatch --gpus-per-task, e.g. 1 or a100:1).")
    var gpusPerTask: String?

    @Option(name: .customLong("cpus-per-task"), help: "CPUs per task (sbatch --cpus-per-task); lorweb runs that many threads.")
    var cpusPerTask = 1

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a `param` (or the seed), as `lorweb run --set`.", valueName: "name=value"))
    var sets: [String] = []

    @Option(name: .customLong("out-dir"), help: "Folder that relative save paths resolve against (on the shared file system).")
    var outputDirectory = "."

    @Option(name: .customLong("cache-dir"), help: "The cache folder every task writes and the merge reads (on the shared file system).")
    var cacheDirectory = ".lorweb-cache"

    @Option(help: "Where each task computes (as `lorweb run --device`).")
    var device = "cpu"

    @Option(name: .customLong("job-dir"), help: "Folder for the two batch scripts and the tasks' logs.")
    var jobDirectory = "slurm-jobs"

    @Option(name: .customLong("job-name"), help: "Job name (default: the recipe's file name).")
    var jobName: String?

    @Option(help: "The lorweb binary as the nodes see it (default: this one).")
    var lorweb: String?

    @Flag(name: .customLong("stream-weights"), help: "Each task keeps one transformer block in memory (as `lorweb run --stream-weights`).")
    var streamWeights = false

    @Flag(help: "Submit the array, then the merge job with --dependency=afterok on it (needs sbatch on PATH).")
    var submit = false

    func validate() throws {
        guard shards >= 1 && shards <= ShardSpec.maxCount else { throw ValidationError("--shards must be from 1 to \(ShardSpec.maxCount), got \(shards)") }
        guard cpusPerTask >= 1 && cpusPerTask <= 256 else { throw ValidationError("--cpus-per-task must be from 1 to 256, got \(cpusPerTask)") }
        do {
            for (value, flag) in [(partition, "--partition"), (time, "--time"), (gpusPerTask, "--gpus-per-task"), (jobName, "--job-name")] {
                if let value { _ = try SlurmScripts.checkDirective(value, flag) }
            }
        } catch { throw ValidationError("\(error)") }
    }

    func run() throws {
        // Checked here, before anything is queued: a recipe error would otherwise fail N tasks on the cluster.
        let compiled = try Recipe.compile(path: recipe, overrides: try parseOverrides(sets))
        for warning in compiled.warnings { FileHandle.standardError.write(Data((warning.rendered() + "\n").utf8)) }
        let name = jobName ?? Self.defaultJobName(recipe)
        var scripts = SlurmScripts(
            jobName: name, shards: shards, lorweb: lorweb ?? Self.thisExecutable(), recipe: Self.absolute(recipe),
            cacheDirectory: Self.absolute(cacheDirectory), outputDirectory: Self.absolute(outputDirectory),
            jobDirectory: Self.absolute(jobDirectory), sets: sets, device: device, cpusPerTask: cpusPerTask,
            partition: partition, time: time, gpusPerTask: gpusPerTask)
        scripts.streamWeights = streamWeights
        try FileManager.default.createDirectory(atPath: scripts.jobDirectory, withIntermediateDirectories: true)
        try AtomicWrite.write(scripts.array, to: scripts.arrayPath)
        try AtomicWrite.write(scripts.merge, to: scripts.mergePath)
        print("wrote \(scripts.arrayPath)")
        print("wrote \(scripts.mergePath)")
        guard submit else {
            print("submit with: array=$(sbatch --parsable \(SlurmScripts.quote(scripts.arrayPath))) && "
                  + "sbatch --dependency=afterok:${array%%;*} \(SlurmScripts.quote(scripts.mergePath))")
            return
        }
        let array = try Self.sbatch(["--parsable", scripts.arrayPath])
        print("array job \(array) (\(shards) tasks)")
        let merge = try Self.sbatch(["--parsable", "--dependency=afterok:\(array)", scripts.mergePath])
        print("merge job \(merge) (after every task of \(array) succeeds)")
    }

    static func defaultJobName(_ recipe: String) -> String {
        let base = Paths.fileName(of: recipe)
        let stem = base.hasSuffix(".recipe") ? String(base.dropLast(7)) : base
        let word = String(stem.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "-" })
        return "lorweb-" + (word.isEmpty ? "recipe" : word)
    }

    static func absolute(_ path: String) -> String {
        let joined = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: joined).standardizedFileURL.path
    }

    /// The running binary's absolute path (/proc/self/exe on Linux; argv[0] made absolute elsewhere).
    static func thisExecutable() -> String {
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return target }
        return absolute(CommandLine.arguments[0])
    }

    /// Runs sbatch (found on PATH) and returns the job id it printed (`--parsable`: "id" or "id;cluster").
    static func sbatch(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sbatch"] + arguments
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let problem = String(decoding: err, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0 else {
            let reason = process.terminationStatus == 127 ? "sbatch is not on PATH (--submit needs a Slurm login node; "
                + "without --submit the scripts are written for you to submit there)" : problem
            throw SlurmError("sbatch \(arguments.joined(separator: " ")) failed (exit \(process.terminationStatus)): \(reason)")
        }
        let id = String(text.split(separator: ";").first ?? "")
        guard !id.isEmpty, id.allSatisfy(\.isNumber) else { throw SlurmError("sbatch printed no job id: '\(text)' \(problem)") }
        return id
    }
}
