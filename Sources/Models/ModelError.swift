// Errors of the Models layer: values with a message a user can act on (which file, which key, what was wrong).

public enum ModelError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A config file that cannot be used.
    case config(path: String, String)
    /// Weights that do not fit the model: missing keys, unused keys, wrong shapes or dtypes.
    case weights(source: String, String)
    /// An adapter checkpoint (LoRWeB basis or LoRA) that does not fit the model.
    case adapter(source: String, String)
    /// Inputs of a forward pass with inconsistent shapes.
    case input(String)

    public var description: String {
        switch self {
        case .config(let path, let message): return "\(path): \(message)"
        case .weights(let source, let message): return "\(source): \(message)"
        case .adapter(let source, let message): return "\(source): \(message)"
        case .input(let message): return "invalid transformer input: \(message)"
        }
    }
}
