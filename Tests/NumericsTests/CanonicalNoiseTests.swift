import Dispatch
import Numerics
import XCTest

/// Canonical noise: addressability, piecewise/parallel identity, distribution sanity, and the project's
/// published test vectors (bit patterns of the first outputs for seeds 0, 42 and streams 0, 7).
final class CanonicalNoiseTests: XCTestCase {
    /// The project's own test vectors: CanonicalNoise.normals(seed:stream:count: 8) as binary32 bit patterns.
    static let vectors: [(seed: UInt64, stream: UInt64, bits: [UInt32])] = [
        (0, 0, [0x3F7DBB34, 0xBF6CB6AD, 0xBF1E1BA0, 0xBEF6D1AB, 0xBE1D534E, 0x3E392A6C, 0x3F54EC98, 0x3E4A2D9A]),
        (0, 7, [0xBF097CFF, 0xBEA8225A, 0x3F25732A, 0x3FE28FA8, 0x3DA1F25F, 0xBF70CDC8, 0xBF345399, 0x3D8A0978]),
        (42, 0, [0xBF785E5B, 0x3E46ACE1, 0xBF9E28CD, 0x3FF6433E, 0xBD95E017, 0x3E0E79FD, 0xBF8DA732, 0x3EA74304]),
        (42, 7, [0x3F8856DD, 0xBF51494B, 0xBF28902D, 0x3F9101C0, 0xBEA8419A, 0x3EA7C2C6, 0x3EFC8BDE, 0x3F743A4F]),
    ]

    func testPublishedVectors() {
        for v in Self.vectors {
            let got = CanonicalNoise.normals(seed: v.seed, stream: v.stream, count: 8).map(\.bitPattern)
            XCTAssertEqual(got, v.bits, "seed \(v.seed) stream \(v.stream)")
        }
    }

    /// The documented definition, recomputed here from Philox words and the Box–Muller formula.
    func testDefinitionFromPhiloxWords() {
        let seed: UInt64 = 0x1234_5678_9ABC_DEF0, stream: UInt64 = 0xFEDC_BA98_7654_3210
        let block: UInt64 = 0x1_0000_0003  // exercises the high counter word
        let w = Philox4x32.block(counter: SIMD4(3, 1, 0x7654_3210, 0xFEDC_BA98), key: SIMD2(0x9ABC_DEF0, 0x1234_5678))
        for p in 0..<2 {
            let u1 = Float((w[2 * p] >> 8) + 1) * 0x1p-24
            let u2 = Float(w[2 * p + 1] >> 8) * 0x1p-24
            let r = (-2 * ExactMath.log(u1)).squareRoot()
            let theta = u2 * Float(0x1.921fb6p2)
            let cosValue = r * ExactMath.cos(theta), sinValue = r * ExactMath.sin(theta)
            XCTAssertEqual(CanonicalNoise.normal(seed: seed, stream: stream, index: block * 4 + UInt64(2 * p)).bitPattern, cosValue.bitPattern)
            XCTAssertEqual(CanonicalNoise.normal(seed: seed, stream: stream, index: block * 4 + UInt64(2 * p + 1)).bitPattern, sinValue.bitPattern)
        }
    }

    func testAddressablePiecesAndParallel() {
        let seed: UInt64 = 42, stream = StreamID.make(name: "noise")
        let whole = CanonicalNoise.normals(seed: seed, stream: stream, offset: 5, count: 1001)
        // Element by element.
        for i in stride(from: 0, to: 1001, by: 37) {
            XCTAssertEqual(whole[i].bitPattern, CanonicalNoise.normal(seed: seed, stream: stream, index: UInt64(5 + i)).bitPattern)
        }
        // In odd-sized pieces.
        var pieces: [Float] = []
        var start = 0
        for size in [1, 2, 3, 7, 100, 333, 555] {
            pieces += CanonicalNoise.normals(seed: seed, stream: stream, offset: 5 + start, count: size)
            start += size
        }
        XCTAssertEqual(pieces.map(\.bitPattern), whole.map(\.bitPattern))
        // In parallel chunks.
        var parallel = [Float](repeating: .nan, count: 1001)
        parallel.withUnsafeMutableBufferPointer { out in
            let address = UInt(bitPattern: out.baseAddress!)  // Sendable handle to the output
            DispatchQueue.concurrentPerform(iterations: 7) { chunk in
                let base = UnsafeMutablePointer<Float>(bitPattern: address)!
                let lo = chunk * 143, hi = min(1001, lo + 143)
                CanonicalNoise.fillNormals(seed: seed, stream: stream, offset: UInt64(5 + lo),
                                           into: UnsafeMutableBufferPointer(start: base + lo, count: hi - lo))
            }
        }
        XCTAssertEqual(parallel.map(\.bitPattern), whole.map(\.bitPattern))
    }

    func testStreamsAndSeedsDiffer() {
        let a = CanonicalNoise.normals(seed: 1, stream: 0, count: 16)
        XCTAssertNotEqual(a, CanonicalNoise.normals(seed: 1, stream: 1, count: 16))
        XCTAssertNotEqual(a, CanonicalNoise.normals(seed: 2, stream: 0, count: 16))
        XCTAssertNotEqual(a, CanonicalNoise.normals(seed: 1 | (1 << 32), stream: 0, count: 16))  // high key word used
        XCTAssertNotEqual(a, CanonicalNoise.normals(seed: 1, stream: 1 << 32, count: 16))  // high stream word used
    }

    func testDistributionSanity() {
        let n = 200_000
        let x = CanonicalNoise.normals(seed: 3, stream: 9, count: n)
        let mean = x.reduce(0.0) { $0 + Double($1) } / Double(n)
        let variance = x.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(n)
        XCTAssertEqual(mean, 0, accuracy: 0.01)
        XCTAssertEqual(variance, 1, accuracy: 0.01)
        XCTAssertTrue(x.allSatisfy { $0.isFinite && abs($0) <= 5.8 })  // |r| ≤ sqrt(-2 log 2^-24) ≈ 5.77
        let within1 = Double(x.filter { abs($0) < 1 }.count) / Double(n)
        XCTAssertEqual(within1, 0.6827, accuracy: 0.005)
        let u = CanonicalNoise.uniforms(seed: 3, stream: 9, count: 10_000)
        XCTAssertTrue(u.allSatisfy { $0 >= 0 && $0 < 1 })
        XCTAssertEqual(u.reduce(0, +) / 10_000, 0.5, accuracy: 0.01)
    }

    func testStreamIDHash() {
        // FNV-1a 64 reference values (empty string and "a" are the published FNV test values).
        XCTAssertEqual(StreamID.fnv1a64([]), 0xCBF2_9CE4_8422_2325)
        XCTAssertEqual(StreamID.fnv1a64(Array("a".utf8)), 0xAF63_DC4C_8601_EC8C)
        XCTAssertEqual(StreamID.make(name: "noise"), 0xE8FB_1E86_0722_1332)  // "noise#0"
        XCTAssertEqual(StreamID.make(name: "sweep", index: 3), 0x99ED_5FB5_773C_1169)  // "sweep#3"
        XCTAssertNotEqual(StreamID.make(name: "noise", index: 1), StreamID.make(name: "noise"))
    }
}
