import XCTest
import Foundation
import Analogies
import Formats

final class AnalogyExportTests: XCTestCase {
    func testWritesPNGsAndAManifestWithTheirHashes() throws {
        let folder = NSTemporaryDirectory() + "analogy-export-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let generator = AnalogyGenerator(size: 32)
        let manifest = try AnalogyExport.write(generator: generator, seed: 5, split: .unseen, indices: 3..<5, to: folder)

        let parsed = try JSONParser.parse(Array(manifest.utf8))
        XCTAssertEqual(parsed["split"]?.stringValue, "unseen")
        XCTAssertEqual(parsed["seed"]?.intValue, 5)
        let samples = try XCTUnwrap(parsed["samples"]?.arrayValue)
        XCTAssertEqual(samples.count, 2)
        for (entry, index) in zip(samples, 3..<5) {
            let sample = generator.generate(seed: 5, index: index, split: .unseen)
            XCTAssertEqual(entry["index"]?.intValue, Int64(index))
            XCTAssertEqual(entry["family"]?.stringValue, sample.family)
            XCTAssertEqual(entry["description"]?.stringValue, sample.description)
            for (key, image) in zip(["a", "aPrime", "b", "bPrime"], AnalogyExport.images(of: sample)) {
                let name = try XCTUnwrap(entry["files"]?[key]?.stringValue)
                let path = folder + "/" + name
                XCTAssertEqual(try PNGFile.read(path: path).image, image, name)
                XCTAssertEqual(entry["sha256"]?[key]?.stringValue, try SHA256.hex(fileAt: path))
            }
        }
        XCTAssertEqual(AnalogyExport.fileName(index: 4, role: "b-prime"), "000004-b-prime.png")
        let onDisk = try String(contentsOfFile: folder + "/manifest.json", encoding: .utf8)
        XCTAssertEqual(onDisk, manifest)
    }

    func testUnwritableFolderIsAnErrorNamingThePath() {
        XCTAssertThrowsError(try AnalogyExport.write(generator: AnalogyGenerator(size: 16), seed: 1, split: .seen,
                                                     indices: 0..<1, to: "/proc/no-such-place/out")) { error in
            XCTAssertTrue("\(error)".contains("/proc/no-such-place/out"), "\(error)")
        }
    }
}
