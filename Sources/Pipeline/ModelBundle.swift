// A model folder: everything one analogy needs, in the layouts of the reference tools.
//
//   lorweb_model.json                         family, cell size, patch, query mode, defaults (ModelBundleConfig)
//   transformer/config.json + diffusion_pytorch_model.safetensors[.index.json]   (diffusers FluxTransformer2DModel)
//   image_encoder/config.json + model.safetensors [+ preprocessor_config.json]   (transformers CLIPVisionModelWithProjection)
//   scheduler/scheduler_config.json                                              (diffusers FlowMatchEulerDiscreteScheduler)
//   null_prompt.safetensors                   prompt_embeds [T, J], pooled_prompt_embeds [P] (stands in for text encoders)
//   basis.safetensors                         the default LoRA basis (official LoRWeB key format)
import Formats
import Foundation
import Models

public struct ModelBundleConfig: Codable, Sendable, Equatable {
    /// "mini" (pixel space). A lorweb_model.json folder of another family ("flux-kontext") runs in latent mode only;
    /// the full model loads from its diffusers folder (KontextFolder).
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

extension ModelBundleConfig {
    /// Reads a `lorweb_model.json`; a file that is not one is a FormatError naming it.
    public static func load(path: String) throws -> ModelBundleConfig {
        do {
            return try JSONDecoder().decode(ModelBundleConfig.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw FormatError(path: path, "not a usable model config: " + (SystemErrorText.cause(of: error) ?? "\(error)"))
        }
    }
}

/// The parts a `LoadedModel` is built from, each at its own path. A model folder gives them in its
/// layout (`init(bundle:)`); latent-mode and full-model users may assemble folders of their own.
public struct ModelComponents: Sendable {
    /// A `lorweb_model.json` (family, cell, patch, query mode, defaults).
    public var config: String
    /// A diffusers FluxTransformer2DModel folder.
    public var transformer: String
    /// A transformers CLIPVisionModelWithProjection folder (the query encoder).
    public var imageEncoder: String
    /// A diffusers FlowMatchEulerDiscreteScheduler `scheduler_config.json`.
    public var scheduler: String
    /// A safetensors file with prompt_embeds [T, J] and pooled_prompt_embeds [P].
    public var nullPrompt: String

    public init(config: String, transformer: String, imageEncoder: String, scheduler: String, nullPrompt: String) {
        self.config = config
        self.transformer = transformer
        self.imageEncoder = imageEncoder
        self.scheduler = scheduler
        self.nullPrompt = nullPrompt
    }

    public init(bundle root: String) {
        let layout = ModelBundleLayout(root: root)
        self.init(config: layout.bundleConfig, transformer: layout.transformerFolder, imageEncoder: layout.imageEncoderFolder,
                  scheduler: layout.schedulerConfig, nullPrompt: layout.nullPrompt)
    }

    /// The files whose bytes identify the model, in the order its fingerprint hashes them.
    var identityFiles: [String] {
        let transformerLayout = ModelBundleLayout(root: transformer), encoderLayout = ModelBundleLayout(root: imageEncoder)
        return [config, transformerLayout.path("config.json"), transformerLayout.path("diffusion_pytorch_model.safetensors"),
                encoderLayout.path("config.json"), encoderLayout.path("model.safetensors"), scheduler, nullPrompt]
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
