// Issue 24, the formats side: allocation bounded by limits checked before libpng or the JSON parser
// allocates, non-regular files refused before they are opened, names bounded in messages.
import Foundation
import Formats
import XCTest

final class HostileFormatTests: XCTestCase {
    private let folder = TemporaryFolder()

    /// Peak resident memory of this process so far, in bytes (Linux reports KiB).
    private func peakRSS() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }

    // MARK: 2. a declared chunk length is checked before libpng allocates it

    func testA45BytePNGDeclaringA2GiBTextChunkIsRefusedBeforeAllocation() throws {
        for type in ["tEXt", "zTXt", "iTXt", "sPLT", "iCCP"] {
            // Signature, IHDR, then a chunk header whose length says 2^31 - 1 and no data: 45 bytes.
            let bytes = PNGSurgery.signature + PNGSurgery.ihdr(width: 1, height: 1).bytes
                + PNGSurgery.be32(0x7FFF_FFFF) + Array(type.utf8) + PNGSurgery.be32(0)
            XCTAssertEqual(bytes.count, 45)
            let path = folder.file("\(type).png")
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let before = peakRSS()
            XCTAssertThrowsError(try PNGFile.read(path: path)) { error in
                XCTAssertTrue("\(error)".contains("chunk '\(type)' declares 2147483647 bytes, more than the 8388608-byte limit"), "\(error)")
            }
            // main allocated and zeroed the 2 GiB before refusing (the peak only grows: compare).
            XCTAssertLessThan(peakRSS() - before, 256 << 20, type)
        }
    }

    func testAHugeIDATLengthIsStillLibpngsToRefuse() throws {
        // IDAT is read in pieces, so its length is not capped: the file is refused as truncated.
        let bytes = PNGSurgery.signature + PNGSurgery.ihdr(width: 1, height: 1).bytes
            + PNGSurgery.be32(0x7FFF_FFFF) + Array("IDAT".utf8) + [1, 2, 3, 4]
        let path = folder.file("idat.png")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try PNGFile.read(path: path)) { error in
            XCTAssertTrue("\(error)".contains("PNG read failed"), "\(error)")
        }
    }

    // MARK: 4. the safetensors header budget

    func testAHeaderOfMillionsOfValuesIsRefusedWhileParsing() throws {
        // 2.5 million zero dimensions in one shape (5 MB of header): main parsed them all.
        let dims = Array(repeating: "0", count: 2_500_000).joined(separator: ",")
        let header = #"{"t":{"dtype":"F32","shape":["# + dims + #"],"data_offsets":[0,0]}}"#
        let path = folder.file("dims.safetensors")
        try Data(SafetensorsBytes.file(header: header)).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try SafetensorsFile(path: path)) { error in
            XCTAssertTrue("\(error)".contains("more values than the limit for this file"), "\(error)")
        }
    }

    func testATensorHasAtMost64Dimensions() throws {
        let shape = Array(repeating: "1", count: SafetensorsFile.maxRank + 1).joined(separator: ",")
        let header = #"{"t":{"dtype":"F32","shape":["# + shape + #"],"data_offsets":[0,4]}}"#
        let path = folder.file("rank.safetensors")
        try Data(SafetensorsBytes.file(header: header, data: [0, 0, 0, 0])).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try SafetensorsFile(path: path)) { error in
            XCTAssertTrue("\(error)".contains("shape has 65 dimensions, more than 64"), "\(error)")
        }
    }

    func testAMegabyteTensorNameIsShortenedInMessages() throws {
        let name = String(repeating: "k", count: 1_000_000)
        let header = #"{""# + name + #"":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#
        let path = folder.file("name.safetensors")
        try Data(SafetensorsBytes.file(header: header, data: [0, 0, 0, 0])).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try SafetensorsFile(path: path)) { error in
            XCTAssertTrue("\(error)".contains("kkk… (1000000 characters)"), "\("\(error)".prefix(300))")
            XCTAssertLessThan("\(error)".utf8.count, 1_000)
        }
    }

    // MARK: 5. non-regular files and NUL bytes

    func testFIFOsDevicesAndNULNamesAreRefusedBeforeOpening() throws {
        let fifo = folder.file("pipe")
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        let zero = folder.file("zero.safetensors")
        try FileManager.default.createSymbolicLink(atPath: zero, withDestinationPath: "/dev/zero")
        // Each of these blocked (FIFO) or read forever (/dev/zero) on main.
        let readers: [(String, (String) throws -> Void)] = [
            ("hash", { _ = try SHA256.hex(fileAt: $0) }),
            ("png", { _ = try PNGFile.read(path: $0) }),
            ("safetensors", { _ = try SafetensorsFile(path: $0) }),
        ]
        for (name, read) in readers {
            XCTAssertThrowsError(try read(fifo), name) { XCTAssertTrue("\($0)".contains("not a regular file (a FIFO)"), "\($0)") }
            XCTAssertThrowsError(try read(zero), name) {
                XCTAssertTrue("\($0)".contains("not a regular file (a character device)"), "\($0)")
            }
        }
        let real = folder.file("a.png")
        try PNGFile.write(RGBImage(width: 1, height: 1, pixels: [1, 2, 3]), to: real)
        XCTAssertThrowsError(try PNGFile.read(path: real + "\u{0}.txt")) { XCTAssertTrue("\($0)".contains("NUL byte"), "\($0)") }
        XCTAssertThrowsError(try PNGFile.write(RGBImage(width: 1, height: 1, pixels: [1, 2, 3]), to: real + "\u{0}x")) {
            XCTAssertTrue("\($0)".contains("NUL byte"), "\($0)")
        }
    }
}
