// The trained weights in the project are pinned by SHA-256 (SHA256SUMS beside them, `sha256sum -c` format):
// a damaged checkout, a Git LFS pointer or an accidental re-export fails here, naming the file.
import Foundation
import Formats
import Pipeline
import XCTest

final class ShippedWeightsTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    func checkSums(in folder: String, expecting count: Int) throws {
        let text = try String(contentsOfFile: folder + "/SHA256SUMS", encoding: .utf8)
        let lines = text.split(separator: "\n")
        XCTAssertEqual(lines.count, count, "\(folder)/SHA256SUMS")
        for line in lines {
            let parts = line.split(separator: " ", maxSplits: 1)
            XCTAssertEqual(parts.count, 2, String(line))
            let (sum, name) = (String(parts[0]), parts[1].trimmingCharacters(in: .whitespaces))
            XCTAssertEqual(try SHA256.hex(fileAt: folder + "/" + name), sum, "\(folder)/\(name) does not match its pin")
        }
    }

    func testEmbeddedMiniMatchesItsPins() throws {
        try checkSums(in: try ModelRegistry.folder(for: "mini"), expecting: 8)
    }

    func testPaperBaselinesMatchTheirPins() throws {
        try checkSums(in: Self.repository + "/Recipes/paper/weights", expecting: 2)
    }

    /// `mini` ships trained weights; `mini-init` is the deterministic initialisation they started from.
    func testTrainedMiniIsNotItsInitialisation() throws {
        let trained = ModelBundleLayout(root: try ModelRegistry.folder(for: "mini"))
        let initial = ModelBundleLayout(root: try ModelRegistry.folder(for: "mini-init"))
        XCTAssertNotEqual(try SHA256.hex(fileAt: trained.transformerWeights), try SHA256.hex(fileAt: initial.transformerWeights))
        XCTAssertNotEqual(try SHA256.hex(fileAt: trained.basisWeights), try SHA256.hex(fileAt: initial.basisWeights))
    }
}
