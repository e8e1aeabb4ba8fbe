// A model folder: everything one analogy needs, in the layouts of the reference tools.
//
//   lorweb_model.json                         family, cell size, patch, query mode, defaults (ModelBundleConfig)
//   transformer/config.json + diffusion_pytorch_model.safetensors[.index.json]   (diffusers FluxTransformer2DModel)
//   image_encoder/config.json + model.safetensors [+ preprocessor_config.json]   (transformers CLIPVisionModelWithProjection)
//   scheduler/scheduler_config.json                                              (diffusers FlowMatchEulerDiscreteScheduler)
//   null_prompt.safetensors                   prompt_embeds [T, J], pooled_prompt_embeds [P] (stands in for text encoders)
//   basis.safetensors                         the default LoRA basis (official LoRWeB key format)
import Foundation
import Models

public struct ModelBundleConfig: Codable, Sendable, Equatable {
    /// "mini" (pixel space); "flux-kontext" needs a VAE, which is not supported yet.
    public var family: String
    /// Side of one grid cell in pixels.
    public var cell: Int
    /// Pixels per token side (pixel-space codec).
    public var patch: Int
    public var queryMode: String
    public var defaultSteps: Int
    public var defaultGuidance: Float

    enum CodingKeys: String, CodingKey {
        case family, cell, patch, queryMode = "query_mode", defaultSteps = "default_steps"
        case defaultGuidance = "default_guidance"
    }

    public init(family: String, cell: Int, patch: Int, queryMode: String, defaultSteps: Int, defaultGuidance: Float) {
        self.family = family
        self.cell = cell
        self.patch = patch
        self.queryMode = queryMode
        self.defaultSteps = defaultSteps
        self.defaultGuidance = defaultGuidance
    }
}

public struct ModelBundleLayout: Sendable {
    public let root: String
    public init(root: String) { self.root = root }

    func path(_ components: String...) -> String {
        components.reduce(URL(fileURLWithPath: root)) { $0.appendingPathComponent($1) }.path
    }

    public var bundleConfig: String { path("lorweb_model.json") }
    public var transformerFolder: String { path("transformer") }
    public var transformerConfig: String { path("transformer", "config.json") }
    public var transformerWeights: String { path("transformer", "diffusion_pytorch_model.safetensors") }
    public var imageEncoderFolder: String { path("image_encoder") }
    public var imageEncoderConfig: String { path("image_encoder", "config.json") }
    public var imageEncoderWeights: String { path("image_encoder", "model.safetensors") }
    public var schedulerFolder: String { path("scheduler") }
    public var schedulerConfig: String { path("scheduler", "scheduler_config.json") }
    public var nullPrompt: String { path("null_prompt.safetensors") }
    public var basisWeights: String { path("basis.safetensors") }
}
