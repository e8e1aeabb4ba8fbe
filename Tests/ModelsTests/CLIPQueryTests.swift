// LoRWeB query modes end to end: fixture images 0, 1, 2 as a, a', b, through each fixture's preprocessor and model.

import Foundation
import Formats
import Models
import TensorCore
import XCTest

final class CLIPQueryTests: XCTestCase {
    func imageEncoder(_ name: String) throws -> CLIPImageEncoder {
        let config = try CLIPVisionConfig.load(path: CLIPFixtures.path("clip_\(name)_config.json"))
        let weights = try CLIPFixtures.safetensors("clip_\(name)_weights.safetensors")
        let preprocessor = try CLIPPreprocessor.decode(try CLIPFixtures.data("clip_preprocess_\(name).json"))
        return try CLIPImageEncoder(encoder: CLIPVisionEncoder(config: config, weights: weights), preprocessor: preprocessor)
    }

    // Same tolerance argument as CLIPEncoderTests (pre-processing is bit-exact, so only the tower's summation
    // orders differ); the combination adds at most two more roundings of values ~1.
    let tolerance: Float = 2e-5

    func checkQueries(_ name: String) throws {
        let encoder = try imageEncoder(name)
        let want = try CLIPFixtures.safetensors("clip_query_\(name).safetensors")
        let (a, aPrime, b) = (try CLIPFixtures.image(0), try CLIPFixtures.image(1), try CLIPFixtures.image(2))
        let p = encoder.encoder.config.projectionDim
        for mode in QueryMode.allCases {
            let got = try encoder.query(mode: mode, a: a, aPrime: aPrime, b: b, backend: CPUBackend(threads: 2))
            let ref = try want.tensor(mode.rawValue)
            XCTAssertEqual(got.shape, [mode.queryDimension(projectionDim: p)])
            XCTAssertEqual(got.shape, ref.shape, "\(name) \(mode.rawValue)")
            guard got.shape == ref.shape else { continue }
            let stats = ErrorStats(got, ref)
            print("CLIP query \(name) \(mode.rawValue): \(stats)")
            XCTAssertLessThanOrEqual(stats.maxAbs, tolerance, "\(name) \(mode.rawValue): \(stats)")
        }
    }

    func testTinyQueriesMatchReference() throws { try checkQueries("tiny") }

    func testOddQueriesMatchReference() throws { try checkQueries("odd") }

    /// Given PyTorch's own embeddings, the combination is bit-identical (float32 subtract then add, left to right).
    func testCombinationIsBitExactOnReferenceEmbeddings() throws {
        let want = try CLIPFixtures.safetensors("clip_query_odd.safetensors")
        let (ea, eap, eb) = (try want.tensor("e_a").data, try want.tensor("e_aprime").data, try want.tensor("e_b").data)
        for mode in QueryMode.allCases {
            let got = try mode.combine(a: ea, aPrime: eap, b: eb)
            XCTAssertEqual(got.map(\.bitPattern), try want.tensor(mode.rawValue).data.map(\.bitPattern), mode.rawValue)
        }
        XCTAssertThrowsError(try QueryMode.aPrimeMinusA.combine(a: [1], aPrime: [1, 2], b: [1]))
    }

    func testModeNamesAreTheReferenceStrings() {
        XCTAssertEqual(QueryMode(rawValue: "cat-aa'b"), .catAAprimeB)
        XCTAssertEqual(QueryMode(rawValue: "ca'-ca"), .aPrimeMinusA)
        XCTAssertEqual(QueryMode(rawValue: "ca'-ca+cb"), .aPrimeMinusAPlusB)
        XCTAssertEqual(QueryMode.catAAprimeB.queryDimension(projectionDim: 768), 2304)
        XCTAssertEqual(QueryMode.aPrimeMinusAPlusB.queryDimension(projectionDim: 768), 768)
    }

    func testEncoderAndPreprocessorMustAgreeOnSize() throws {
        let config = try CLIPVisionConfig.load(path: CLIPFixtures.path("clip_tiny_config.json"))
        let weights = try CLIPFixtures.safetensors("clip_tiny_weights.safetensors")
        let encoder = try CLIPVisionEncoder(config: config, weights: weights)
        XCTAssertThrowsError(try CLIPImageEncoder(encoder: encoder, preprocessor: CLIPPreprocessor(size: 30)))
    }

    /// A transformers-layout folder (config.json, model.safetensors, preprocessor_config.json) loads in one call.
    func testLoadsFolder() throws {
        let fm = FileManager.default
        let folder = fm.temporaryDirectory.appendingPathComponent("clip-folder-\(getpid())")
        try? fm.removeItem(at: folder)
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: folder) }
        try fm.copyItem(atPath: CLIPFixtures.path("clip_odd_config.json"), toPath: folder.appendingPathComponent("config.json").path)
        try fm.copyItem(atPath: CLIPFixtures.path("clip_odd_weights.safetensors"), toPath: folder.appendingPathComponent("model.safetensors").path)
        try fm.copyItem(atPath: CLIPFixtures.path("clip_preprocess_odd.json"),
                        toPath: folder.appendingPathComponent("preprocessor_config.json").path)
        let loaded = try CLIPImageEncoder.load(folder: folder.path)
        XCTAssertEqual(loaded.encoder.config.imageSize, 30)
        XCTAssertEqual(loaded.preprocessor.resize, .shortestEdge(40))
        let (a, aPrime, b) = (try CLIPFixtures.image(0), try CLIPFixtures.image(1), try CLIPFixtures.image(2))
        let backend = CPUBackend(threads: 1)
        let q1 = try loaded.query(mode: .catAAprimeB, a: a, aPrime: aPrime, b: b, backend: backend)
        let q2 = try imageEncoder("odd").query(mode: .catAAprimeB, a: a, aPrime: aPrime, b: b, backend: backend)
        XCTAssertTrue(q1.isBitIdentical(to: q2))
        XCTAssertThrowsError(try CLIPImageEncoder.load(folder: folder.appendingPathComponent("missing").path))
    }
}
