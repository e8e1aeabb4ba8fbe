// Configuration of the CLIP vision tower (transformers `CLIPVisionConfig`, config.json key names).
// Missing keys take transformers' defaults; a full `CLIPConfig` (with a nested "vision_config") is accepted too.

import Foundation

public struct CLIPVisionConfig: Codable, Sendable, Equatable {
    public var hiddenSize: Int = 768
    public var intermediateSize: Int = 3072
    public var projectionDim: Int = 512
    public var numHiddenLayers: Int = 12
    public var numAttentionHeads: Int = 12
    public var numChannels: Int = 3
    public var imageSize: Int = 224
    public var patchSize: Int = 32
    /// "quick_gelu" (CLIP), or the tanh GELU ("gelu_pytorch_tanh", "gelu_new"); others are refused.
    public var hiddenAct: String = "quick_gelu"
    public var layerNormEps: Double = 1e-5

    enum CodingKeys: String, CodingKey {
        case hiddenSize = "hidden_size"
        case intermediateSize = "intermediate_size"
        case projectionDim = "projection_dim"
        case numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads"
        case numChannels = "num_channels"
        case imageSize = "image_size"
        case patchSize = "patch_size"
        case hiddenAct = "hidden_act"
        case layerNormEps = "layer_norm_eps"
    }

    public init() {}

    /// openai/clip-vit-large-patch14, the encoder LoRWeB's release uses (Docs/LORWEB.md §2.1).
    public static let clipViTLargePatch14: CLIPVisionConfig = {
        var c = CLIPVisionConfig()
        c.hiddenSize = 1024
        c.intermediateSize = 4096
        c.projectionDim = 768
        c.numHiddenLayers = 24
        c.numAttentionHeads = 16
        c.imageSize = 224
        c.patchSize = 14
        return c
    }()

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = CLIPVisionConfig()
        hiddenSize = try c.decodeIfPresent(Int.self, forKey: .hiddenSize) ?? d.hiddenSize
        intermediateSize = try c.decodeIfPresent(Int.self, forKey: .intermediateSize) ?? d.intermediateSize
        projectionDim = try c.decodeIfPresent(Int.self, forKey: .projectionDim) ?? d.projectionDim
        numHiddenLayers = try c.decodeIfPresent(Int.self, forKey: .numHiddenLayers) ?? d.numHiddenLayers
        numAttentionHeads = try c.decodeIfPresent(Int.self, forKey: .numAttentionHeads) ?? d.numAttentionHeads
        numChannels = try c.decodeIfPresent(Int.self, forKey: .numChannels) ?? d.numChannels
        imageSize = try c.decodeIfPresent(Int.self, forKey: .imageSize) ?? d.imageSize
        patchSize = try c.decodeIfPresent(Int.self, forKey: .patchSize) ?? d.patchSize
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? d.hiddenAct
        layerNormEps = try c.decodeIfPresent(Double.self, forKey: .layerNormEps) ?? d.layerNormEps
    }

    public var headDim: Int { hiddenSize / numAttentionHeads }
    /// Patches per side (the conv drops remainder pixels, as torch does).
    public var gridSize: Int { imageSize / patchSize }
    /// Patch tokens plus the class token.
    public var tokenCount: Int { gridSize * gridSize + 1 }

    /// Every dimension positive, heads divide the width, the activation known.
    public func validate(source: String = "CLIP vision config") throws {
        let dims: [(String, Int)] = [("hidden_size", hiddenSize), ("intermediate_size", intermediateSize),
                                     ("projection_dim", projectionDim), ("num_hidden_layers", numHiddenLayers),
                                     ("num_attention_heads", numAttentionHeads), ("num_channels", numChannels),
                                     ("image_size", imageSize), ("patch_size", patchSize)]
        for (name, value) in dims where value <= 0 {
            throw CLIPError.invalidConfig("\(source): \(name) must be positive, got \(value)")
        }
        if hiddenSize % numAttentionHeads != 0 {
            throw CLIPError.invalidConfig("\(source): hidden_size \(hiddenSize) is not a multiple of num_attention_heads \(numAttentionHeads)")
        }
        if patchSize > imageSize {
            throw CLIPError.invalidConfig("\(source): patch_size \(patchSize) is larger than image_size \(imageSize)")
        }
        if CLIPActivation(configName: hiddenAct) == nil {
            throw CLIPError.invalidConfig("\(source): hidden_act \"\(hiddenAct)\" is not supported (quick_gelu, gelu_pytorch_tanh, gelu_new)")
        }
        if !(layerNormEps > 0) {
            throw CLIPError.invalidConfig("\(source): layer_norm_eps must be positive, got \(layerNormEps)")
        }
    }

    /// Decodes a vision config.json, or the "vision_config" of a full CLIP config.json (then a top-level
    /// projection_dim applies when the nested one is absent), and validates it.
    public static func decode(_ data: Data, source: String = "config.json") throws -> CLIPVisionConfig {
        struct Full: Decodable {
            let visionConfig: CLIPVisionConfig?
            let visionHasProjection: Bool
            let projectionDim: Int?
            enum Keys: String, CodingKey { case visionConfig = "vision_config", projectionDim = "projection_dim" }
            enum Inner: String, CodingKey { case projectionDim = "projection_dim" }
            init(from decoder: Decoder) throws {
                let c = try decoder.container(keyedBy: Keys.self)
                visionConfig = try c.decodeIfPresent(CLIPVisionConfig.self, forKey: .visionConfig)
                projectionDim = try c.decodeIfPresent(Int.self, forKey: .projectionDim)
                if c.contains(.visionConfig) {
                    let inner = try c.nestedContainer(keyedBy: Inner.self, forKey: .visionConfig)
                    visionHasProjection = inner.contains(.projectionDim)
                } else {
                    visionHasProjection = false
                }
            }
        }
        var config: CLIPVisionConfig
        do {
            let full = try JSONDecoder().decode(Full.self, from: data)
            if var vision = full.visionConfig {
                if !full.visionHasProjection, let p = full.projectionDim { vision.projectionDim = p }
                config = vision
            } else {
                config = try JSONDecoder().decode(CLIPVisionConfig.self, from: data)
            }
        } catch let error as CLIPError {
            throw error
        } catch {
            throw CLIPError.invalidConfig("\(source): \(error)")
        }
        try config.validate(source: source)
        return config
    }

    public static func load(path: String) throws -> CLIPVisionConfig {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CLIPError.invalidConfig("\(path): cannot read (\(error.localizedDescription))")
        }
        return try decode(data, source: path)
    }
}

/// The MLP activation named by `hidden_act`.
public enum CLIPActivation: Sendable, Equatable {
    /// x * sigmoid(1.702 x).
    case quickGelu
    /// GELU, tanh approximation.
    case geluTanh

    public init?(configName: String) {
        switch configName {
        case "quick_gelu": self = .quickGelu
        case "gelu_pytorch_tanh", "gelu_new": self = .geluTanh
        default: return nil
        }
    }
}

/// Errors of the CLIP image encoder: configs, weights, inputs.
public enum CLIPError: Error, CustomStringConvertible, Equatable {
    case invalidConfig(String)
    /// Weight keys the model needs but the source lacks, keys the source has but the model does not use,
    /// and keys whose shape differs ("key: expected [..], found [..]").
    case weightMismatch(source: String, missing: [String], unused: [String], wrongShape: [String])
    case invalidInput(String)

    public var description: String {
        switch self {
        case .invalidConfig(let m): return m
        case .invalidInput(let m): return m
        case let .weightMismatch(source, missing, unused, wrongShape):
            func list(_ title: String, _ keys: [String]) -> String? {
                guard !keys.isEmpty else { return nil }
                let shown = keys.prefix(8).joined(separator: ", ")
                return "\(keys.count) \(title): \(shown)\(keys.count > 8 ? ", …" : "")"
            }
            let parts = [list("missing", missing), list("unused", unused), list("with the wrong shape", wrongShape)]
                .compactMap { $0 }
            return "\(source): CLIP vision weights do not fit the config; " + parts.joined(separator: "; ")
        }
    }
}
