// Shared helpers of the text encoder tests: the fixture folders (Tools/fixtures/text_encoder_fixtures.py) and
// their inputs, read next to this file.

import Foundation
import Formats
import TensorCore

enum TextEncoderFixtures {
    static let folder = CLIPFixtures.folder.appendingPathComponent("text_encoders")
    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    static func io() throws -> SafetensorsFile { try SafetensorsFile(path: path("text_encoders_io.safetensors")) }

    /// Id rows stored as F32 [B, L] (exact integers).
    static func ids(_ key: String) throws -> [[Int32]] {
        let t = try io().tensor(key)
        let length = t.shape[1]
        return (0..<t.shape[0]).map { r in t.data[r * length ..< (r + 1) * length].map { Int32(exactly: $0)! } }
    }

    /// A copy of fixture folder `name` in a fresh temporary folder (for tests that break it).
    static func copy(_ name: String) throws -> String {
        let target = FileManager.default.temporaryDirectory.appendingPathComponent("lorweb-text-\(UUID().uuidString)")
        try FileManager.default.copyItem(atPath: path(name), toPath: target.path)
        return target.path
    }
}
