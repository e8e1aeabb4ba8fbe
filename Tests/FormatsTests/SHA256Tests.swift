import XCTest
import Formats

final class SHA256Tests: XCTestCase {
    // FIPS 180-4 / NIST example vectors.
    func testShortVectors() {
        XCTAssertEqual(SHA256.hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(SHA256.hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"),
                       "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    }

    func testMillionA() {
        var hasher = SHA256.Hasher()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hasher.update(chunk) }
        XCTAssertEqual(hasher.finalizeHex(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Every split of the input into two pieces gives the one-shot digest (block boundaries, padding edges).
    func testStreamingSplitsMatchOneShot() {
        for length in [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 200] {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let expected = SHA256.hex(bytes)
            for cut in 0...length {
                var hasher = SHA256.Hasher()
                hasher.update(Array(bytes[0..<cut]))
                hasher.update(Array(bytes[cut...]))
                XCTAssertEqual(hasher.finalizeHex(), expected, "length \(length) cut \(cut)")
            }
        }
        // 55/56/64 bytes are the padding edge cases; pin one of them to a known value.
        XCTAssertEqual(SHA256.hex([UInt8](repeating: 0x61, count: 64)),
                       "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }

    /// Throughput, for the report (no timing assertion: CI machines vary).
    func testThroughputIsReported() {
        let bytes = [UInt8](repeating: 0x5A, count: 8 << 20)
        let start = DispatchTime.now().uptimeNanoseconds
        let digest = SHA256.hex(bytes)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        XCTAssertEqual(digest.count, 64)
        print("SHA256: \(String(format: "%.0f", 8 / seconds)) MiB/s")
    }

    func testFileHash() throws {
        let dir = TemporaryFolder()
        let bytes = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        writeBytes(bytes, to: dir.file("data.bin"))
        XCTAssertEqual(try SHA256.hex(fileAt: dir.file("data.bin")), SHA256.hex(bytes))
        assertFormatError(dir.file("missing"), "cannot open") { _ = try SHA256.hex(fileAt: dir.file("missing")) }
    }
}
