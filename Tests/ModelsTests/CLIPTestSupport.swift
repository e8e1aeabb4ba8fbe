// Shared helpers of the CLIP tests: fixture paths (read next to this file, so no bundle is needed),
// error measurement, and a weight source that edits another one (for the strict-loading tests).

import Foundation
import Formats
import Numerics
import TensorCore
import XCTest

enum CLIPFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    static func safetensors(_ name: String) throws -> SafetensorsFile { try SafetensorsFile(path: path(name)) }

    static func data(_ name: String) throws -> Data { try Data(contentsOf: folder.appendingPathComponent(name)) }

    /// Fixture image i: stored as F32 [H, W, 3] holding the exact byte values.
    static func image(_ i: Int) throws -> RGBImage {
        let t = try safetensors("clip_images.safetensors").tensor("image\(i)")
        precondition(t.rank == 3 && t.shape[2] == 3)
        return RGBImage(width: t.shape[1], height: t.shape[0], pixels: t.data.map { UInt8(exactly: $0)! })
    }

    static let imageCount = 5
}

/// Max absolute error, max error relative to the reference's largest magnitude, and the mismatch count.
struct ErrorStats: CustomStringConvertible {
    let maxAbs: Float
    let maxRel: Float
    let mismatches: Int
    let count: Int

    init(_ got: Tensor, _ want: Tensor) {
        precondition(got.shape == want.shape, "shapes \(got.shape) vs \(want.shape)")
        var maxAbs: Float = 0, scale: Float = 0, mismatches = 0
        for i in 0..<got.count {
            let d = abs(got.data[i] - want.data[i])
            if !(d <= maxAbs) { maxAbs = d }   // NaN-propagating
            scale = max(scale, abs(want.data[i]))
            if got.data[i].bitPattern != want.data[i].bitPattern { mismatches += 1 }
        }
        self.maxAbs = maxAbs
        self.maxRel = scale > 0 ? maxAbs / scale : maxAbs
        self.mismatches = mismatches
        self.count = got.count
    }

    var description: String {
        "max abs \(maxAbs), max rel (to max |ref|) \(maxRel), \(mismatches)/\(count) elements not bit-identical"
    }
}

/// A weight source that hides, renames or adds keys of another one (headers only; added keys have no data).
final class EditedWeightSource: WeightSource, @unchecked Sendable {
    let base: any WeightSource
    let hidden: Set<String>
    let extra: [String: TensorInfo]

    init(_ base: any WeightSource, hiding: Set<String> = [], adding: [String: TensorInfo] = [:]) {
        self.base = base
        self.hidden = hiding
        self.extra = adding
    }

    var keys: [String] { (base.keys.filter { !hidden.contains($0) } + extra.keys).sorted() }
    var metadata: [String: String] { base.metadata }
    func contains(_ key: String) -> Bool { extra[key] != nil || (!hidden.contains(key) && base.contains(key)) }
    func info(_ key: String) throws -> TensorInfo {
        if let e = extra[key] { return e }
        guard !hidden.contains(key) else { throw CLIPTestError("hidden key \(key)") }
        return try base.info(key)
    }
    func rawBytes(_ key: String) throws -> UnsafeRawBufferPointer {
        guard extra[key] == nil, !hidden.contains(key) else { throw CLIPTestError("no data for \(key)") }
        return try base.rawBytes(key)
    }
    func tensor(_ key: String) throws -> Tensor {
        guard extra[key] == nil, !hidden.contains(key) else { throw CLIPTestError("no data for \(key)") }
        return try base.tensor(key)
    }
}

/// A weight source made of shapes only (for audits of full-size configs: nothing is allocated).
final class ShapeOnlyWeightSource: WeightSource, @unchecked Sendable {
    let shapes: [String: [Int]]
    init(_ shapes: [String: [Int]]) { self.shapes = shapes }
    var keys: [String] { shapes.keys.sorted() }
    var metadata: [String: String] { [:] }
    func contains(_ key: String) -> Bool { shapes[key] != nil }
    func info(_ key: String) throws -> TensorInfo {
        guard let s = shapes[key] else { throw CLIPTestError("no key \(key)") }
        return TensorInfo(dtype: .bf16, shape: s, byteCount: 2 * s.reduce(1, *))
    }
    func rawBytes(_ key: String) throws -> UnsafeRawBufferPointer { throw CLIPTestError("shape-only source: \(key)") }
    func tensor(_ key: String) throws -> Tensor { throw CLIPTestError("shape-only source: \(key)") }
}

struct CLIPTestError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
