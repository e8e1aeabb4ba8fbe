// The LoRWeB query: CLIP image embeddings of the analogy's cells a, a', b combined by the query mode
// (Docs/LORWEB.md §2.3). Only the modes that encode the three cells separately are implemented.

import Foundation
import Formats
import TensorCore

/// How the image embeddings e(a), e(a'), e(b) (each [P], not normalised) become the query vector.
public enum QueryMode: String, CaseIterable, Codable, Sendable {
    /// concat(e(a), e(a'), e(b)): [3P]. The released LoRWeB checkpoint's mode (P = 768 -> 2304).
    case catAAprimeB = "cat-aa'b"
    /// e(a') - e(a): [P].
    case aPrimeMinusA = "ca'-ca"
    /// (e(a') - e(a)) + e(b): [P], evaluated left to right as Python does.
    case aPrimeMinusAPlusB = "ca'-ca+cb"

    /// Length of the query vector for embeddings of length `projectionDim`.
    public func queryDimension(projectionDim: Int) -> Int {
        self == .catAAprimeB ? 3 * projectionDim : projectionDim
    }

    /// Combines three embeddings of equal length elementwise in float32 (subtract, then add; each rounded).
    public func combine(a: [Float], aPrime: [Float], b: [Float]) throws -> [Float] {
        guard a.count == aPrime.count && a.count == b.count else {
            throw CLIPError.invalidInput("query \(rawValue): embeddings of lengths \(a.count), \(aPrime.count), \(b.count)")
        }
        switch self {
        case .catAAprimeB: return a + aPrime + b
        case .aPrimeMinusA: return (0..<a.count).map { aPrime[$0] - a[$0] }
        case .aPrimeMinusAPlusB: return (0..<a.count).map { (aPrime[$0] - a[$0]) + b[$0] }
        }
    }
}

/// CLIP vision tower plus its preprocessing: images in, embeddings and queries out.
public struct CLIPImageEncoder: Sendable {
    public let encoder: CLIPVisionEncoder
    public let preprocessor: CLIPPreprocessor

    public init(encoder: CLIPVisionEncoder, preprocessor: CLIPPreprocessor) throws {
        try preprocessor.validate()
        let cropOK = preprocessor.doCenterCrop
            && preprocessor.cropHeight == encoder.config.imageSize && preprocessor.cropWidth == encoder.config.imageSize
        guard cropOK else {
            throw CLIPError.invalidConfig("CLIP preprocessing must centre-crop to the encoder's \(encoder.config.imageSize)x\(encoder.config.imageSize)"
                + " (crop \(preprocessor.cropWidth)x\(preprocessor.cropHeight), do_center_crop \(preprocessor.doCenterCrop))")
        }
        self.encoder = encoder
        self.preprocessor = preprocessor
    }

    /// Loads a transformers CLIPVisionModelWithProjection folder: config.json, model.safetensors (or a sharded
    /// index, whatever `WeightSources.open` accepts) and, if present, preprocessor_config.json (else CLIP defaults
    /// sized to the config's image_size).
    public static func load(folder: String) throws -> CLIPImageEncoder {
        let url = URL(fileURLWithPath: folder)
        let config = try CLIPVisionConfig.load(path: url.appendingPathComponent("config.json").path)
        let weights = try WeightSources.open(path: folder)
        let encoder = try CLIPVisionEncoder(config: config, weights: weights, sourceName: folder)
        let preprocessorPath = url.appendingPathComponent("preprocessor_config.json").path
        let preprocessor = FileManager.default.fileExists(atPath: preprocessorPath)
            ? try CLIPPreprocessor.load(path: preprocessorPath)
            : CLIPPreprocessor(size: config.imageSize)
        return try CLIPImageEncoder(encoder: encoder, preprocessor: preprocessor)
    }

    /// image_embeds [N, P] of the images, preprocessed and encoded as one batch (rows are independent).
    public func embed(_ images: [RGBImage], backend: any Backend) throws -> Tensor {
        let pixels = try preprocessor.batch(images)
        return try encoder(pixels, backend: backend).imageEmbeds
    }

    /// The query vector [queryDimension] for the analogy a : a' :: b : ?.
    public func query(mode: QueryMode, a: RGBImage, aPrime: RGBImage, b: RGBImage, backend: any Backend) throws -> Tensor {
        let e = try embed([a, aPrime, b], backend: backend)
        let p = encoder.config.projectionDim
        let rows = (0..<3).map { Array(e.data[($0 * p)..<(($0 + 1) * p)]) }
        let q = try mode.combine(a: rows[0], aPrime: rows[1], b: rows[2])
        return Tensor(shape: [q.count], data: q)
    }
}
