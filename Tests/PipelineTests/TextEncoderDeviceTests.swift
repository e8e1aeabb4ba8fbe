// The text encoders on every device this binary has (lavapipe in a GPU build) give the CPU's bytes: CLIP text
// (causal-mask bias, both pooling rules) and T5 (relative position bias, gated-gelu and relu), on the tiny
// fixture folders of Tests/ModelsTests/Fixtures/text_encoders.
import Foundation
import Models
import Pipeline
import TensorCore
import XCTest

final class TextEncoderDeviceTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ModelsTests/Fixtures/text_encoders")

    func testEveryDeviceGivesTheCPUsBytes() throws {
        let devices = ExecutionContext.registry.deviceNames().filter { $0 != "cpu" }
        if devices.isEmpty { throw XCTSkip("no device besides the CPU in this build") }
        let cpu = CPUBackend(threads: 2)
        func folder(_ name: String) -> String { Self.fixtures.appendingPathComponent(name).path }
        let clipIds: [[Int32]] = [[49406, 320, 1125, 49407, 49407, 49407], [49406, 49407, 49407, 49407, 49407, 49407]]
        let clips = [(try CLIPTextEncoder(folder: folder("clip_text")), clipIds),
                     (try CLIPTextEncoder(folder: folder("clip_text_eos")), [[998, 500, 400, 400], [998, 999, 600, 400]])]
        let t5Ids: [[Int32]] = [[37, 9, 31999, 1, 0, 0, 0, 0], [5, 1, 0, 0, 0, 0, 0, 0]]
        let t5s = [(try T5Encoder(folder: folder("t5")), t5Ids), (try T5Encoder(folder: folder("t5_relu")), [[3, 17, 299, 5, 1, 0, 0]])]
        for device in devices {
            let backend = try ExecutionContext.registry.open(device, threads: 2)
            for (encoder, ids) in clips {
                let (got, want) = (try encoder(ids, backend: backend), try encoder(ids, backend: cpu))
                XCTAssertNil(Conformance.difference(got.lastHiddenState, want.lastHiddenState), "\(device) CLIP text hidden")
                XCTAssertNil(Conformance.difference(got.pooled, want.pooled), "\(device) CLIP text pooled")
            }
            for (encoder, ids) in t5s {
                XCTAssertNil(Conformance.difference(try encoder(ids, backend: backend), try encoder(ids, backend: cpu)),
                             "\(device) T5 \(encoder.config.feedForwardProj)")
            }
        }
    }
}
