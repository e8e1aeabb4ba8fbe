// Shared pieces of the benchmarks: options, timers, statistics, machine description, seeded inputs.
import COpenBLAS
import Foundation
import TensorCore

struct Options {
    static let allSections = ["mini", "gemm", "attention", "t5", "full", "vae", "stages", "stream"]
    /// `vae` (one FLUX.1 VAE decode, minutes at 1024²) runs only when asked for with --only.
    static let defaultSections = ["mini", "gemm", "attention", "t5", "full"]
    var out = "bench-results/bench.md"
    var reps = 5
    /// Repetitions of the FLUX-width section (each rep is seconds; the acceptance figures use 5).
    var fullReps = 2
    /// Sequence length of the `attention` section (8704: a 1024² Kontext step).
    var attentionTokens = 1024
    var full = false
    var shapes: [(Int, Int, Int)]? = nil
    var threads = [1, 2]
    var cpuTime = false
    var sections = Options.defaultSections
    /// Output side of the `vae` section's decode (a multiple of 8).
    var vaeSize = 1024
    /// The `stages` section's folder (Tools/memory/full_width_folder.py) and generated grid area.
    var stageFolder: String? = nil
    var stageMaxArea = 1024 * 1024
    var streamWeights = false
    var stageSteps = 1
    /// A Python with PyTorch + diffusers; nil: the PyTorch columns say "not run".
    var python: String? = nil
    /// GEMM kernel variants timed in the `gemm` section (default: every SIMD variant this machine runs, and swift).
    var kernels: [CPUKernel] = CPUKernel.supported.filter { $0 != .scalar }

    init(_ args: [String]) {
        var i = 1
        func value() -> String? { i + 1 < args.count ? args[i + 1] : nil }
        while i < args.count {
            switch args[i] {
            case "--out" where value() != nil: out = value()!; i += 1
            case "--reps" where value() != nil: reps = max(1, Int(value()!) ?? reps); i += 1
            case "--full": full = true
            case "--attention-tokens" where value() != nil:
                guard let l = Int(value()!), l > 0 else { fail("--attention-tokens needs a positive length") }
                attentionTokens = l
                i += 1
            case "--full-reps" where value() != nil: fullReps = max(1, Int(value()!) ?? fullReps); i += 1
            case "--cpu-time": cpuTime = true
            case "--python" where value() != nil: python = value()!; i += 1
            case "--only" where value() != nil:
                sections = value()!.split(separator: ",").map(String.init)
                if let bad = sections.first(where: { !Options.allSections.contains($0) }) {
                    fail("unknown section '\(bad)' (sections: \(Options.allSections.joined(separator: ", ")))")
                }
                i += 1
            case "--vae-size" where value() != nil:
                guard let size = Int(value()!), size > 0, size % 8 == 0 else { fail("--vae-size needs a positive multiple of 8") }
                vaeSize = size
                i += 1
            case "--stage-folder" where value() != nil: stageFolder = value()!; i += 1
            case "--stream-weights": streamWeights = true
            case "--stage-steps" where value() != nil:
                guard let steps = Int(value()!), (1...50).contains(steps) else { fail("--stage-steps needs 1 to 50") }
                stageSteps = steps
                i += 1
            case "--stage-max-area" where value() != nil:
                guard let area = Int(value()!), area >= 256 else { fail("--stage-max-area needs a number of pixels ≥ 256") }
                stageMaxArea = area
                i += 1
            case "--shapes" where value() != nil:
                shapes = value()!.split(separator: ",").compactMap { spec in
                    let p = spec.split(separator: "x").compactMap { Int($0) }
                    return p.count == 3 ? (p[0], p[1], p[2]) : nil
                }
                i += 1
            case "--kernels" where value() != nil:
                kernels = []
                for name in value()!.split(separator: ",") {
                    guard let kernel = CPUKernel(rawValue: String(name)), kernel.isSupported else {
                        fail("--kernels: '\(name)' is not a kernel this machine runs (\(CPUKernel.supported.map(\.rawValue).joined(separator: ",")))")
                    }
                    kernels.append(kernel)
                }
                i += 1
            case "--threads" where value() != nil:
                threads = value()!.split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 }
                i += 1
            case "--help", "-h":
                print("""
                usage: lorweb-bench [--out FILE] [--reps N] [--only SECTIONS] [--python PY] [--full]
                                    [--shapes MxKxN,...] [--threads 1,2] [--kernels avx2,swift] [--cpu-time] [--full-reps N]
                                    [--attention-tokens L]
                                    [--vae-size 1024] [--stage-folder DIR]
                  sections (comma-separated): \(Options.allSections.joined(separator: ",")); default \(Options.defaultSections.joined(separator: ","))
                  --vae-size S the vae section decodes 16×(S/8)² latents to an S×S image (default 1024)
                  --stage-folder DIR  the stages section's pipeline folder (Tools/memory/full_width_folder.py)
                  --stage-max-area A  its generated grid's area in pixels (default 1048576)
                  --stream-weights    the stages section with the transformer's blocks streamed
                                      (the stream section times the packing streaming adds, warm and cold)
                  --stage-steps N     its sampling steps (default 1)
                  --python PY  run Tools/bench/torch_bench.py with PY for the PyTorch columns (mini, full)
                  --kernels K  GEMM kernel variants the gemm section times (default: the SIMD ones this machine
                               runs, and swift; scalar is the slow reference, timed only when asked for)
                  --full       GEMM grid M∈{256,1024,4096} × (K,N) ∈ {(3072,3072), (3072,12288), (12288,3072), (15360,3072)}
                """)
                exit(0)
            default:
                fail("unknown argument \(args[i])")
            }
            i += 1
        }
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write("lorweb-bench: \(message)\n".data(using: .utf8)!)
    exit(2)
}

/// Wall-clock seconds of body(), or with `cpuTime` the CPU seconds the whole process used (all threads),
/// which ignores time spent descheduled on a loaded machine.
func seconds(cpuTime: Bool = false, _ body: () throws -> Void) rethrows -> Double {
    func now() -> Double {
        var t = timespec()
        clock_gettime(cpuTime ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
    let start = now()
    try body()
    return now() - start
}

/// Timings of `reps` runs after one warm-up: best and median seconds.
struct Timing {
    var best: Double
    var median: Double

    init(best: Double, median: Double) {
        self.best = best
        self.median = median
    }

    init(samples: [Double]) {
        let sorted = samples.sorted()
        self.init(best: sorted[0], median: sorted[sorted.count / 2])
    }

    static func of(reps: Int, warmUp: Bool = true, cpuTime: Bool = false, _ body: () throws -> Void) rethrows -> Timing {
        if warmUp { try body() }
        return Timing(samples: try (0..<reps).map { _ in try seconds(cpuTime: cpuTime, body) })
    }
}

/// (best, median) GFLOP/s over `reps` timed runs after one warm-up.
func measure(flops: Double, reps: Int, cpuTime: Bool, _ body: () -> Void) -> (best: Double, median: Double) {
    let t = Timing.of(reps: reps, cpuTime: cpuTime, body)
    return (flops / t.best / 1e9, flops / t.median / 1e9)
}

func machineDescription() -> String {
    let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    func field(_ name: String) -> String {
        cpuinfo.split(separator: "\n").first { $0.hasPrefix(name) }
            .map { $0.split(separator: ":", maxSplits: 1).last!.trimmingCharacters(in: .whitespaces) } ?? "?"
    }
    let config = String(cString: openblas_get_config())
    let core = String(cString: openblas_get_corename())
    // The vector extensions the kernel variants care about, as the kernel reports them.
    let wanted = ["avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16", "avx512_fp16",
                  "asimd", "fphp", "sve"]
    let present = Set(field("flags").split(separator: " ").map(String.init) + field("Features").split(separator: " ").map(String.init))
    let flags = wanted.filter(present.contains).joined(separator: " ")
    return "\(field("model name")), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(field("cpu MHz")) MHz " +
        "(cpuinfo); flags: \(flags.isEmpty ? "none of the SIMD ones" : flags); GEMM kernel \(CPUKernel.selected.rawValue) " +
        "(runs: \(CPUKernel.supported.map(\.rawValue).joined(separator: ", "))); load average \(loadAverage()); " +
        "\(config) (core \(core))"
}

func loadAverage() -> String {
    ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").prefix(3)
        .joined(separator: " ")
}

/// The process's peak resident set (VmHWM) in MiB, from /proc/self/status.
func peakResidentMiB() -> Double? { statusMiB("VmHWM:") }

/// The process's resident set now (VmRSS) in MiB.
func residentMiB() -> Double? { statusMiB("VmRSS:") }

/// A "kB" field of /proc/self/status in MiB.
private func statusMiB(_ field: String) -> Double? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) }),
          let kb = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    else { return nil }
    return kb / 1024
}

/// Uniform in [-1, 1] from a 64-bit LCG (benchmark inputs only: timing does not depend on the values).
struct Uniform {
    var state: UInt64
    init(seed: UInt64 = 0x1234_5678) { state = seed }
    mutating func next() -> Float {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(Int32(truncatingIfNeeded: state >> 32)) / Float(Int32.max)
    }
    mutating func array(_ count: Int, scale: Float = 1) -> [Float] { (0..<count).map { _ in scale * next() } }
}

func format(_ value: Double?, _ spec: String = "%.3f") -> String {
    value.map { String(format: spec, $0) } ?? "n/a"
}
