import XCTest
import Formats
#if canImport(Glibc)
import Glibc
#endif

final class PNGFileTests: XCTestCase {
    func testRGBRoundTripWithText() throws {
        let dir = TemporaryFolder()
        var random = TestRandom(state: 0x1234_5678_9abc)
        let image = random.image(width: 37, height: 23)
        let path = dir.file("out.png")
        let text = [(key: "recipe", value: "let a = 1\nrender a"), (key: "Title é", value: "naïve — ünïcode ✓"),
                    (key: "empty", value: "")]
        try PNGFile.write(image, to: path, text: text)
        let decoded = try PNGFile.read(path: path)
        XCTAssertEqual(decoded.image, image)
        XCTAssertNil(decoded.alpha)
        XCTAssertEqual(decoded.text, ["recipe": "let a = 1\nrender a", "Title é": "naïve — ünïcode ✓", "empty": ""])
        XCTAssertEqual(decoded.sourceBitDepth, 8)
        XCTAssertEqual(decoded.sourceColorType, 2)
        // Only the final file is left: the temporary file was renamed.
        XCTAssertEqual(listFolder(dir.path), ["out.png"])
        // Same pixels and text give the same bytes.
        try PNGFile.write(image, to: dir.file("again.png"), text: text)
        XCTAssertEqual(readBytes(path), readBytes(dir.file("again.png")))
        // For a manual interop check with other readers (e.g. Pillow): FORMATS_EXPORT_DIR=/some/dir.
        if let export = ProcessInfo.processInfo.environment["FORMATS_EXPORT_DIR"] {
            try PNGFile.write(image, to: export + "/text_roundtrip.png", text: text)
        }
    }

    func testRGBARoundTrip() throws {
        let dir = TemporaryFolder()
        var random = TestRandom(state: 99)
        let image = random.image(width: 5, height: 9)
        let alpha = (0..<45).map { _ in random.byte() }
        try PNGFile.writeRGBA(image, alpha: alpha, to: dir.file("a.png"))
        let decoded = try PNGFile.read(path: dir.file("a.png"))
        XCTAssertEqual(decoded.image, image)
        XCTAssertEqual(decoded.alpha, alpha)
        XCTAssertEqual(decoded.sourceColorType, 6)
    }

    func testOverwriteReplacesAtomically() throws {
        let dir = TemporaryFolder()
        let path = dir.file("x.png")
        try PNGFile.write(RGBImage(width: 2, height: 2, fill: (1, 2, 3)), to: path)
        try PNGFile.write(RGBImage(width: 3, height: 1, fill: (9, 8, 7)), to: path)
        XCTAssertEqual(try PNGFile.read(path: path).image, RGBImage(width: 3, height: 1, fill: (9, 8, 7)))
        XCTAssertEqual(listFolder(dir.path), ["x.png"])
    }

    func testFailedWriteLeavesOldFileAndNoTemporary() throws {
        let dir = TemporaryFolder()
        let path = dir.file("keep.png")
        try PNGFile.write(RGBImage(width: 2, height: 2, fill: (1, 2, 3)), to: path)
        let before = readBytes(path)
        // An invalid key fails before anything is written; a zero-size image fails inside the encoder.
        assertFormatError(path, "key") {
            try PNGFile.write(RGBImage(width: 2, height: 2), to: path, text: [(key: "bad\u{1}key", value: "v")])
        }
        assertFormatError(path, "1 to 79") {
            try PNGFile.write(RGBImage(width: 2, height: 2), to: path, text: [(key: String(repeating: "k", count: 80), value: "v")])
        }
        assertFormatError(path, "0x2") { try PNGFile.write(RGBImage(width: 0, height: 2), to: path) }
        XCTAssertEqual(readBytes(path), before)
        XCTAssertEqual(listFolder(dir.path), ["keep.png"])
    }

    func testWriteIntoMissingFolderFails() {
        let path = "/nonexistent-folder-for-tests/x.png"
        assertFormatError(path, "cannot create") { try PNGFile.write(RGBImage(width: 1, height: 1), to: path) }
    }

    func testFullDiskGivesAnErrorAndKeepsOldFile() throws {
        // A file-size limit (RLIMIT_FSIZE, with SIGXFSZ ignored) makes writes fail with EFBIG past
        // 4 KiB: the same path through the encoder as a full disk.
        let dir = TemporaryFolder()
        let path = dir.file("big.png")
        try PNGFile.write(RGBImage(width: 2, height: 2, fill: (5, 5, 5)), to: path)
        let before = readBytes(path)
        var random = TestRandom(state: 7)
        let noisy = random.image(width: 120, height: 120)  // incompressible: ~43 KB
        withFileSizeLimit(4096) {
            assertFormatError(path, "PNG write failed") { try PNGFile.write(noisy, to: path) }
        }
        XCTAssertEqual(readBytes(path), before)
        XCTAssertEqual(listFolder(dir.path), ["big.png"])
    }
}

/// Runs `body` with the process's file-size limit lowered, then restores it.
func withFileSizeLimit(_ bytes: UInt64, _ body: () throws -> Void) rethrows {
    var old = rlimit()
    getrlimit(Int32(RLIMIT_FSIZE.rawValue), &old)
    let oldHandler = signal(SIGXFSZ, SIG_IGN)
    var limited = old
    limited.rlim_cur = rlim_t(bytes)
    setrlimit(Int32(RLIMIT_FSIZE.rawValue), &limited)
    defer {
        setrlimit(Int32(RLIMIT_FSIZE.rawValue), &old)
        signal(SIGXFSZ, oldHandler)
    }
    try body()
}
