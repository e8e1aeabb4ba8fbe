// make bench: the exact GEMM (pre-packed weights, sequential-k FMA) against OpenBLAS sgemm, same process,
// same inputs, 1 and 2 threads. Writes a Markdown table (default bench-results/bench.md) and prints it.
import COpenBLAS
import Dispatch
import Foundation
import TensorCore

struct Options {
    var out = "bench-results/bench.md"
    var reps = 5
    var full = false
    var shapes: [(Int, Int, Int)]? = nil
    var threads = [1, 2]
    var cpuTime = false

    init(_ args: [String]) {
        var i = 1
        while i < args.count {
            switch args[i] {
            case "--out" where i + 1 < args.count: out = args[i + 1]; i += 1
            case "--reps" where i + 1 < args.count: reps = max(1, Int(args[i + 1]) ?? reps); i += 1
            case "--full": full = true
            case "--cpu-time": cpuTime = true
            case "--shapes" where i + 1 < args.count:
                shapes = args[i + 1].split(separator: ",").compactMap { spec in
                    let p = spec.split(separator: "x").compactMap { Int($0) }
                    return p.count == 3 ? (p[0], p[1], p[2]) : nil
                }
                i += 1
            case "--threads" where i + 1 < args.count:
                threads = args[i + 1].split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 }
                i += 1
            case "--help", "-h":
                print("usage: lorweb-bench [--out FILE] [--reps N] [--full] [--shapes MxKxN,...] [--threads 1,2] [--cpu-time]")
                print("  --full adds the grid M∈{256,1024,4096} × (K,N) ∈ {(3072,3072), (3072,12288), (12288,3072), (15360,3072)}")
                exit(0)
            default:
                FileHandle.standardError.write("lorweb-bench: unknown argument \(args[i])\n".data(using: .utf8)!)
                exit(2)
            }
            i += 1
        }
    }
}

/// Wall-clock seconds of body(), or with `cpuTime` the CPU seconds the whole process used (all threads),
/// which ignores time spent descheduled on a loaded machine.
func seconds(cpuTime: Bool, _ body: () -> Void) -> Double {
    func now() -> Double {
        var t = timespec()
        clock_gettime(cpuTime ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
    let start = now()
    body()
    return now() - start
}

/// (best, median) GFLOP/s over `reps` timed runs after one warm-up.
func measure(flops: Double, reps: Int, _ body: () -> Void) -> (best: Double, median: Double) {
    body()
    let rates = (0..<reps).map { _ in flops / seconds(cpuTime: options.cpuTime, body) / 1e9 }.sorted()
    return (rates.last!, rates[rates.count / 2])
}

func machineDescription() -> String {
    let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
        .map { $0.split(separator: ":", maxSplits: 1).last!.trimmingCharacters(in: .whitespaces) } ?? "unknown CPU"
    let mhz = cpuinfo.split(separator: "\n").first { $0.hasPrefix("cpu MHz") }
        .map { $0.split(separator: ":", maxSplits: 1).last!.trimmingCharacters(in: .whitespaces) } ?? "?"
    let load = ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").prefix(3).joined(separator: " ")
    let config = String(cString: openblas_get_config())
    let core = String(cString: openblas_get_corename())
    return "\(model), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(mhz) MHz (cpuinfo); load average \(load); " +
        "\(config) (core \(core))"
}

/// Uniform in [-1, 1] from a 64-bit LCG (benchmark inputs only).
struct Uniform {
    var state: UInt64 = 0x1234_5678
    mutating func next() -> Float {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(Int32(truncatingIfNeeded: state >> 32)) / Float(Int32.max)
    }
}
var uniform = Uniform()

let options = Options(CommandLine.arguments)
var shapes = options.shapes ?? [(1024, 3072, 3072), (256, 3072, 12288)]
if options.full {
    for m in [256, 1024, 4096] {
        for (k, n) in [(3072, 3072), (3072, 12288), (12288, 3072), (15360, 3072)] where !shapes.contains(where: { $0 == (m, k, n) }) {
            shapes.append((m, k, n))
        }
    }
}

let machine = machineDescription()
print("machine: \(machine)")
var rows: [String] = []
for (m, k, n) in shapes {
    let x = Tensor(shape: [m, k], data: (0..<(m * k)).map { _ in uniform.next() })
    let wt = (0..<(k * n)).map { _ in uniform.next() }  // B = Wᵀ, [K, N] row-major for sgemm
    let layer = PackedLinear(outFeatures: n, inFeatures: k, weight: { o, i in wt[i * n + o] })
    let flops = 2.0 * Double(m) * Double(k) * Double(n)
    for threads in options.threads {
        let backend = CPUBackend(threads: threads)
        let exact = measure(flops: flops, reps: options.reps) { _ = backend.linear(x, layer) }
        openblas_set_num_threads(Int32(threads))
        var c = [Float](repeating: 0, count: m * n)
        let blas = measure(flops: flops, reps: options.reps) {
            c = [Float](repeating: 0, count: m * n)  // the exact path allocates its output too
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1,
                        x.data, Int32(k), wt, Int32(n), 0, &c, Int32(n))
        }
        let row = String(format: "| %d | %d | %d | %d | %.1f (%.1f) | %.1f (%.1f) | %.2f (%.2f) |",
                         m, k, n, threads, exact.best, exact.median, blas.best, blas.median,
                         exact.best / blas.best, exact.median / blas.median)
        print(row)
        rows.append(row)
    }
}

// Exact attention at a FLUX-like size (1024 tokens, 24 heads of 128): GEMM-based, rule-1 scores and P·V.
var attentionRows: [String] = []
do {
    let (l, heads, d) = (1024, 24, 128)
    let q = Tensor(shape: [l, heads * d], data: (0..<(l * heads * d)).map { _ in uniform.next() })
    let k = Tensor(shape: [l, heads * d], data: (0..<(l * heads * d)).map { _ in uniform.next() })
    let v = Tensor(shape: [l, heads * d], data: (0..<(l * heads * d)).map { _ in uniform.next() })
    let flops = 4.0 * Double(l) * Double(l) * Double(d) * Double(heads)
    for threads in options.threads {
        let backend = CPUBackend(threads: threads)
        let rate = measure(flops: flops, reps: max(3, options.reps / 2)) {
            _ = backend.attention(q: q, k: k, v: v, heads: heads, scale: 1 / Float(d).squareRoot())
        }
        let row = String(format: "| %d | %d | %d | %d | %.1f (%.1f) | %.0f |", l, heads, d, threads, rate.best, rate.median,
                         flops / rate.best / 1e6)
        print(row)
        attentionRows.append(row)
    }
}

let table = """
# Exact GEMM vs OpenBLAS

Machine: \(machine)

C[M,N] = A[M,K]·B[K,N], f32, inputs uniform in [-1, 1]. Exact: `CPUBackend(threads:).linear` with the weight
pre-packed once (`PackedLinear`), sequential-k FMA per output (NUMERICS.md rule 1), output allocated per call.
OpenBLAS: `cblas_sgemm` row-major, `openblas_set_num_threads`, output allocated per call too.
GFLOP/s = 2·M·K·N / \(options.cpuTime ? "process CPU time (all threads; robust to descheduling, so 2-thread rows read as per-CPU-second rates)" : "wall-clock time"); best (median) of \(options.reps) timed reps after one warm-up.
Noise: a shared VM; other processes may take a core, so medians can be far below the best.

| M | K | N | threads | exact GFLOP/s | OpenBLAS GFLOP/s | exact / OpenBLAS |
|---|---|---|---|---|---|---|
\(rows.joined(separator: "\n"))

Exact attention (`CPUBackend.attention`, q/k/v [L, H·d], full softmax per key row), FLOP = 4·L²·d·H:

| L | heads | d | threads | GFLOP/s best (median) | best ms |
|---|---|---|---|---|---|
\(attentionRows.joined(separator: "\n"))

"""
let url = URL(fileURLWithPath: options.out)
try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
do {
    try table.write(to: url, atomically: true, encoding: .utf8)
    print("wrote \(options.out)")
} catch {
    FileHandle.standardError.write("lorweb-bench: cannot write \(options.out): \(error)\n".data(using: .utf8)!)
    exit(1)
}
