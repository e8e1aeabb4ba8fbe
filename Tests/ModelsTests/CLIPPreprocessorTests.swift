// CLIP preprocessing against transformers' CLIPImageProcessor (PIL backend) on five generated images:
// 47x29 and 23x51 (downscale, landscape and portrait), 20x14 (upscale), 32x45 (short side already at size),
// 36x36 (square); configs "tiny" (shortest edge 32, crop 32, OpenAI mean/std) and "odd" (40, crop 30, own mean/std).

import Foundation
import Formats
import Models
import TensorCore
import XCTest

final class CLIPPreprocessorTests: XCTestCase {
    /// Bit-exact: PIL's bicubic resize is integer arithmetic (reproduced exactly by ImageResize), the crop is a
    /// copy, the rescale is the same float64 multiply and float32 cast, and the normalisation the same two float32
    /// operations in the same order. Any difference is a defect.
    func checkPreprocess(_ name: String) throws {
        let preprocessor = try CLIPPreprocessor.decode(try CLIPFixtures.data("clip_preprocess_\(name).json"))
        let want = try CLIPFixtures.safetensors("clip_preprocess_\(name).safetensors")
        for i in 0..<CLIPFixtures.imageCount {
            let image = try CLIPFixtures.image(i)
            let got = try preprocessor(image)
            let ref = try want.tensor("pixel_values\(i)")
            XCTAssertEqual([1] + got.shape, ref.shape, "\(name) image \(i)")
            guard [1] + got.shape == ref.shape else { continue }
            let stats = ErrorStats(got.reshaped(ref.shape), ref)
            print("CLIP preprocess \(name) image \(i) (\(image.width)x\(image.height)): \(stats)")
            XCTAssertEqual(stats.mismatches, 0, "\(name) image \(i): \(stats)")
        }
    }

    func testTinyPreprocessingIsBitExact() throws { try checkPreprocess("tiny") }

    func testOddPreprocessingIsBitExact() throws { try checkPreprocess("odd") }

    func testResizedSizeFollowsTransformers() {
        let p = CLIPPreprocessor(size: 224)
        XCTAssertTrue(p.resizedSize(width: 1000, height: 300) == (746, 224))  // int(224*1000/300) = 746
        XCTAssertTrue(p.resizedSize(width: 300, height: 1000) == (224, 746))
        XCTAssertTrue(p.resizedSize(width: 512, height: 512) == (224, 224))
        XCTAssertTrue(p.resizedSize(width: 225, height: 224) == (225, 224))   // int(224*225/224) = 225
    }

    func testCenterCropPadsSmallImagesWithZeros() throws {
        // No resize, crop 4x4 out of a 3x2 image: transformers pads with zeros, offsets floor((2-4)/2) = -1 rows,
        // floor((3-4)/2) = -1 columns.
        var p = CLIPPreprocessor(size: 4)
        p.doResize = false
        p.doRescale = false
        p.doNormalize = false
        var image = RGBImage(width: 3, height: 2)
        for y in 0..<2 { for x in 0..<3 { image.setPixel(x, y, (UInt8(10 * (y * 3 + x) + 1), 0, 0)) } }
        let t = try p(image)
        XCTAssertEqual(t.shape, [3, 4, 4])
        let red = Array(t.data[0..<16])
        XCTAssertEqual(red, [0, 0, 0, 0,
                             0, 1, 11, 21,
                             0, 31, 41, 51,
                             0, 0, 0, 0])
    }

    func testDecodesOlderIntegerSizes() throws {
        let json = #"{"size": 224, "crop_size": 224, "do_center_crop": true, "resample": 3}"#
        let p = try CLIPPreprocessor.decode(Data(json.utf8))
        XCTAssertEqual(p.resize, .shortestEdge(224))
        XCTAssertEqual(p.cropHeight, 224)
        XCTAssertEqual(p.cropWidth, 224)
        XCTAssertEqual(p.imageMean, CLIPPreprocessor.openAIMean)
        XCTAssertEqual(p, CLIPPreprocessor())
    }

    func testRefusesUnsupportedResample() {
        let json = #"{"resample": 2}"#
        XCTAssertThrowsError(try CLIPPreprocessor.decode(Data(json.utf8))) { error in
            XCTAssertTrue("\(error)".contains("resample 2"), "\(error)")
        }
    }
}
