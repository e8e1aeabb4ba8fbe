// What the flux-kontext family adds to a transformer: the VAE (images ↔ latents) and the two text encoders
// with their tokenizers (prompt → T5 sequence + CLIP pooled vector), loaded from a diffusers pipeline folder.
// Staged: the text encoders are checked when the folder loads but read only to encode a prompt that is neither
// in this process's memo nor in the stage cache, and dropped right after (T5-XXL alone is 4.8 B parameters).
// The VAE (84 M parameters) stays resident: staging it would save 1 % of the peak.
import Formats
import Foundation
import Models
import TensorCore
import Tokenizers

public final class KontextComponents: @unchecked Sendable {
    public let folder: KontextFolder
    public let vae: AutoencoderKL
    let clipTokenizer: CLIPTokenizer
    let t5Tokenizer: T5Tokenizer
    public let clipTextConfig: CLIPTextConfig
    public let t5Config: T5EncoderConfig
    /// FluxKontextPipeline's max_sequence_length (its default, 512; at most 512).
    public let maxSequenceLength: Int
    /// Prompt embeddings already computed in this process, by prompt text.
    private var prompts: [String: PromptEmbedding] = [:]
    private let lock = NSLock()

    public init(folder: KontextFolder, maxSequenceLength: Int = 512) throws {
        self.folder = folder
        self.maxSequenceLength = maxSequenceLength
        vae = try AutoencoderKL(folder: folder.vae)
        clipTokenizer = try CLIPTokenizer(folder: folder.tokenizer)
        t5Tokenizer = try T5Tokenizer(folder: folder.tokenizer2)
        clipTextConfig = try CLIPTextEncoder.checkFolder(folder.textEncoder)
        t5Config = try T5Encoder.checkFolder(folder.textEncoder2)
    }

    /// How many times the text encoders were read from their folders (a memo or cache hit reads nothing).
    public private(set) var textEncoderLoads = 0

    /// Checks that the parts fit the transformer: latent channels × 4 = in_channels, T5 width = joint_attention_dim,
    /// CLIP text width = pooled_projection_dim.
    func validate(against transformer: FluxTransformerConfig) throws {
        var problems: [String] = []
        let latent = vae.config.latentChannels
        if latent * 4 != transformer.inChannels {
            problems.append("vae: \(latent) latent channels pack into \(latent * 4) token channels, the transformer takes \(transformer.inChannels)")
        }
        if t5Config.dModel != transformer.jointAttentionDim {
            problems.append("text_encoder_2: d_model \(t5Config.dModel), the transformer's joint_attention_dim is \(transformer.jointAttentionDim)")
        }
        if clipTextConfig.hiddenSize != transformer.pooledProjectionDim {
            problems.append("text_encoder: hidden_size \(clipTextConfig.hiddenSize), the transformer's pooled_projection_dim is \(transformer.pooledProjectionDim)")
        }
        guard problems.isEmpty else { throw FormatError(path: folder.root, "components do not fit: " + problems.joined(separator: "; ")) }
    }

    /// FluxPipeline.encode_prompt: CLIP (77 tokens, padded, truncated) → pooler output [1, P]; T5 (max_sequence_length
    /// tokens, padded, truncated) → last hidden state [1, L, J]. The same prompt is encoded once per process, and
    /// once per `cache` (keyed by `modelKey`, the model's fingerprint, and the token ids). `beforeLoading` runs
    /// just before the encoders are read (the pipeline drops the transformer there).
    public func encodePrompt(_ text: String, backend: any Backend, cache: (any StageCache)? = nil,
                             modelKey: String = "", beforeLoading: () -> Void = {}) throws -> PromptEmbedding {
        lock.lock()
        let known = prompts[text]
        lock.unlock()
        if let known { return known }
        let clipIds = clipTokenizer.encode(text, maxLength: 77)
        let t5Ids = t5Tokenizer.encode(text, maxLength: maxSequenceLength)
        var truncated: [String] = []
        if clipIds.truncated { truncated.append("CLIP (77 tokens)") }
        if t5Ids.truncated { truncated.append("T5 (\(maxSequenceLength) tokens)") }
        let key = StageKey.make("prompt", model: modelKey,
                                parts: [clipIds.ids.map(String.init).joined(separator: ","), t5Ids.ids.map(String.init).joined(separator: ",")])
        let sequence: Tensor, pooled: Tensor
        if let stored = cache?.tensors(for: key), stored.count == 2 {
            (sequence, pooled) = (stored[0], stored[1])
        } else {
            beforeLoading()
            lock.lock()
            textEncoderLoads += 1
            lock.unlock()
            pooled = try CLIPTextEncoder(folder: folder.textEncoder)([clipIds.ids], backend: backend).pooled
            sequence = try T5Encoder(folder: folder.textEncoder2)([t5Ids.ids], backend: backend)  // dropped here
            ReturnFreedMemory.now()
            cache?.store([sequence, pooled], for: key)
        }
        let embedding = PromptEmbedding(text: text, embeds: sequence, pooled: pooled, truncatedBy: truncated)
        lock.lock()
        prompts[text] = embedding
        lock.unlock()
        return embedding
    }
}

/// A prompt as the transformer sees it.
public struct PromptEmbedding: Sendable {
    public let text: String
    /// T5 last hidden state [1, L, J].
    public let embeds: Tensor
    /// CLIP pooled output [1, P].
    public let pooled: Tensor
    /// The tokenizers that cut the prompt (empty when it fits both).
    public let truncatedBy: [String]
}
