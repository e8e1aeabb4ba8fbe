// A content-addressed store for the costly intermediate results of one sampling run that other runs reuse:
// prompt embeddings (T5-XXL + CLIP-L) and the VAE latents of a reference grid. The recipe layer plugs in its
// content-hash cache (StepCache); without one they are recomputed (prompt embeddings are also kept per process).
import Formats
import TensorCore

public protocol StageCache: Sendable {
    /// The tensors stored under `key` (a SHA-256 hex digest), or nil.
    func tensors(for key: String) -> [Tensor]?
    /// Stores tensors under `key`; a failure to store is not an error (the result is just not reused).
    func store(_ tensors: [Tensor], for key: String)
}

enum StageKey {
    /// SHA-256 over a stage name, the model's fingerprint and the stage's own inputs.
    static func make(_ stage: String, model: String, parts: [String], bytes: [UInt8] = []) -> String {
        var hasher = SHA256.Hasher()
        hasher.update("lorweb-stage/1\n\(stage)\n\(model)\n")
        for part in parts { hasher.update("\(part.utf8.count):"); hasher.update(part) }
        hasher.update(bytes)
        return hasher.finalizeHex()
    }
}
