import Foundation
import Numerics
import XCTest

/// torch-cpu mode against every vector of the embedded copy in TorchRandnVectors.swift (both kernels, bit-exact).
final class TorchRandnTests: XCTestCase {
    struct Vector { let section: String; let description: String; let values: [Double]; let hexBits: [UInt32]? }

    static func parse(_ text: String) -> [Vector] {
        var vectors: [Vector] = []
        var section = ""
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var i = 0
        while i < lines.count {
            let line = lines[i]
            if line.hasPrefix("## Section A") { section = "A" } else if line.hasPrefix("## Section B") { section = "B" }
            if (line.hasPrefix("torch.") || line.hasPrefix("same generator")) && line.hasSuffix(":") && i + 1 < lines.count {
                let values = lines[i + 1].split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces))! }
                var hex: [UInt32]?
                if i + 2 < lines.count, lines[i + 2].hasPrefix("float32 bit patterns (hex):") {
                    hex = lines[i + 2].split(separator: ":")[1].split(separator: " ").map { UInt32($0, radix: 16)! }
                    i += 1
                }
                vectors.append(Vector(section: section, description: line, values: values, hexBits: hex))
                i += 1
            }
            i += 1
        }
        return vectors
    }

    /// Float values printed exactly (float widened to double) -> bit patterns.
    static func floatBits(_ v: [Double]) -> [UInt32] { v.map { Float($0).bitPattern } }

    func testEveryVectorBothKernels() {
        let vectors = Self.parse(torchRandnVectorsText)
        XCTAssertEqual(vectors.count, 20, "10 calls per section")
        var checked = 0
        for v in vectors {
            let kernel: TorchCPUGenerator.Kernel = v.section == "A" ? .avx2 : .generic
            let tag = "[\(v.section)] \(v.description)"
            var g = TorchCPUGenerator(seed: 42, kernel: kernel)
            let d = v.description
            if d.hasPrefix("torch.randn(20, generator=") {
                XCTAssertEqual(g.randn(count: 20).map(\.bitPattern), Self.floatBits(v.values), tag)
            } else if d.hasPrefix("torch.randn(2,3,4, generator=fresh") {
                XCTAssertEqual(g.randn(count: 24).map(\.bitPattern), Self.floatBits(v.values), tag)
            } else if d.hasPrefix("same generator continued") {
                _ = g.randn(count: 20)
                XCTAssertEqual(g.randn(count: 24).map(\.bitPattern), Self.floatBits(v.values), tag)
            } else if d.hasPrefix("torch.randn(8, seed 42)") {
                XCTAssertEqual(g.randn(count: 8).map(\.bitPattern), Self.floatBits(v.values), tag)
            } else if d.hasPrefix("torch.randn(3, seed 42)") {
                XCTAssertEqual(g.randn(count: 3).map(\.bitPattern), Self.floatBits(v.values), tag)
            } else if d.hasPrefix("torch.randn(16, seed 42)") {
                XCTAssertEqual(g.randn(count: 16).map(\.bitPattern), Self.floatBits(v.values), tag)
            } else if d.hasPrefix("torch.randn(20, seed 42, dtype=float64)") {
                XCTAssertEqual(g.randnDouble(count: 20).map(\.bitPattern), v.values.map(\.bitPattern), tag)
            } else if d.hasPrefix("torch.rand(8, seed 42) float32") {
                XCTAssertEqual(g.rand(count: 8).map(\.bitPattern), Self.floatBits(v.values), tag)
            } else if d.hasPrefix("torch.randn(20, seed 42, dtype=bfloat16)") {
                let expected = v.values.map { UInt16(Float($0).bitPattern >> 16) }
                XCTAssertEqual(v.values.map { Float($0).bitPattern & 0xFFFF }, [UInt32](repeating: 0, count: 20), "values are bf16")
                XCTAssertEqual(g.randnBF16(count: 20), expected, tag)
            } else if d.hasPrefix("torch.randn(1,16,2,2, seed 0) first 8") {
                g.manualSeed(0)
                XCTAssertEqual(Array(g.randn(count: 64).prefix(8)).map(\.bitPattern), Self.floatBits(v.values), tag)
            } else {
                XCTFail("unrecognised vector: \(tag)")
                continue
            }
            if let hex = v.hexBits { XCTAssertEqual(hex, Self.floatBits(v.values), "hex line agrees with values: \(tag)") }
            checked += 1
        }
        XCTAssertEqual(checked, 20)
    }

    /// The embedded copy must stay identical to the shared reference file (when this machine has it).
    func testEmbeddedCopyMatchesSharedFile() throws {
        // Look for shared/reference/ in every folder above this file (worktrees and the main checkout differ in depth).
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        var text: String?
        while folder.path != "/" && text == nil {
            folder = folder.deletingLastPathComponent()
            text = try? String(contentsOf: folder.appendingPathComponent("shared/reference/torch_randn_vectors.txt"), encoding: .utf8)
        }
        guard let text else { throw XCTSkip("shared/reference/torch_randn_vectors.txt not present above \(#filePath)") }
        XCTAssertEqual(text.trimmingCharacters(in: .newlines), torchRandnVectorsText.trimmingCharacters(in: .newlines))
    }

    func testMT19937MatchesNumpyLegacySeed42() {
        var mt = MT19937(seed: 42)
        XCTAssertEqual(mt.next(), 1_608_637_542)
        XCTAssertEqual(mt.next(), 3_421_126_067)
    }

    /// The cached Box–Muller partner of the scalar path carries over between calls and manual_seed clears it.
    func testScalarPathCacheCarriesOver() {
        var g = TorchCPUGenerator(seed: 42)
        let three = g.randn(count: 3)
        let next = g.randn(count: 3)
        var h = TorchCPUGenerator(seed: 42)
        let six = h.randn(count: 6)  // scalar path too: same sequence of 6
        XCTAssertEqual((three + next).map(\.bitPattern), six.map(\.bitPattern))
        g.manualSeed(42)
        XCTAssertEqual(g.randn(count: 3).map(\.bitPattern), three.map(\.bitPattern))
    }

    /// The tail recompute: randn(20)[4...] comes from uniforms 20..35, and randn(24)[8...] from 24..39.
    func testTailRecomputeLayout() {
        for kernel in TorchCPUGenerator.Kernel.allCases {
            var a = TorchCPUGenerator(seed: 5, kernel: kernel)
            let n20 = a.randn(count: 20)
            var b = TorchCPUGenerator(seed: 5, kernel: kernel)
            let n16 = b.randn(count: 16)
            XCTAssertEqual(Array(n20.prefix(4)).map(\.bitPattern), Array(n16.prefix(4)).map(\.bitPattern))
            var c = TorchCPUGenerator(seed: 5, kernel: kernel)
            _ = c.rand(count: 20)  // skip the 20 first-pass uniforms: the tail block uses uniforms 20..35
            let tail = c.randn(count: 16)
            XCTAssertEqual(Array(n20.suffix(16)).map(\.bitPattern), tail.map(\.bitPattern))
        }
    }
}
