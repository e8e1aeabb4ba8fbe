// The PyTorch side of the comparison: runs Tools/bench/torch_bench.py with the given Python in this job and
// reads the JSON object it prints on its last stdout line.
import Foundation

struct TorchReference {
    struct MiniStep { var stepBase: Timing; var stepBasis: Timing }
    var version: String
    var mini: [Int: MiniStep] = [:]
    /// Keyed by threads, then "00" / "10" / "01" (double, single blocks).
    var full: [Int: [String: Timing]] = [:]

    static func run(python: String, script: String, miniFolder: String, options: Options,
                    fullThreads: [Int], fullReps: Int) throws -> TorchReference {
        let sections = ["mini", "full"].filter(options.sections.contains)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, "--sections", sections.joined(separator: ","), "--mini", miniFolder,
                             "--threads", options.threads.map(String.init).joined(separator: ","),
                             "--reps", String(options.reps), "--full-reps", String(fullReps),
                             "--full-threads", fullThreads.map(String.init).joined(separator: ",")]
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.standardError
        try process.run()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let last = String(decoding: data, as: UTF8.self).split(separator: "\n").last,
              let json = try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any]
        else { throw BenchError("\(python) \(script) failed (exit \(process.terminationStatus))") }
        func timing(_ any: Any?) -> Timing? {
            guard let d = any as? [String: Double], let best = d["best"], let median = d["median"] else { return nil }
            return Timing(best: best, median: median)
        }
        var result = TorchReference(version: json["torch"] as? String ?? "?")
        for (key, value) in json["mini"] as? [String: Any] ?? [:] {
            guard let t = Int(key), let d = value as? [String: Any],
                  let base = timing(d["step_base"]), let basis = timing(d["step_basis"]) else { continue }
            result.mini[t] = MiniStep(stepBase: base, stepBasis: basis)
        }
        for (key, value) in json["full"] as? [String: Any] ?? [:] {
            guard let t = Int(key), let d = value as? [String: Any] else { continue }
            result.full[t] = d.compactMapValues(timing)
        }
        return result
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
