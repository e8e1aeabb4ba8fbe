// The Pipeline layer's public surface, which the recipe layer and the CLI call.
import Formats
import Foundation
import InstalledBackends
import Models
import Numerics
import TensorCore

public enum PipelineError: Error, CustomStringConvertible, Equatable {
    case invalid(String)
    /// An argument outside what the pipeline accepts: its name (as `SampleOptions` and the recipe steps
    /// spell it, so the recipe layer can point at it) and why.
    case argument(String, String)
    case cancelled

    public var description: String {
        switch self {
        case .invalid(let message): return message
        case .argument(let name, let message): return "\(name): \(message)"
        case .cancelled: return "cancelled"
        }
    }
}

/// Where and how the numbers are computed. Outputs never depend on `threads`.
public struct ExecutionContext: Sendable {
    public var threads: Int
    /// A device of `registry`: "cpu", or e.g. "vulkan:N" in a GPU build (a bare family name: its first device).
    public var device: String
    /// Keep only the transformer block in use resident (FluxTransformer's streaming mode): the full model in a
    /// third of the memory, its blocks re-read from the memory-mapped checkpoint every step. Bytes unchanged.
    public var streamWeights: Bool
    public init(threads: Int = 2, device: String = "cpu", streamWeights: Bool = false) {
        self.threads = threads
        self.device = device
        self.streamWeights = streamWeights
    }

    /// What an output file records as its backend (PNG provenance, golden manifest): the numerics it reproduces,
    /// not the device. Every device computes the exact mode's bytes, so a file is a pure function of (recipe,
    /// inputs, weights, seed) and names the reference those bytes belong to: "cpu", on every device.
    public var provenanceBackend: String { "cpu" }

    /// The devices this binary can compute on: every backend target built in, as InstalledBackends registers them
    /// (tests may register more).
    public static var registry: BackendRegistry { InstalledBackends.registry }

    /// Checks a --device value against this machine's devices; the error lists them.
    public static func validate(device: String) throws {
        do { _ = try registry.resolve(device) } catch { throw PipelineError.invalid("\(error)") }
    }

    func backend() throws -> any Backend {
        do { return try Self.registry.open(device, threads: max(1, threads)) } catch {
            throw PipelineError.invalid("\(error)")
        }
    }
}

/// A model ready to sample: transformer, image encoder, scheduler, config, and either a stored null prompt
/// (`mini`) or the VAE and text encoders of a diffusers FluxKontextPipeline folder (`flux-kontext`).
public final class LoadedModel: @unchecked Sendable {
    public let name: String
    /// SHA-256 (hex) over the bundle's weight and config files, for provenance and cache keys.
    public let sha256: String
    public let folder: String
    public let config: ModelBundleConfig
    public let transformerConfig: FluxTransformerConfig
    /// `mini`: resident from the start. flux-kontext: loaded at the first step, dropped while the text encoders
    /// run and before the VAE decode (StagedPart).
    let stagedTransformer: StagedPart<FluxTransformer>
    /// LoRWeB's query encoder. flux-kontext: dropped after each `encode pair` (read again for the next one), so
    /// it is not resident during the steps.
    let stagedImageEncoder: StagedPart<CLIPImageEncoder>
    /// The image encoder's projection width (the query is a multiple of it).
    public let imageProjectionDim: Int
    public let scheduler: FlowMatchScheduler
    public let queryMode: QueryMode
    /// The stored null prompt (prompt_embeds [1, T, J], pooled_prompt_embeds [1, P]) of a model without text encoders.
    public let nullPrompt: (embeds: Tensor, pooled: Tensor)?
    /// VAE, text encoders and tokenizers (the flux-kontext family); nil for `mini`.
    public let kontext: KontextComponents?
    let backend: any Backend
    public let context: ExecutionContext

    /// A model from its parts (see ModelComponents), of any family: `mini` models sample images here;
    /// others run in latent mode (`AnalogyPipeline.denoise`) until their VAE is supported.
    public init(name: String, components: ModelComponents, context: ExecutionContext = ExecutionContext()) throws {
        let config = try ModelBundleConfig.load(path: components.config)
        guard let mode = QueryMode(rawValue: config.queryMode) else {
            throw PipelineError.invalid("\(components.config): unknown query_mode '\(config.queryMode)'")
        }
        self.name = name
        self.folder = URL(fileURLWithPath: components.config).deletingLastPathComponent().path
        self.config = config
        self.queryMode = mode
        self.context = context
        backend = try context.backend()
        let transformer = try FluxTransformer.load(folder: components.transformer, streaming: context.streamWeights)
        transformerConfig = transformer.config
        stagedTransformer = StagedPart(resident: transformer)
        let imageEncoder = try CLIPImageEncoder.load(folder: components.imageEncoder)
        stagedImageEncoder = StagedPart(resident: imageEncoder)
        imageProjectionDim = imageEncoder.encoder.config.projectionDim
        scheduler = try FlowMatchScheduler(config: FlowMatchSchedulerConfig.load(path: components.scheduler))
        let prompt = try SafetensorsFile(path: components.nullPrompt)
        let embeds = try prompt.tensor("prompt_embeds")
        let pooled = try prompt.tensor("pooled_prompt_embeds")
        guard embeds.rank == 2, embeds.shape[1] == transformer.config.jointAttentionDim,
              pooled.shape == [transformer.config.pooledProjectionDim] else {
            throw PipelineError.invalid("\(components.nullPrompt): prompt_embeds \(embeds.shape) / pooled \(pooled.shape) "
                + "do not fit joint_attention_dim \(transformer.config.jointAttentionDim), "
                + "pooled_projection_dim \(transformer.config.pooledProjectionDim)")
        }
        nullPrompt = (Tensor(shape: [1] + embeds.shape, data: embeds.data), Tensor(shape: [1] + pooled.shape, data: pooled.data))
        kontext = nil
        sha256 = try ModelRegistry.fingerprint(files: components.identityFiles)
    }

    /// A diffusers FluxKontextPipeline folder (see KontextFolder) with LoRWeB's query encoder from its own folder
    /// (a transformers CLIPVisionModelWithProjection, e.g. clip-vit-large-patch14).
    public init(kontextFolder root: String, imageEncoder: String, queryMode: QueryMode = .catAAprimeB,
                name: String? = nil, context: ExecutionContext = ExecutionContext()) throws {
        let folder = KontextFolder(root: root)
        try folder.validate()
        self.name = name ?? root
        self.folder = root
        self.queryMode = queryMode
        self.context = context
        backend = try context.backend()
        let transformerFolder = folder.transformer
        transformerConfig = try FluxTransformer.checkFolder(transformerFolder)
        let streaming = context.streamWeights
        stagedTransformer = StagedPart { try FluxTransformer.load(folder: transformerFolder, streaming: streaming) }
        scheduler = try FlowMatchScheduler(config: FlowMatchSchedulerConfig.load(path: folder.schedulerConfig))
        let encoderFolder = imageEncoder
        let encoder = try CLIPImageEncoder.load(folder: encoderFolder)
        stagedImageEncoder = StagedPart(loaded: encoder, reload: { try CLIPImageEncoder.load(folder: encoderFolder) })
        imageProjectionDim = encoder.encoder.config.projectionDim
        let parts = try KontextComponents(folder: folder)
        try parts.validate(against: transformerConfig)
        kontext = parts
        nullPrompt = nil
        config = ModelBundleConfig(family: "flux-kontext", cell: 512, patch: parts.vae.scaleFactor * 2,
                                   queryMode: queryMode.rawValue, defaultSteps: 28, defaultGuidance: 2.5)
        sha256 = try ModelRegistry.fingerprint(files: try ModelRegistry.filesBelow([root, imageEncoder]))
    }

    /// `nameOrPath` is a registry name ("mini"), a model folder path (see ModelBundleLayout), or a diffusers
    /// FluxKontextPipeline folder (model_index.json), which needs `imageEncoder`, LoRWeB's query encoder.
    /// `name` (default `nameOrPath`) is what provenance and cache keys record: a recipe passes the reference as
    /// written, so the bytes of its outputs do not depend on the folder it was run from.
    public static func load(_ nameOrPath: String, imageEncoder: String? = nil, queryMode: String? = nil,
                            name: String? = nil, context: ExecutionContext = ExecutionContext()) throws -> LoadedModel {
        let mode = try queryMode.map { text -> QueryMode in
            guard let mode = QueryMode(rawValue: text) else {
                throw PipelineError.argument("query-mode", "unknown query mode '\(text)': one of "
                    + QueryMode.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return mode
        }
        if KontextFolder.isPipelineFolder(nameOrPath) {
            guard let imageEncoder else {
                throw PipelineError.argument("image-encoder", "the flux-kontext folder \(nameOrPath) needs LoRWeB's query encoder: "
                    + "load model \"\(nameOrPath)\" image-encoder: \"path/to/clip-vit-large-patch14\"")
            }
            return try LoadedModel(kontextFolder: nameOrPath, imageEncoder: imageEncoder, queryMode: mode ?? .catAAprimeB,
                                   name: name ?? nameOrPath, context: context)
        }
        guard imageEncoder == nil, mode == nil else {
            throw PipelineError.argument(imageEncoder != nil ? "image-encoder" : "query-mode",
                                         "only a flux-kontext pipeline folder takes it; '\(nameOrPath)' brings its own")
        }
        let components = ModelComponents(bundle: try ModelRegistry.folder(for: nameOrPath))
        let family = try ModelBundleConfig.load(path: components.config).family
        guard family == "mini" else {
            throw PipelineError.invalid("model family '\(family)' in a lorweb_model.json folder runs in latent mode only "
                + "(LoadedModel(name:components:)); the full model loads from its diffusers folder (model_index.json)")
        }
        return try LoadedModel(name: name ?? nameOrPath, components: components, context: context)
    }

    var codec: PixelSpaceCodec { PixelSpaceCodec(patch: config.patch) }

    /// The transformer with its weights, loaded now if it is not resident (flux-kontext's staged loading).
    public func transformer() throws -> FluxTransformer { try stagedTransformer.get() }

    /// The query encoder, loaded again if a flux-kontext `encode pair` dropped it.
    public func imageEncoder() throws -> CLIPImageEncoder { try stagedImageEncoder.get() }

    /// Whether the query encoder's weights are in memory now.
    public var imageEncoderIsResident: Bool { stagedImageEncoder.isResident }

    /// Whether the transformer's weights are in memory now.
    public var transformerIsResident: Bool { stagedTransformer.isResident }

    /// The query modes a model can encode (`load model … query-mode:`).
    public static var queryModeNames: [String] { QueryMode.allCases.map(\.rawValue) }
}

/// A LoRA basis (official LoRWeB checkpoint format) bound to a model.
public final class LoadedBasis: @unchecked Sendable {
    public let name: String
    public let sha256: String
    /// Number of LoRAs in the basis.
    public let size: Int
    public let basis: LoRWeBBasis
    let backend: any Backend

    init(name: String, path: String, model: LoadedModel) throws {
        self.name = name
        // The official checkpoint's config.yaml beside it (Docs/LORWEB.md §1.1) sets heads, softmax and mixing.
        let yaml = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("config.yaml").path
        let checkpointConfig = FileManager.default.fileExists(atPath: yaml) ? try LoRWeBCheckpointConfig.load(path: yaml) : nil
        if let wanted = checkpointConfig?.queryMode, wanted != model.queryMode.rawValue {
            throw PipelineError.invalid("\(yaml): the basis was trained with query_mode '\(wanted)', the model encodes "
                + "'\(model.queryMode.rawValue)' (load model … query-mode: \"\(wanted)\")")
        }
        basis = try LoRWeBBasis.load(path: path, config: model.transformerConfig, options: checkpointConfig?.options ?? .release)
        let queryWidth = model.queryMode.queryDimension(projectionDim: model.imageProjectionDim)
        guard basis.layout.queryDim == queryWidth else {
            throw PipelineError.invalid("\(path): the basis takes a \(basis.layout.queryDim)-wide query; the model's image encoder "
                + "gives \(queryWidth) (projection_dim \(model.imageProjectionDim), query mode "
                + "\(model.queryMode.rawValue))")
        }
        size = basis.layout.basisSize
        backend = model.backend
        sha256 = try SHA256.hex(fileAt: path)
    }

    /// "mini" (or any registry model name): that model's default basis; else a .safetensors path. `name` as in
    /// `LoadedModel.load`.
    public static func load(_ nameOrPath: String, for model: LoadedModel, name: String? = nil) throws -> LoadedBasis {
        let path = nameOrPath.hasSuffix(".safetensors")
            ? nameOrPath : ModelBundleLayout(root: try ModelRegistry.folder(for: nameOrPath)).basisWeights
        guard FileManager.default.fileExists(atPath: path) else {
            throw PipelineError.invalid("basis file not found: \(path)")
        }
        return try LoadedBasis(name: name ?? nameOrPath, path: path, model: model)
    }
}

/// The query embedding of one analogy (a, a', b), plus the images it came from.
public struct Query: Sendable {
    public var embedding: Tensor
    public var a: RGBImage
    public var aPrime: RGBImage
    public var b: RGBImage

    /// A query supplied as a tensor (latent-mode seam: e.g. a reference implementation's embedding).
    public init(embedding: Tensor, a: RGBImage, aPrime: RGBImage, b: RGBImage) {
        self.embedding = embedding
        self.a = a
        self.aPrime = aPrime
        self.b = b
    }
}

/// Per-layer mixing coefficients over a basis: one point in the space of LoRAs.
public struct Mix: Sendable {
    public var basis: LoadedBasis
    /// Layer names (checkpoint module paths) in model order.
    public var layers: [String]
    /// coefficients[i] has `basis.size` entries for layers[i].
    public var coefficients: [[Float]]

    public init(basis: LoadedBasis, layers: [String], coefficients: [[Float]]) {
        self.basis = basis
        self.layers = layers
        self.coefficients = coefficients
    }
}

/// Where the initial noise comes from.
public enum NoiseSource: Sendable {
    /// Philox4x32-10 keyed by seed, stream from the recipe binding name (Docs/NUMERICS.md "Random numbers").
    case canonical(seed: UInt64, stream: UInt64)
    /// torch.randn on a CPU generator, bit-for-bit (kernel: "avx2" or "generic").
    case torchCPU(seed: UInt64, kernel: String)
    /// torch.randn on a CUDA generator (Philox as PyTorch's CUDA kernel assigns it), cast to dtype "bf16" or "f32";
    /// residentThreads: the GPU's SMs × max threads per SM (nil: enough for the draw). See Docs/TORCH_RANDN.md §7.
    case torchCUDA(seed: UInt64, dtype: String, residentThreads: Int?)
    /// Supplied tensor: [3, H, W] image-layout noise (packed like FLUX packs latents) or packed tokens [N, C].
    case tensor(Tensor)
}

public struct SampleOptions: Sendable {
    /// The sampling steps the pipeline accepts.
    public static let stepRange = 1...1000
    public var steps: Int = 20
    public var guidance: Float = 2.5
    public var noise: NoiseSource = .canonical(seed: 0, stream: 0)
    /// The edit instruction (flux-kontext only; nil: the empty prompt). mini has no text encoders.
    public var prompt: String? = nil
    /// flux-kontext: the output's area in pixels (FluxKontextPipeline's max_area; nil: 1024²).
    public var maxArea: Int? = nil
    /// flux-kontext: snap the reference image to the nearest PREFERRED_KONTEXT_RESOLUTIONS entry (the pipeline's
    /// `_auto_resize`, on by default as in LoRWeB's inference).
    public var autoResize: Bool = true
    /// Called after each step with (step, total); return false to cancel.
    public var progress: (@Sendable (Int, Int) -> Bool)? = nil
    /// Warnings for the user (e.g. a prompt cut by a tokenizer).
    public var note: (@Sendable (String) -> Void)? = nil
    /// Where prompt embeddings and reference latents are kept between runs (flux-kontext); nil: not kept.
    public var stageCache: (any StageCache)? = nil
    public init() {}
}
