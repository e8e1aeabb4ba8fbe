// CLIP text and T5 encoders against transformers 5.24 (float32 models holding the stored f16/bf16 weights), on
// the fixture folders in their real layouts: CLIP "text_model."-prefixed (FLUX's) and unprefixed (transformers
// 5), T5 sharded. Measured on this machine (x86-64, CPU backend, exact mode): see the thresholds below.

import Foundation
import Formats
import Models
import TensorCore
import XCTest

final class TextEncoderParityTests: XCTestCase {
    let backend = CPUBackend(threads: 2)

    func testCLIPTextMatchesTransformersWithTheArgmaxRule() throws {
        let encoder = try CLIPTextEncoder(folder: TextEncoderFixtures.path("clip_text"))
        XCTAssertEqual(encoder.config.eosTokenId, 2)
        XCTAssertEqual(encoder.config.vocabSize, 49408)
        let ids = try TextEncoderFixtures.ids("clip.ids")
        // Rows 0-2 pool at their first EOS (49407, the largest id); row 3 has no EOS and its largest id twice.
        XCTAssertEqual(encoder.poolingPositions(ids), [6, 76, 13, 30])
        let out = try encoder(ids, backend: backend)
        let io = try TextEncoderFixtures.io()
        let hidden = ErrorStats(out.lastHiddenState, try io.tensor("clip.last_hidden_state"))
        let pooled = ErrorStats(out.pooled, try io.tensor("clip.pooled"))
        print("CLIP text (eos 2) vs transformers: hidden \(hidden); pooled \(pooled)")
        XCTAssertLessThan(hidden.maxAbs, 2e-5)
        XCTAssertLessThan(pooled.maxAbs, 2e-5)
    }

    func testCLIPTextMatchesTransformersWithTheFirstEOSRule() throws {
        let encoder = try CLIPTextEncoder(folder: TextEncoderFixtures.path("clip_text_eos"))
        XCTAssertEqual(encoder.config.eosTokenId, 400)
        let ids = try TextEncoderFixtures.ids("clip_eos.ids")
        let expected = try TextEncoderFixtures.io().tensor("clip_eos.positions").data.map { Int($0) }
        // Ids larger than the EOS id precede it, so argmax would pick other positions; row 2 has no EOS (0).
        XCTAssertEqual(encoder.poolingPositions(ids), expected)
        XCTAssertEqual(expected, [7, 21, 0])
        let out = try encoder(ids, backend: backend)
        let io = try TextEncoderFixtures.io()
        let hidden = ErrorStats(out.lastHiddenState, try io.tensor("clip_eos.last_hidden_state"))
        let pooled = ErrorStats(out.pooled, try io.tensor("clip_eos.pooled"))
        print("CLIP text (eos 400) vs transformers: hidden \(hidden); pooled \(pooled)")
        XCTAssertLessThan(hidden.maxAbs, 2e-5)
        XCTAssertLessThan(pooled.maxAbs, 2e-5)
    }

    func testT5MatchesTransformersFromTheShardedFolder() throws {
        let encoder = try T5Encoder(folder: TextEncoderFixtures.path("t5"))
        XCTAssertEqual(encoder.config.feedForward, .gatedGelu)
        let io = try TextEncoderFixtures.io()
        for name in ["t5", "t5_long"] {
            let out = try encoder(try TextEncoderFixtures.ids("\(name).ids"), backend: backend)
            let stats = ErrorStats(out, try io.tensor("\(name).last_hidden_state"))
            print("T5 encoder \(name) \(out.shape) vs transformers: \(stats)")
            XCTAssertLessThan(stats.maxAbs, 2e-5, name)
        }
    }

    /// Original T5's relu feed-forward ("wi"), an attention width (4 × 8) other than d_model (24), buckets 16/40.
    func testT5WithReluAndOddWidthsMatchesTransformers() throws {
        let encoder = try T5Encoder(folder: TextEncoderFixtures.path("t5_relu"))
        XCTAssertEqual(encoder.config.feedForward, .relu)
        XCTAssertEqual(encoder.config.innerDim, 32)
        let out = try encoder(try TextEncoderFixtures.ids("t5_relu.ids"), backend: backend)
        let stats = ErrorStats(out, try TextEncoderFixtures.io().tensor("t5_relu.last_hidden_state"))
        print("T5 encoder (relu) \(out.shape) vs transformers: \(stats)")
        XCTAssertLessThan(stats.maxAbs, 2e-5)
    }

    /// The host bucket table equals transformers' for every relative position −599…599, for FLUX's 32/128 and 16/40.
    func testRelativePositionBucketsMatchTransformers() throws {
        let io = try TextEncoderFixtures.io()
        for (buckets, distance) in [(32, 128), (16, 40)] {
            let expected = try io.tensor("t5.buckets_\(buckets)_\(distance)").data.map { Int($0) }
            let got = (-599...599).map { T5RelativePosition.bucket($0, numBuckets: buckets, maxDistance: distance) }
            XCTAssertEqual(got, expected, "buckets \(buckets), max distance \(distance)")
        }
    }

    /// Every backend gives the same bytes (the text encoders use only Backend ops and host copies).
    func testEncodersAreThreadInvariantAndEqualTheReference() throws {
        let clip = try CLIPTextEncoder(folder: TextEncoderFixtures.path("clip_text_eos"))
        let t5 = try T5Encoder(folder: TextEncoderFixtures.path("t5"))
        let clipIds = try TextEncoderFixtures.ids("clip_eos.ids"), t5Ids = try TextEncoderFixtures.ids("t5.ids")
        let clipRef = try clip(clipIds, backend: ReferenceBackend()), t5Ref = try t5(t5Ids, backend: ReferenceBackend())
        for threads in [1, 3] {
            let cpu = CPUBackend(threads: threads)
            XCTAssertNil(Conformance.difference(try clip(clipIds, backend: cpu).lastHiddenState, clipRef.lastHiddenState))
            XCTAssertNil(Conformance.difference(try clip(clipIds, backend: cpu).pooled, clipRef.pooled))
            XCTAssertNil(Conformance.difference(try t5(t5Ids, backend: cpu), t5Ref))
        }
    }
}
