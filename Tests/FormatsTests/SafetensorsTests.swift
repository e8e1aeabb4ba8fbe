import XCTest
import Formats
import Numerics
import TensorCore

final class SafetensorsTests: XCTestCase {
    func sample() -> [(name: String, tensor: Tensor)] {
        [
            (name: "w", tensor: Tensor(shape: [2, 3], data: [1, -2, 0.5, 3.25, -0.0, 65504])),
            (name: "b\"quoted\\", tensor: Tensor(shape: [3], data: [1e-8, 7, .infinity])),
            (name: "scalar", tensor: Tensor(shape: [], data: [42])),
            (name: "empty", tensor: Tensor(shape: [0, 4], data: [])),
        ]
    }

    /// releasePages drops the resident pages of a consumed tensor (the process's file-backed RSS falls by about
    /// its size) and leaves the values intact: reading it again faults the same bytes back in from the file.
    func testReleasePagesDropsResidentPagesAndKeepsValues() throws {
        let dir = TemporaryFolder()
        let path = dir.file("big.safetensors")
        let count = 4 << 20  // 16 MiB
        let big = Tensor(shape: [count], data: (0..<count).map { Float($0 % 1000) - 500 })
        let small = Tensor(shape: [3], data: [1, 2, 3])
        try SafetensorsWriter.write([(name: "big", tensor: big), (name: "small", tensor: small)], to: path)
        let file = try SafetensorsFile(path: path)
        func residentFileMiB() -> Double {
            let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
            let line = status.split(separator: "\n").first { $0.hasPrefix("RssFile:") } ?? ""
            return (Double(line.split(separator: " ").dropFirst().first ?? "") ?? .nan) / 1024
        }
        XCTAssertEqual(try file.tensor("big"), big)  // touches every page of the mapping
        let before = residentFileMiB()
        file.releasePages("big")
        let after = residentFileMiB()
        XCTAssertGreaterThan(before - after, 15, "RssFile \(before) MiB -> \(after) MiB")
        XCTAssertEqual(try file.tensor("small"), small)
        XCTAssertEqual(try file.tensor("big"), big)
    }

    func testF32RoundTripWithMetadata() throws {
        let dir = TemporaryFolder()
        let path = dir.file("t.safetensors")
        try SafetensorsWriter.write(sample(), metadata: ["format": "pt", "note": "é\n"], to: path)
        let file = try SafetensorsFile(path: path)
        XCTAssertEqual(file.keys, ["b\"quoted\\", "empty", "scalar", "w"])
        XCTAssertEqual(file.metadata, ["format": "pt", "note": "é\n"])
        for (name, tensor) in sample() {
            XCTAssertEqual(try file.tensor(name), tensor, name)
            XCTAssertEqual(try file.info(name), TensorInfo(dtype: .f32, shape: tensor.shape, byteCount: tensor.count * 4))
        }
        XCTAssertEqual(try file.rawBytes("w").count, 24)
        // Header padded to a multiple of 8 like the reference writer.
        let bytes = readBytes(path)
        let n = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        XCTAssertEqual(n % 8, 0)
        XCTAssertEqual(bytes.count, 8 + n + (6 + 3 + 1) * 4)
        XCTAssertEqual(listFolder(dir.path), ["t.safetensors"])
    }

    func testHalfAndBFloatStorageRoundsToNearestEven() throws {
        let dir = TemporaryFolder()
        let values: [Float] = [1, 1.0009765625 /* 1 + 2^-10 */, 1 + 1.0 / 4096, 3.14159, -2.5e-6, 70000]
        let t = Tensor(shape: [6], data: values)
        for dtype in [DType.f16, .bf16] {
            let path = dir.file("\(dtype.rawValue).safetensors")
            try SafetensorsWriter.write([(name: "x", tensor: t)], dtype: dtype, to: path)
            let file = try SafetensorsFile(path: path)
            XCTAssertEqual(try file.info("x").dtype, dtype)
            let expected = values.map { v -> Float in
                dtype == .f16 ? DTypeConversion.float(f16Bits: DTypeConversion.f16Bits(v))
                              : DTypeConversion.float(bf16Bits: DTypeConversion.bf16Bits(v))
            }
            XCTAssertEqual(try file.tensor("x").data, expected)
        }
    }

    func testDuplicateNamesAndMissingKeysAreErrors() throws {
        let dir = TemporaryFolder()
        let path = dir.file("d.safetensors")
        let t = Tensor(shape: [1], data: [1])
        assertFormatError(path, "twice") { try SafetensorsWriter.write([(name: "a", tensor: t), (name: "a", tensor: t)], to: path) }
        try SafetensorsWriter.write([(name: "a", tensor: t)], to: path)
        let file = try SafetensorsFile(path: path)
        assertFormatError(path, "no tensor named \"zz\"") { _ = try file.tensor("zz") }
    }

    /// A write that fails part-way (file-size limit, the same path as a full disk) reports the error,
    /// leaves the old file byte-identical and leaves no temporary file behind.
    func testFailedWriteKeepsOldFile() throws {
        let dir = TemporaryFolder()
        let path = dir.file("w.safetensors")
        try SafetensorsWriter.write([(name: "old", tensor: Tensor(shape: [1], data: [1]))], to: path)
        let before = readBytes(path)
        let big = Tensor(shape: [4096], data: (0..<4096).map { Float($0) })
        withFileSizeLimit(4096) {
            assertFormatError(path, "write failed") { try SafetensorsWriter.write([(name: "big", tensor: big)], to: path) }
        }
        XCTAssertEqual(readBytes(path), before)
        XCTAssertEqual(listFolder(dir.path), ["w.safetensors"])
        XCTAssertEqual(try SafetensorsFile(path: path).keys, ["old"])
    }
}
