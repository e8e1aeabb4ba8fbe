// `lorweb slurm --submit` on a real single-node Slurm (SlurmCluster): the held-out recipe at test size as a
// 4-task job array plus the merge job, whose outputs must be the bytes of a single-process run. A machine
// where the daemons cannot start fails this test, naming the reason; LORWEB_SLURM=skip skips it on purpose.
import Foundation
import RecipeEngine
import XCTest

final class SlurmTests: XCTestCase {
    static let heldout = TestPaths.repository + "/Recipes/paper/heldout.recipe"
    static let sets = ["indices=0..3", "steps=2", "figure-rows=0..1"]

    func testJobArrayAndMergeJobGiveTheBytesOfOneRun() throws {
        if ProcessInfo.processInfo.environment["LORWEB_SLURM"] == "skip" {
            throw XCTSkip("LORWEB_SLURM=skip: the Slurm test is skipped on purpose")
        }
        let dir = try TestPaths.scratch("slurm")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir)   // munged's socket must be reachable
        let cluster = SlurmCluster(root: dir + "/cluster")
        defer {
            cluster.stop()
            try? FileManager.default.removeItem(atPath: dir)
        }
        do {
            try cluster.start()
        } catch {
            XCTFail("the single-node Slurm could not start: \(error)\n(set LORWEB_SLURM=skip to skip this test on a machine that cannot run it)")
            return
        }
        let started = Date()
        let sets = Self.sets.flatMap { ["--set", $0] }
        let submit = try runLorweb(["slurm", Self.heldout, "--shards", "4", "--cache-dir", "cache", "--out-dir", "sharded",
                                    "--job-dir", "jobs", "--time", "10:00", "--partition", "lorweb", "--submit"] + sets,
                                   cwd: dir, environment: cluster.environment)
        XCTAssertEqual(submit.code, 0, submit.err + submit.out)
        let arrayScript = try String(contentsOfFile: dir + "/jobs/lorweb-heldout.array.sbatch", encoding: .utf8)
        XCTAssertTrue(arrayScript.contains("#SBATCH --array=0-3") && arrayScript.contains("--shard \"$SLURM_ARRAY_TASK_ID/4\""), arrayScript)
        let ids = submit.out.split(separator: "\n").compactMap { line -> String? in
            let words = line.split(separator: " ")
            return words.count >= 3 && words[1] == "job" ? String(words[2]) : nil
        }
        XCTAssertEqual(ids.count, 2, submit.out)
        guard ids.count == 2 else { return }

        let state = try wait(for: ids[1], cluster: cluster, timeout: 150)
        let taskLogs = ((try? FileManager.default.contentsOfDirectory(atPath: dir + "/jobs")) ?? []).sorted()
            .filter { $0.hasSuffix(".out") }
            .map { "--- \($0):\n" + ((try? String(contentsOfFile: dir + "/jobs/" + $0, encoding: .utf8)) ?? "") }
            .joined(separator: "\n")
        XCTAssertEqual(state, "COMPLETED", "merge job \(ids[1]): \(state)\n\(taskLogs)\n\(cluster.logs())")
        let tasks = try cluster.run("scontrol", ["show", "job", "-o", ids[0]])
        XCTAssertEqual(tasks.out.components(separatedBy: "JobState=COMPLETED").count - 1, 4, tasks.out)
        print("[slurm] 4-task array + merge of heldout (\(Self.sets.joined(separator: " "))): "
              + String(format: "%.1f s from submission", Date().timeIntervalSince(started)))

        let single = try runLorweb(["run", Self.heldout, "--no-cache", "--out-dir", "single"] + sets, cwd: dir)
        XCTAssertEqual(single.code, 0, single.err)
        let expected = try files(in: dir + "/single")
        XCTAssertEqual(expected.keys.sorted(), ["out/heldout-seen.png", "out/heldout-unseen.png", "out/heldout.csv", "out/heldout.md"])
        let merged = try files(in: dir + "/sharded")
        XCTAssertEqual(merged.keys.sorted(), expected.keys.sorted())
        for (name, bytes) in expected { XCTAssertSameBytes(merged[name] ?? [], bytes, name) }
    }

    /// Polls a job's state until it ends or `timeout` seconds pass; a dependency that can never be met ends it too.
    private func wait(for job: String, cluster: SlurmCluster, timeout: Double) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var state = "(unknown)"
        while Date() < deadline {
            let show = try cluster.run("scontrol", ["show", "job", "-o", job])
            if let field = show.out.split(separator: " ").first(where: { $0.hasPrefix("JobState=") }) {
                state = String(field.dropFirst("JobState=".count))
            }
            if show.out.contains("DependencyNeverSatisfied") { return "never runs (a task failed: DependencyNeverSatisfied)" }
            if ["COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE"].contains(state) {
                return state
            }
            Thread.sleep(forTimeInterval: 0.5)
        }
        return "still \(state) after \(Int(timeout)) s"
    }
}
