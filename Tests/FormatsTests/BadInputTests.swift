import XCTest
import Formats
import TensorCore

/// Issue 2 item 6: broken, lying and hostile files give a FormatError naming the file and the
/// problem; never a crash, never an allocation sized by a lying field.
final class BadInputTests: XCTestCase {
    struct Case {
        let name: String
        let bytes: [UInt8]
        let expected: String
    }

    // MARK: safetensors

    static let validHeader = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#

    static var safetensorsCases: [Case] {
        func st(_ header: String, data: [UInt8] = [UInt8](repeating: 0, count: 8), length: UInt64? = nil) -> [UInt8] {
            SafetensorsBytes.file(header: header, data: data, lengthOverride: length)
        }
        func entry(_ body: String) -> String { "{\"a\":{\(body)}}" }
        let deep = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        return [
            Case(name: "empty", bytes: [], expected: "empty file"),
            Case(name: "four bytes", bytes: [1, 2, 3, 4], expected: "too short"),
            Case(name: "header length runs past end", bytes: st(validHeader, length: 4096), expected: "runs past the end"),
            Case(name: "header length 2^63", bytes: st(validHeader, length: 1 << 63), expected: "larger than the"),
            Case(name: "header length over 100 MB", bytes: st(validHeader, length: 200_000_000), expected: "larger than the"),
            Case(name: "header length zero", bytes: st(validHeader, length: 0), expected: "too small"),
            Case(name: "truncated inside the header", bytes: Array(st(validHeader).prefix(30)), expected: "runs past the end"),
            Case(name: "truncated inside the data", bytes: Array(st(validHeader).dropLast(3)), expected: "outside the data area"),
            Case(name: "not JSON", bytes: st("this is not json at all"), expected: "not valid JSON"),
            Case(name: "binary garbage header", bytes: SafetensorsBytes.file(headerBytes: [0xFF, 0xFE, 0x00, 0x13]), expected: "unexpected byte 0xFF"),
            Case(name: "JSON array, not object", bytes: st("[1,2,3]"), expected: "not an object"),
            Case(name: "unterminated JSON", bytes: st(#"{"a":{"dtype":"F32""#), expected: "not valid JSON"),
            Case(name: "trailing garbage after JSON", bytes: st(validHeader + "xyz"), expected: "after the JSON value"),
            Case(name: "deeply nested JSON", bytes: st(deep), expected: "nested deeper"),
            Case(name: "duplicate tensor name", bytes: st(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#), expected: "duplicate key"),
            Case(name: "invalid UTF-8 in a name",
                 bytes: SafetensorsBytes.file(headerBytes: Array(#"{""#.utf8) + [0xC3, 0x28] + Array(#"":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#.utf8),
                                              data: [UInt8](repeating: 0, count: 8)),
                 expected: "not valid UTF-8"),
            Case(name: "unknown dtype", bytes: st(entry(#""dtype":"F33","shape":[2],"data_offsets":[0,8]"#)), expected: "unknown dtype \"F33\""),
            Case(name: "dtype not a string", bytes: st(entry(#""dtype":4,"shape":[2],"data_offsets":[0,8]"#)), expected: "non-string dtype"),
            Case(name: "missing shape", bytes: st(entry(#""dtype":"F32","data_offsets":[0,8]"#)), expected: "non-array shape"),
            Case(name: "negative dimension", bytes: st(entry(#""dtype":"F32","shape":[-2],"data_offsets":[0,8]"#)), expected: "negative dimension"),
            Case(name: "fractional dimension", bytes: st(entry(#""dtype":"F32","shape":[1.5],"data_offsets":[0,8]"#)), expected: "non-integer dimension"),
            Case(name: "boolean dimension", bytes: st(entry(#""dtype":"F32","shape":[true],"data_offsets":[0,8]"#)), expected: "non-integer dimension"),
            Case(name: "shape product overflows", bytes: st(entry(#""dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,8]"#)), expected: "too large"),
            Case(name: "shape × dtype ≠ bytes", bytes: st(entry(#""dtype":"F32","shape":[3],"data_offsets":[0,8]"#)), expected: "needs 12 bytes, data_offsets give 8"),
            Case(name: "F16 size mismatch", bytes: st(entry(#""dtype":"F16","shape":[2],"data_offsets":[0,8]"#)), expected: "needs 4 bytes"),
            Case(name: "offsets outside the data", bytes: st(entry(#""dtype":"F32","shape":[2],"data_offsets":[8,16]"#)), expected: "outside the data area"),
            Case(name: "offsets reversed", bytes: st(entry(#""dtype":"F32","shape":[2],"data_offsets":[8,0]"#)), expected: "not an increasing pair"),
            Case(name: "negative offset", bytes: st(entry(#""dtype":"F32","shape":[2],"data_offsets":[-8,0]"#)), expected: "not an increasing pair"),
            Case(name: "huge offsets", bytes: st(entry(#""dtype":"F32","shape":[2],"data_offsets":[9223372036854775800,9223372036854775807]"#)), expected: "outside the data area"),
            Case(name: "offsets beyond Int64", bytes: st(entry(#""dtype":"F32","shape":[2],"data_offsets":[0,99999999999999999999]"#)), expected: "two integers"),
            Case(name: "three offsets", bytes: st(entry(#""dtype":"F32","shape":[2],"data_offsets":[0,4,8]"#)), expected: "two integers"),
            Case(name: "missing offsets", bytes: st(entry(#""dtype":"F32","shape":[2]"#)), expected: "two integers"),
            Case(name: "overlapping tensors", bytes: st(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#), expected: "overlap"),
            Case(name: "identical ranges", bytes: st(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#), expected: "overlap"),
            Case(name: "entry not an object", bytes: st(#"{"a":[1,2]}"#), expected: "entry is not an object"),
            Case(name: "unexpected field", bytes: st(entry(#""dtype":"F32","shape":[2],"data_offsets":[0,8],"extra":1"#)), expected: "unexpected field \"extra\""),
            Case(name: "metadata not an object", bytes: st(#"{"__metadata__":"x"}"#), expected: "__metadata__ is not an object"),
            Case(name: "metadata value not a string", bytes: st(#"{"__metadata__":{"k":1}}"#), expected: "is not a string"),
        ]
    }

    func testBrokenSafetensorsCorpus() throws {
        let dir = TemporaryFolder()
        let cases = Self.safetensorsCases
        for (i, c) in cases.enumerated() {
            let path = dir.file("broken\(i).safetensors")
            writeBytes(c.bytes, to: path)
            assertFormatError(path, c.expected) { _ = try SafetensorsFile(path: path) }
            if ProcessInfo.processInfo.environment["SHOW_ERRORS"] != nil {
                do { _ = try SafetensorsFile(path: path) } catch { print("\(c.name): \(error)") }
            }
            // The same file through WeightSources.open gives the same error.
            assertFormatError(path, c.expected) { _ = try WeightSources.open(path: path) }
        }
        XCTAssertEqual(cases.count, 38)
        print("bad-input corpus: \(cases.count) broken safetensors files")
    }

    func testUnsupportedDTypeIsRefusedOnUseNotOnOpen() throws {
        let dir = TemporaryFolder()
        let path = dir.file("i64.safetensors")
        let header = #"{"ids":{"dtype":"I64","shape":[2],"data_offsets":[0,16]},"w":{"dtype":"F32","shape":[1],"data_offsets":[16,20]}}"#
        writeBytes(SafetensorsBytes.file(header: header, data: [UInt8](repeating: 0, count: 20)), to: path)
        let file = try SafetensorsFile(path: path)
        XCTAssertEqual(file.keys, ["ids", "w"])
        XCTAssertEqual(try file.storedDType("ids"), "I64")
        XCTAssertEqual(try file.rawBytes("ids").count, 16)
        assertFormatError(path, "unsupported dtype I64") { _ = try file.info("ids") }
        assertFormatError(path, "unsupported dtype I64") { _ = try file.tensor("ids") }
        XCTAssertEqual(try file.tensor("w"), Tensor(shape: [1], data: [0]))
    }

    func testMissingFileAndFolderAreErrors() {
        let dir = TemporaryFolder()
        assertFormatError(dir.file("nope.safetensors"), "cannot open") { _ = try SafetensorsFile(path: dir.file("nope.safetensors")) }
        assertFormatError(dir.path, "not a regular file") { _ = try SafetensorsFile(path: dir.path) }
        assertFormatError(dir.path, "no unambiguous weights") { _ = try WeightSources.open(path: dir.path) }
    }

    // MARK: sharded index

    func testBrokenShardIndexes() throws {
        let dir = TemporaryFolder()
        try SafetensorsWriter.write([(name: "a", tensor: Tensor(shape: [1], data: [1]))], to: dir.file("s1.safetensors"))
        let cases: [(String, String)] = [
            ("not json", "not valid JSON"),
            ("[]", "not an object"),
            (#"{"metadata":{}}"#, "no \"weight_map\""),
            (#"{"weight_map":{"a":5}}"#, "is not a string"),
            (#"{"weight_map":{"a":"missing.safetensors"}}"#, "cannot open"),
            (#"{"weight_map":{"a":"../s1.safetensors"}}"#, "not a file in the index's folder"),
            (#"{"weight_map":{"b":"s1.safetensors"}}"#, "has no such tensor"),
        ]
        for (i, (json, expected)) in cases.enumerated() {
            let path = dir.file("bad\(i).safetensors.index.json")
            writeBytes(Array(json.utf8), to: path)
            do {
                _ = try ShardedSafetensors(indexPath: path)
                XCTFail("index \(json) opened")
            } catch let e as FormatError {
                XCTAssertTrue(e.problem.contains(expected), "\(e) lacks \(expected)")
                XCTAssertTrue(e.path.hasPrefix(dir.path))
            }
        }
    }

    // MARK: PNG

    static func validPNG() throws -> [UInt8] {
        let dir = TemporaryFolder()
        var random = TestRandom(state: 42)
        try PNGFile.write(random.image(width: 23, height: 17), to: dir.file("ok.png"), text: [(key: "k", value: "v")])
        return readBytes(dir.file("ok.png"))
    }

    static func pngCases() throws -> [Case] {
        let good = try validPNG()
        let chunks = PNGSurgery.chunks(of: good)
        XCTAssertEqual(chunks.first?.type, "IHDR")
        let idatIndex = chunks.firstIndex { $0.type == "IDAT" }!
        func replacing(_ index: Int, _ chunk: PNGSurgery.Chunk) -> [UInt8] {
            var c = chunks
            c[index] = chunk
            return PNGSurgery.assemble(c)
        }
        var badIHDRCRC = chunks[0]; badIHDRCRC.crcOverride = 0x1234_5678
        var badIDATCRC = chunks[idatIndex]; badIDATCRC.crcOverride = 0
        var garbageIDAT = chunks[idatIndex]; garbageIDAT.data = [UInt8](repeating: 0xAB, count: garbageIDAT.data.count)
        var hugeLength = chunks[idatIndex]; hugeLength.lengthOverride = 0x7FFF_FFFF
        let idatStart = 8 + chunks[0..<idatIndex].reduce(0) { $0 + 12 + $1.data.count }

        var cases = [
            Case(name: "empty", bytes: [], expected: "empty file"),
            Case(name: "text file", bytes: Array("hello, this is not a PNG\n".utf8), expected: "not a PNG"),
            Case(name: "JPEG header", bytes: [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 74, 70, 73, 70, 0], expected: "not a PNG"),
            Case(name: "signature only", bytes: PNGSurgery.signature, expected: "truncated"),
            Case(name: "bad IHDR CRC", bytes: replacing(0, badIHDRCRC), expected: "CRC"),
            Case(name: "bad IDAT CRC", bytes: replacing(idatIndex, badIDATCRC), expected: "CRC"),
            Case(name: "garbage IDAT with a good CRC", bytes: replacing(idatIndex, garbageIDAT), expected: "PNG read failed"),
            Case(name: "IDAT length 2^31-1", bytes: replacing(idatIndex, hugeLength), expected: "PNG read failed"),
            Case(name: "100000x100000 in IHDR", bytes: replacing(0, PNGSurgery.ihdr(width: 100_000, height: 100_000)), expected: "more than the limit"),
            Case(name: "9000x9000 in IHDR (over 2^26 pixels)", bytes: replacing(0, PNGSurgery.ihdr(width: 9000, height: 9000)), expected: "more than the limit"),
            Case(name: "width 2^31-1 in IHDR", bytes: replacing(0, PNGSurgery.ihdr(width: 0x7FFF_FFFF, height: 1)), expected: "width"),
            Case(name: "width 0 in IHDR", bytes: replacing(0, PNGSurgery.ihdr(width: 0, height: 5)), expected: "width"),
            Case(name: "bit depth 7", bytes: replacing(0, PNGSurgery.ihdr(width: 23, height: 17, bitDepth: 7)), expected: "bit depth"),
            Case(name: "color type 5", bytes: replacing(0, PNGSurgery.ihdr(width: 23, height: 17, colorType: 5)), expected: "color type"),
            Case(name: "IDAT missing", bytes: PNGSurgery.assemble(chunks.filter { $0.type != "IDAT" }), expected: "PNG read failed"),
            Case(name: "IHDR missing", bytes: PNGSurgery.assemble(chunks.filter { $0.type != "IHDR" }), expected: "IHDR"),
            Case(name: "claims more rows than the data holds", bytes: replacing(0, PNGSurgery.ihdr(width: 23, height: 60)), expected: "PNG read failed"),
        ]
        // Truncated at several points: inside the signature, inside IHDR, before IDAT, inside IDAT,
        // just before IEND.
        for cut in [5, 12, 20, 33, idatStart, idatStart + 9, idatStart + 100, good.count - 12, good.count - 1] {
            cases.append(Case(name: "truncated at \(cut) of \(good.count)", bytes: Array(good.prefix(cut)),
                              expected: cut < 8 ? "not a PNG" : "truncated"))
        }
        return cases
    }

    func testBrokenPNGCorpus() throws {
        let dir = TemporaryFolder()
        let cases = try Self.pngCases()
        for (i, c) in cases.enumerated() {
            let path = dir.file("broken\(i).png")
            writeBytes(c.bytes, to: path)
            // FORMATS_EXPORT_DIR=<folder> keeps a copy of the corpus (e.g. to run the C shim under ASan).
            if let export = ProcessInfo.processInfo.environment["FORMATS_EXPORT_DIR"] {
                writeBytes(c.bytes, to: export + "/broken\(i).png")
            }
            assertFormatError(path, c.expected) { _ = try PNGFile.read(path: path) }
            if ProcessInfo.processInfo.environment["SHOW_ERRORS"] != nil {
                do { _ = try PNGFile.read(path: path) } catch { print("\(c.name): \(error)") }
            }
        }
        XCTAssertEqual(cases.count, 26)
        print("bad-input corpus: \(cases.count) broken PNG files")
        assertFormatError(dir.file("missing.png"), "cannot open") { _ = try PNGFile.read(path: dir.file("missing.png")) }
    }
}
