// The adapted Linear against an obviously-right scalar reference, bit for bit (Docs/NUMERICS.md rule 1 and the
// rank-N·r form documented in AdaptedLinear.swift), and the basis' A_cat / B_cat layout against the checkpoint.
import Formats
import Models
import Numerics
import TensorCore
import XCTest

final class FluxAdaptedLinearTests: XCTestCase {
    /// Deterministic values in about [-1, 1] (an LCG; no platform RNG).
    static func values(_ count: Int, seed: UInt32) -> [Float] {
        var s = seed
        return (0..<count).map { _ in
            s = s &* 1_664_525 &+ 1_013_904_223
            return Float(Int32(bitPattern: s) >> 8) / Float(1 << 23)
        }
    }

    /// fma(x[K-1], w[K-1], … fma(x[0], w[0], +0.0)).
    static func dot(_ x: [Float], _ w: (Int) -> Float) -> Float {
        var acc: Float = 0
        for k in 0..<x.count { acc = acc.addingProduct(x[k], w(k)) }
        return acc
    }

    func testAdaptedLinearIsBaseThenOneAddOfTheRankChain() {
        for (rows, inF, rank, out) in [(3, 5, 6, 7), (1, 33, 1, 17), (4, 16, 12, 16)] {
            let x = Self.values(rows * inF, seed: 1), w = Self.values(out * inF, seed: 2)
            let bias = Self.values(out, seed: 3), aCat = Self.values(inF * rank, seed: 4), bCat = Self.values(rank * out, seed: 5)
            let base = PackedLinear(weight: Tensor(shape: [out, inF], data: w), bias: Tensor(shape: [out], data: bias))
            let delta = LowRankDelta(aCat: Tensor(shape: [inF, rank], data: aCat), bCat: Tensor(shape: [rank, out], data: bCat))
            let layer = AdaptedLinear(path: "m", base: base)
            let backend = CPUBackend(threads: 2)
            let got = layer(Tensor(shape: [rows, inF], data: x), FluxAdapters(["m": delta]), backend: backend)
            let plain = layer(Tensor(shape: [rows, inF], data: x), .none, backend: backend)
            for r in 0..<rows {
                let xr = Array(x[(r * inF)..<((r + 1) * inF)])
                let xa = (0..<rank).map { j in Self.dot(xr) { aCat[$0 * rank + j] } }
                for o in 0..<out {
                    let y = Self.dot(xr) { w[o * inF + $0] } + bias[o]
                    let d = Self.dot(xa) { bCat[$0 * out + o] }
                    XCTAssertEqual(got.data[r * out + o].bitPattern, (y + d).bitPattern, "row \(r) out \(o)")
                    XCTAssertEqual(plain.data[r * out + o].bitPattern, y.bitPattern, "row \(r) out \(o) (no delta)")
                }
            }
        }
    }

    func testBasisFactorsFoldCoefficientsIntoBCat() throws {
        let config = try FluxTransformerConfig.load(path: FluxFixtures.path("flux_tiny_guidance.config.json"))
        let basis = try LoRWeBBasis.load(path: FluxFixtures.path("flux_basis.lorweb.safetensors"), config: config)
        let file = try FluxFixtures.open("flux_basis.lorweb.safetensors")
        let path = "single_transformer_blocks.0.proj_out"  // in 160, out 32
        let a = try file.tensor("transformer.\(path).lora_A"), b = try file.tensor("transformer.\(path).lora_B")
        let (n, inF, r, out) = (3, 160, 2, 32)
        var coefficients: [String: [Float]] = [:]
        for m in basis.layout.modules { coefficients[m.path] = [0.25, -1.5, 0.7] }
        let delta = try basis.apply(coefficients).deltas[path]!
        XCTAssertEqual([delta.rank, delta.inFeatures, delta.outFeatures], [n * r, inF, out])
        for row in 0..<(n * r) {
            for i in 0..<inF {
                XCTAssertEqual(delta.down.weight(out: row, in: i), a.data[((row / r) * inF + i) * r + row % r])
            }
            for o in 0..<out {
                let expected = coefficients[path]![row / r] * b.data[row * out + o]
                XCTAssertEqual(delta.up.weight(out: o, in: row).bitPattern, expected.bitPattern)
            }
        }
    }
}
