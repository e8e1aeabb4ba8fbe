import XCTest
import Foundation
import Analogies
import Formats

/// The committed example inputs under Recipes/images/ are exactly what ExampleImages defines.
/// Regenerate them with: LORWEB_REGENERATE_EXAMPLES=1 swift test --filter ExampleImagesTests
final class ExampleImagesTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Recipes/images").path

    func testCommittedExampleImagesMatchTheGenerator() throws {
        let regenerate = ProcessInfo.processInfo.environment["LORWEB_REGENERATE_EXAMPLES"] == "1"
        for (name, image) in ExampleImages.all {
            let path = Self.folder + "/" + name
            if regenerate {
                try FileManager.default.createDirectory(atPath: Self.folder, withIntermediateDirectories: true)
                try PNGFile.write(image, to: path, text: [(key: "Software", value: "lorweb ExampleImages")])
            }
            let decoded = try PNGFile.read(path: path)
            XCTAssertEqual(decoded.image, image, "\(name) differs from ExampleImages; regenerate it")
            XCTAssertEqual([decoded.image.width, decoded.image.height], [64, 64])
        }
    }

    func testExamplesFormTheAdvertisedAnalogies() {
        let images = Dictionary(uniqueKeysWithValues: ExampleImages.all.map { ($0.name, $0.image) })
        let triangle = images["green-triangle.png"]!
        XCTAssertEqual(images["green-triangle-flipped.png"], PixelOperations.flip(triangle, .vertical))
        XCTAssertTrue(images["red-circle.png"]!.pixel(32, 32) == NamedColor.red.rgb)
        XCTAssertTrue(images["blue-circle.png"]!.pixel(32, 32) == NamedColor.blue.rgb)
        XCTAssertTrue(images["blue-square.png"]!.pixel(18, 18) == NamedColor.blue.rgb)
        XCTAssertTrue(images["blue-circle.png"]!.pixel(18, 18) == NamedColor.white.rgb)
    }
}
