// The Pipeline layer's public surface, which the recipe layer and the CLI call.
// INTERIM: signatures are the contract; bodies throw `notImplemented` until the models land.
import Formats
import Numerics
import TensorCore

public enum PipelineError: Error, CustomStringConvertible, Equatable {
    case notImplemented(String)
    case invalid(String)
    case cancelled

    public var description: String {
        switch self {
        case .notImplemented(let what): return "\(what) is not implemented yet"
        case .invalid(let message): return message
        case .cancelled: return "cancelled"
        }
    }
}

/// Where and how the numbers are computed. Outputs never depend on `threads`.
public struct ExecutionContext: Sendable {
    public var threads: Int
    /// "cpu" today; "vulkan:N" later.
    public var device: String
    public init(threads: Int = 2, device: String = "cpu") {
        self.threads = threads
        self.device = device
    }
}

/// A model bundle ready to sample: transformer, image encoder, null-prompt embedding, config.
public final class LoadedModel: @unchecked Sendable {
    public let name: String
    /// SHA-256 (hex) over the weight files, for provenance and cache keys.
    public let sha256: String

    init(name: String, sha256: String) {
        self.name = name
        self.sha256 = sha256
    }

    /// `name` is a registry name ("mini") or a folder path (diffusers layout).
    public static func load(_ nameOrPath: String, context: ExecutionContext = ExecutionContext()) throws -> LoadedModel {
        throw PipelineError.notImplemented("load model")
    }
}

/// A LoRA basis (official LoRWeB checkpoint format) bound to a model.
public final class LoadedBasis: @unchecked Sendable {
    public let name: String
    public let sha256: String
    /// Number of LoRAs in the basis.
    public let size: Int

    init(name: String, sha256: String, size: Int) {
        self.name = name
        self.sha256 = sha256
        self.size = size
    }

    public static func load(_ nameOrPath: String, for model: LoadedModel) throws -> LoadedBasis {
        throw PipelineError.notImplemented("load basis")
    }
}

/// The query embedding of one analogy (a, a', b), plus the images it came from.
public struct Query: Sendable {
    public var embedding: Tensor
    public var a: RGBImage
    public var aPrime: RGBImage
    public var b: RGBImage
}

/// Per-layer mixing coefficients over a basis: one point in the space of LoRAs.
public struct Mix: Sendable {
    public var basis: LoadedBasis
    /// Layer names (checkpoint module paths) in model order.
    public var layers: [String]
    /// coefficients[i] has `basis.size` entries for layers[i].
    public var coefficients: [[Float]]
}

/// Where the initial noise comes from.
public enum NoiseSource: Sendable {
    /// Philox4x32-10 keyed by seed, stream from the recipe binding name (NUMERICS.md).
    case canonical(seed: UInt64, stream: UInt64)
    /// torch.randn on a CPU generator, bit-for-bit (kernel: "avx2" or "generic").
    case torchCPU(seed: UInt64, kernel: String)
    /// Supplied tensor in the model's packed latent layout.
    case tensor(Tensor)
}

public struct SampleOptions: Sendable {
    public var steps: Int = 20
    public var guidance: Float = 2.5
    public var noise: NoiseSource = .canonical(seed: 0, stream: 0)
    /// Called after each step with (step, total); return false to cancel.
    public var progress: (@Sendable (Int, Int) -> Bool)? = nil
    public init() {}
}

public enum AnalogyPipeline {
    public static func encodePair(_ model: LoadedModel, a: RGBImage, aPrime: RGBImage, b: RGBImage) throws -> Query {
        throw PipelineError.notImplemented("encode pair")
    }

    public static func blend(_ basis: LoadedBasis, query: Query) throws -> Mix {
        throw PipelineError.notImplemented("blend")
    }

    /// Samples b' for the analogy in `query` with the LoRA given by `mix` (nil: base model alone).
    public static func sample(_ model: LoadedModel, query: Query, mix: Mix?, options: SampleOptions) throws -> RGBImage {
        throw PipelineError.notImplemented("sample")
    }
}
