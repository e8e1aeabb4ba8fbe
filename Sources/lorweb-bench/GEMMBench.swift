// Exact GEMM (pre-packed weights, sequential-k FMA) against OpenBLAS sgemm in the same process, same inputs;
// and exact attention at FLUX width.
import COpenBLAS
import TensorCore

func gemmSection(_ options: Options) -> String {
    var shapes = options.shapes ?? [(256, 3072, 3072), (1024, 3072, 3072), (4096, 3072, 3072),
                                    (256, 3072, 12288), (1024, 3072, 12288), (1024, 12288, 3072),
                                    (1024, 15360, 3072)]
    if options.full {
        for m in [256, 1024, 4096] {
            for (k, n) in [(3072, 3072), (3072, 12288), (12288, 3072), (15360, 3072)]
            where !shapes.contains(where: { $0 == (m, k, n) }) { shapes.append((m, k, n)) }
        }
    }
    var uniform = Uniform()
    var rows: [String] = []
    let kernels = options.kernels
    for (m, k, n) in shapes {
        let x = Tensor(shape: [m, k], data: uniform.array(m * k))
        let wt = uniform.array(k * n)  // B = Wᵀ, [K, N] row-major for sgemm
        let layer = PackedLinear(outFeatures: n, inFeatures: k, weight: { o, i in wt[i * n + o] })
        let flops = 2.0 * Double(m) * Double(k) * Double(n)
        for threads in options.threads {
            openblas_set_num_threads(Int32(threads))
            var c = [Float](repeating: 0, count: m * n)
            let blas = measure(flops: flops, reps: options.reps, cpuTime: options.cpuTime) {
                c = [Float](repeating: 0, count: m * n)  // the exact path allocates its output too
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1,
                            x.data, Int32(k), wt, Int32(n), 0, &c, Int32(n))
            }
            var cells = [String(format: "%.1f (%.1f)", blas.median, blas.best)]
            var ratios: [String] = []
            for kernel in kernels {
                let backend = CPUBackend(threads: threads, kernel: kernel)
                let exact = measure(flops: flops, reps: options.reps, cpuTime: options.cpuTime) { _ = backend.linear(x, layer) }
                cells.append(String(format: "%.1f (%.1f)", exact.median, exact.best))
                ratios.append(String(format: "%.2f", exact.median / blas.median))
            }
            let row = "| \(m) | \(k) | \(n) | \(threads) | " + (cells + ratios).joined(separator: " | ") + " |"
            print(row)
            rows.append(row)
        }
    }
    let clock = options.cpuTime
        ? "process CPU time (all threads; robust to descheduling, so 2-thread rows read as per-CPU-second rates)"
        : "wall-clock time"
    let names = kernels.map(\.rawValue)
    let header = "| M | K | N | threads | OpenBLAS | " + names.joined(separator: " | ") + " | "
        + names.map { "\($0) / OpenBLAS" }.joined(separator: " | ") + " |"
    let rule = "|" + String(repeating: "---|", count: 5 + 2 * names.count)
    return """
    ## Exact GEMM vs OpenBLAS, per kernel variant

    C[M,N] = A[M,K]·B[K,N], f32, inputs uniform in [-1, 1]. Exact: `CPUBackend(threads:kernel:).linear` with the
    weight pre-packed once (`PackedLinear`), sequential-k FMA per output (Docs/NUMERICS.md rule 1), output allocated
    per call; every variant gives the same bytes. OpenBLAS: `cblas_sgemm` row-major, `openblas_set_num_threads`,
    output allocated per call too, in the same process. GFLOP/s = 2·M·K·N / \(clock); median (best) of
    \(options.reps) timed reps after one warm-up; ratios are median / median.

    \(header)
    \(rule)
    \(rows.joined(separator: "\n"))

    """
}

func attentionSection(_ options: Options) -> String {
    let (l, heads, d) = (options.attentionTokens, 24, 128)
    var uniform = Uniform(seed: 7)
    let q = Tensor(shape: [l, heads * d], data: uniform.array(l * heads * d))
    let k = Tensor(shape: [l, heads * d], data: uniform.array(l * heads * d))
    let v = Tensor(shape: [l, heads * d], data: uniform.array(l * heads * d))
    let flops = 4.0 * Double(l) * Double(l) * Double(d) * Double(heads)
    var rows: [String] = []
    for threads in options.threads {
        let backend = CPUBackend(threads: threads)
        let rate = measure(flops: flops, reps: max(3, options.reps / 2), cpuTime: options.cpuTime) {
            _ = backend.attention(q: q, k: k, v: v, heads: heads, scale: 1 / Float(d).squareRoot())
        }
        let row = String(format: "| %d | %d | %d | %d | %.1f (%.1f) | %.0f |", l, heads, d, threads, rate.best,
                         rate.median, flops / rate.best / 1e6)
        print(row)
        rows.append(row)
    }
    return """
    ## Exact attention

    `CPUBackend.attention`, q/k/v [L, H·d], scores by rule 1, full softmax per key row (own exp), FLOP = 4·L²·d·H:

    | L | heads | d | threads | GFLOP/s best (median) | best ms |
    |---|---|---|---|---|---|
    \(rows.joined(separator: "\n"))

    """
}
