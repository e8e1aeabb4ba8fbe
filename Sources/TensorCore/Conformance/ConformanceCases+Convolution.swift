// The `convolution` group: conv2d in every padding form the VAE uses (3×3 padding 1, Downsample2D's right/bottom
// pad with stride 2, 1×1) plus odd asymmetric ones and a chain deeper than the GEMM's K block; groupNorm over
// [B, C, H, W] and [B, C] with and without affine parameters; nearest ×2 upsampling of rank 2-4 inputs.

extension CaseBuilder {
    mutating func convolution() {
        let paddings: [(Int, Int, Padding2D, String)] = [
            (3, 1, .same(1), "3x3 padding 1"), (3, 2, Padding2D(bottom: 1, right: 1), "Downsample2D"),
            (1, 1, .none, "1x1"), (2, 3, Padding2D(top: 2, left: 0, bottom: 1, right: 3), "asymmetric"),
        ]
        for (trial, (k, s, padding, note)) in paddings.enumerated() {
            let batched = trial % 2 == 1
            let c = r.int(1...5), h = r.int(max(1, k - 1)...9), w = r.int(k...11), o = r.int(1...21)
            let x = r.tensorWithSpecials((batched ? [2] : []) + [c, h, w])
            let layer = PackedLinear(weight: r.tensor([o, c, k, k]), bias: trial == 2 ? nil : r.tensor([o]))
            add(.conv2d(x, layer, kernel: k, stride: s, padding: padding), note)
        }
        // 61 channels × 3 × 3 = 549 terms: the chain crosses the GEMM's 512-deep K block.
        let deep = PackedLinear(weight: r.tensor([17, 61, 3, 3]), bias: r.tensor([17]))
        add(.conv2d(r.tensor([1, 61, 5, 4]), deep, kernel: 3, stride: 1, padding: .same(1)), "549-term chains")

        for trial in 0..<4 {
            let groups = r.int(1...3), c = groups * r.int(1...3)
            let shape = trial == 3 ? [r.int(1...3), c] : [r.int(1...2), c, r.int(1...7), r.int(1...9)]
            let x = r.tensor(shape, scale: trial == 2 ? 30 : 3)
            let w = trial % 2 == 0 ? r.tensor([c]) : nil, b = trial < 2 ? r.tensor([c]) : nil
            add(.groupNorm(x, groups: groups, weight: w, bias: b, eps: 1e-6))
        }

        for rank in 2...4 {
            let shape = (0..<rank).map { _ in r.int(1...6) }
            add(.upsampleNearest2x(r.tensorWithSpecials(shape)))
        }
    }
}
