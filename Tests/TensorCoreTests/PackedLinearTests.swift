import XCTest
import Numerics
import TensorCore

final class PackedLinearTests: XCTestCase {
    func testRawStorageConvertsExactlyForEveryDType() throws {
        var rng = TestRandom(seed: 30)
        let (out, inF) = (19, 13)
        // Values exactly representable in bf16 (8 significant bits) and f16, so every storage describes the same weights.
        let values = (0..<(out * inF)).map { _ in Float(rng.int(-255...255)) / 32 }
        let biasValues = (0..<out).map { _ in Float(rng.int(-64...64)) / 8 }
        let expected = PackedLinear(weight: Tensor(shape: [out, inF], data: values), bias: Tensor(shape: [out], data: biasValues))
        func bytes<T>(_ v: [T]) -> [UInt8] { v.withUnsafeBytes { Array($0) } }
        let encodings: [(DType, [UInt8], [UInt8])] = [
            (.f32, bytes(values), bytes(biasValues)),
            (.f16, bytes(values.map(DTypeConversion.f16Bits)), bytes(biasValues.map(DTypeConversion.f16Bits))),
            (.bf16, bytes(values.map(DTypeConversion.bf16Bits)), bytes(biasValues.map(DTypeConversion.bf16Bits))),
        ]
        for (dtype, w, b) in encodings {
            // Start one byte into the buffer: memory-mapped tensors need not be aligned.
            let wPadded = [0] + w, bPadded = [0] + b
            let layer = try wPadded.withUnsafeBytes { wr in
                try bPadded.withUnsafeBytes { br in
                    try PackedLinear(weight: UnsafeRawBufferPointer(rebasing: wr[1...]), dtype: dtype, shape: [out, inF],
                                     bias: UnsafeRawBufferPointer(rebasing: br[1...]))
                }
            }
            XCTAssertEqual(layer.weightTensor, expected.weightTensor, "\(dtype)")
            XCTAssertEqual(layer.biasTensor, expected.biasTensor, "\(dtype)")
            XCTAssertEqual(layer.weightTensor.data, values, "\(dtype)")
        }
    }

    func testRawStorageRejectsWrongSizes() throws {
        let bytes = [UInt8](repeating: 0, count: 10)
        try bytes.withUnsafeBytes { raw in
            XCTAssertThrowsError(try PackedLinear(weight: raw, dtype: .f32, shape: [2, 2])) { error in
                XCTAssertTrue("\(error)".contains("needs 16 bytes, got 10"), "\(error)")
            }
            XCTAssertThrowsError(try PackedLinear(weight: raw, dtype: .f16, shape: [5]))
            XCTAssertThrowsError(try PackedLinear(weight: UnsafeRawBufferPointer(rebasing: raw[0..<8]), dtype: .f16, shape: [2, 2],
                                                  bias: UnsafeRawBufferPointer(rebasing: raw[0..<2])))
        }
    }

    func testConvWeightFlattensToPatchMatrix() {
        let w = Tensor(shape: [2, 3, 2, 2], element: { Float($0) })
        let layer = PackedLinear(weight: w)
        XCTAssertEqual(layer.inFeatures, 12)
        XCTAssertEqual(layer.outFeatures, 2)
        XCTAssertEqual(layer.weight(out: 1, in: 5), 17)
        XCTAssertNil(layer.biasTensor)
    }
}
