// Sharded runs through the binary, as the README shows them: shards under `xargs -P 4` then `--merge`; four
// processes writing the same cache keys at once (never a damaged read, every entry whole after); a shard
// killed with SIGKILL mid-run and rerun (only the rest is computed); the flags' usage errors.
import Foundation
import RecipeEngine
import XCTest

final class ShardCommandTests: XCTestCase {
    static let sweep = TestPaths.repository + "/Recipes/sweep.recipe"

    func testShardsUnderXargsThenMergeGiveTheBytesOfOneRun() throws {
        let dir = try TestPaths.scratch("xargs")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let binary = try XCTUnwrap(TestPaths.binary)
        let whole = try runLorweb(["run", Self.sweep, "--set", "steps=2", "--no-cache", "--out-dir", "whole"], cwd: dir)
        XCTAssertEqual(whole.code, 0, whole.err)
        // The README's one-machine recipe: four shards at once, then the merge.
        let script = """
            seq 0 3 | xargs -P 4 -I{} "$LORWEB" run "$RECIPE" --set steps=2 --shard {}/4 --threads 1 --quiet \
                --cache-dir cache --out-dir sharded && "$LORWEB" run "$RECIPE" --set steps=2 --merge --cache-dir cache --out-dir sharded
            """
        let shell = try runProcess("/bin/sh", ["-c", script], cwd: dir, environment: ["LORWEB": binary, "RECIPE": Self.sweep])
        XCTAssertEqual(shell.code, 0, shell.err)
        let expected = try files(in: dir + "/whole"), merged = try files(in: dir + "/sharded")
        XCTAssertEqual(expected.keys.sorted(), ["out/sweep-coefficients.png", "out/sweep.png"])
        XCTAssertEqual(merged, expected)
    }

    /// Four whole runs of one recipe at once on one cache folder: the same keys written concurrently. A reader
    /// polling all the while never sees a damaged entry; afterwards every entry reads back, no temporary file is
    /// left, the four outputs are the single run's, and a fifth run finds every costly element in the cache.
    func testFourConcurrentWritersOnTheSameKeys() throws {
        let dir = try TestPaths.scratch("writers")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cacheDir = dir + "/cache"
        let writers = try (0..<4).map { i in
            try startLorweb(["run", Self.sweep, "--set", "steps=2", "--threads", "1", "--cache-dir", cacheDir, "--out-dir", "out-\(i)"],
                            cwd: dir, log: dir + "/writer-\(i).log")
        }
        var reads = 0, damaged: [String] = []
        let cache = StepCache(directory: cacheDir)
        while writers.contains(where: \.isRunning) {
            for key in entryKeys(cacheDir) {
                reads += 1
                if case .damaged(let reason) = cache.lookup(key) { damaged.append("\(key): \(reason)") }
            }
            Thread.sleep(forTimeInterval: 0.005)
        }
        for (i, writer) in writers.enumerated() {
            writer.waitUntilExit()
            XCTAssertEqual(writer.terminationStatus, 0, (try? String(contentsOfFile: dir + "/writer-\(i).log", encoding: .utf8)) ?? "")
        }
        XCTAssertEqual(damaged, [], "a concurrent reader saw a partial or damaged entry")
        XCTAssertGreaterThan(reads, 0, "the reader never saw an entry while the writers ran")
        let keys = entryKeys(cacheDir)
        XCTAssertGreaterThanOrEqual(keys.count, 12, "12 samples (and the pipeline's stages) in the cache")
        for key in keys {
            guard case .hit = cache.lookup(key) else { XCTFail("entry \(key) does not read back"); continue }
        }
        let leftovers = try files(in: cacheDir).keys.filter { $0.hasSuffix(".tmp") }
        XCTAssertEqual(leftovers, [], "temporary files left behind")
        let single = try runLorweb(["run", Self.sweep, "--set", "steps=2", "--no-cache", "--out-dir", "single"], cwd: dir)
        XCTAssertEqual(single.code, 0, single.err)
        let expected = try files(in: dir + "/single")
        for i in 0..<4 { XCTAssertEqual(try files(in: dir + "/out-\(i)"), expected, "writer \(i)'s outputs") }
        let fifth = try runLorweb(["run", Self.sweep, "--set", "steps=2", "--cache-dir", cacheDir, "--out-dir", "fifth"], cwd: dir)
        XCTAssertTrue(fifth.err.contains("12 from cache"), fifth.err)
    }

    /// SIGKILL in the middle of a shard (some samples cached, others not): the rerun computes only the rest, and
    /// the merge gives the bytes of one run.
    func testKilledShardRerunComputesOnlyTheRest() throws {
        let dir = try TestPaths.scratch("killed")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cacheDir = dir + "/cache"
        let args = ["run", Self.sweep, "--set", "steps=8", "--threads", "1", "--cache-dir", cacheDir, "--out-dir", "sharded"]
        let victim = try startLorweb(args + ["--shard", "0/1"], cwd: dir, log: dir + "/victim.log")
        // The pipeline's stage entries come first, then one entry per sample: kill after a few samples.
        let deadline = Date().addingTimeInterval(60)
        while victim.isRunning && entryKeys(cacheDir).count < 6 && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        XCTAssertTrue(victim.isRunning, "the shard finished before it could be killed")
        kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()
        XCTAssertEqual(victim.terminationReason, .uncaughtSignal)
        let early = try runLorweb(args + ["--merge"], cwd: dir)
        XCTAssertEqual(early.code, 66, "a killed shard is named, not silently recomputed: \(early.err)")
        XCTAssertTrue(early.err.contains("no shard of") && early.err.contains("--fill-missing"), early.err)
        let rerun = try runLorweb(args + ["--shard", "0/1"], cwd: dir)
        XCTAssertEqual(rerun.code, 0, rerun.err)
        let ledger = try XCTUnwrap(try FileManager.default.subpathsOfDirectory(atPath: cacheDir + "/shards").first { $0.hasSuffix("0-of-1.json") })
        let record = try JSONDecoder().decode(ShardRecord.self, from: Data(contentsOf: URL(fileURLWithPath: cacheDir + "/shards/" + ledger)))
        XCTAssertEqual(record.elements.count, 12)
        XCTAssertGreaterThan(record.cached, 0, "the killed run's finished samples are reused")
        XCTAssertGreaterThan(record.computed, 0)
        XCTAssertEqual(record.computed + record.cached, 12, "the rerun computes only what the killed run had not finished")
        let merge = try runLorweb(args + ["--merge"], cwd: dir)
        XCTAssertEqual(merge.code, 0, merge.err)
        let single = try runLorweb(["run", Self.sweep, "--set", "steps=8", "--no-cache", "--out-dir", "single"], cwd: dir)
        XCTAssertEqual(single.code, 0, single.err)
        XCTAssertEqual(try files(in: dir + "/sharded"), try files(in: dir + "/single"))
    }

    func testShardFlagsUsageErrors() throws {
        let dir = try TestPaths.scratch("flags")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (args, message) in [(["--shard", "4/4"], "shard 4/4 does not exist"), (["--shard", "x"], "--shard expects K/N"),
                                (["--shard", "0/2", "--merge"], "separate runs"), (["--fill-missing"], "--fill-missing goes with --merge"),
                                (["--merge", "--no-cache"], "--merge needs the cache")] {
            let result = try runLorweb(["run", Self.sweep] + args, cwd: dir)
            XCTAssertEqual(result.code, 2, "\(args): \(result.err)")
            XCTAssertTrue(result.err.contains(message), "\(args): \(result.err)")
        }
    }

    /// The scripts `lorweb slurm` writes without --submit: standard directives, absolute paths, --set values quoted
    /// for bash, the merge without the array's GPUs; bad values are usage errors before anything is written.
    func testSlurmScriptsWithoutSubmit() throws {
        let dir = try TestPaths.scratch("slurm-scripts")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try runLorweb(["slurm", Self.sweep, "--shards", "7", "--partition", "gpu", "--time", "1-00:00:00",
                                    "--gpus-per-task", "a100:1", "--cpus-per-task", "4", "--cache-dir", "shared/cache",
                                    "--set", "steps=3", "--set", "strengths=[1, 2]", "--stream-weights"], cwd: dir)
        XCTAssertEqual(result.code, 0, result.err)
        XCTAssertTrue(result.out.contains("sbatch --dependency=afterok:"), result.out)
        let array = try String(contentsOfFile: dir + "/slurm-jobs/lorweb-sweep.array.sbatch", encoding: .utf8)
        let merge = try String(contentsOfFile: dir + "/slurm-jobs/lorweb-sweep.merge.sbatch", encoding: .utf8)
        for line in ["#SBATCH --array=0-6", "#SBATCH --requeue", "#SBATCH --partition=gpu", "#SBATCH --time=1-00:00:00",
                     "#SBATCH --gpus-per-task=a100:1", "#SBATCH --cpus-per-task=4", "--shard \"$SLURM_ARRAY_TASK_ID/7\"",
                     "--threads 4 --stream-weights", "--set steps=3 --set 'strengths=[1, 2]'", "--cache-dir \(dir)/shared/cache", "--out-dir \(dir) "] {
            XCTAssertTrue(array.contains(line), "array script lacks \(line):\n\(array)")
        }
        XCTAssertTrue(merge.contains(" --merge ") && !merge.contains("--array") && !merge.contains("gpus"), merge)
        for (args, message) in [(["--shards", "0"], "--shards must be from 1"), (["--shards", "2", "--time", "1 day"], "--time must be one word")] {
            let bad = try runLorweb(["slurm", Self.sweep, "--job-dir", "bad"] + args, cwd: dir)
            XCTAssertEqual(bad.code, 2, bad.err)
            XCTAssertTrue(bad.err.contains(message), bad.err)
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/bad"), "nothing written for a usage error")
        }
    }

    // MARK: helpers

    private func entryKeys(_ cacheDir: String) -> [String] {
        guard let folders = try? FileManager.default.contentsOfDirectory(atPath: cacheDir) else { return [] }
        return folders.filter { $0.count == 2 }.flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: cacheDir + "/" + folder)) ?? [])
                .filter { $0.hasSuffix(".entry") }.map { String($0.dropLast(6)) }
        }
    }
}

/// Starts the built binary without waiting; stdout and stderr go to `log`.
func startLorweb(_ arguments: [String], cwd: String, log: String, environment: [String: String] = [:]) throws -> Process {
    let binary = try XCTUnwrap(TestPaths.binary, "lorweb is not built")
    FileManager.default.createFile(atPath: log, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: cwd)
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    return process
}

/// Runs any program to the end (output in files, so a chatty child cannot block on a full pipe).
func runProcess(_ executable: String, _ arguments: [String], cwd: String? = nil,
                environment: [String: String] = [:]) throws -> LorwebResult {
    let scratch = try TestPaths.scratch("proc")
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    FileManager.default.createFile(atPath: scratch + "/out", contents: nil)
    FileManager.default.createFile(atPath: scratch + "/err", contents: nil)
    let out = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch + "/out"))
    let err = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch + "/err"))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    try out.close(); try err.close()
    return LorwebResult(code: process.terminationStatus,
                        out: (try? String(contentsOfFile: scratch + "/out", encoding: .utf8)) ?? "",
                        err: (try? String(contentsOfFile: scratch + "/err", encoding: .utf8)) ?? "")
}
