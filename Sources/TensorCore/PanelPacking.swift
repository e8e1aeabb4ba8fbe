// Packing a right-hand operand into the GEMM panel layout (panel p = [K][16], columns 16p..16p+15, zero-padded).

enum PanelPacking {
    static let nr = PackedLinear.panelWidth

    static func packedCount(k: Int, n: Int) -> Int { ((n + nr - 1) / nr) * k * nr }

    /// From B stored [K, N] (element (k, j) at b[k * ldb + j]).
    static func packKN(_ b: UnsafePointer<Float>, ldb: Int, k: Int, n: Int, into dst: UnsafeMutablePointer<Float>) {
        let panels = (n + nr - 1) / nr
        for p in 0..<panels {
            let cols = min(nr, n - p * nr)
            let panel = dst + p * k * nr
            for kk in 0..<k {
                let src = b + kk * ldb + p * nr
                let row = panel + kk * nr
                for c in 0..<cols { row[c] = src[c] }
                for c in cols..<nr { row[c] = 0 }
            }
        }
    }

    /// From Bᵀ stored [N, K] (element (k, j) at b[j * ldb + k]): torch Linear weights, attention keys.
    static func packNK(_ b: UnsafePointer<Float>, ldb: Int, k: Int, n: Int, into dst: UnsafeMutablePointer<Float>) {
        let panels = (n + nr - 1) / nr
        for p in 0..<panels {
            let cols = min(nr, n - p * nr)
            let panel = dst + p * k * nr
            for c in 0..<nr {
                if c < cols {
                    let src = b + (p * nr + c) * ldb
                    for kk in 0..<k { panel[kk * nr + c] = src[kk] }
                } else {
                    for kk in 0..<k { panel[kk * nr + c] = 0 }
                }
            }
        }
    }
}
