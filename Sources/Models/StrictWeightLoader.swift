// Strict loading, for every model: a checkpoint must hold exactly the expected keys with the expected shapes.
// Missing and unused keys are both reported (ARCHITECTURE "silent key drift" is a bug, not a feature).
import Formats
import Numerics
import TensorCore

/// A human-readable name for a weight source (its path when it has one).
func describe(_ source: any WeightSource) -> String {
    if let file = source as? SafetensorsFile { return file.path }
    if let sharded = source as? ShardedSafetensors { return sharded.indexPath }
    return String(describing: type(of: source))
}

/// Everything a source gets wrong against the expected keys, found from the headers alone (in expected order).
struct WeightMismatch {
    var missing: [String] = []
    var unused: [String] = []
    var wrongShapes: [(key: String, found: [Int], expected: [Int])] = []
    var isEmpty: Bool { missing.isEmpty && unused.isEmpty && wrongShapes.isEmpty }
}

struct StrictWeightLoader {
    let source: any WeightSource
    let name: String
    /// Prepended to every key the loader reads (e.g. "image_encoder." inside a pipeline checkpoint).
    let prefix: String

    /// Checks every expected key (full keys, prefix included) and shape against the source before anything is
    /// read. `strict`: no other key may appear under `prefix` except `ignorable` ones. A mismatch becomes the
    /// error `report` makes of it (each model words its own).
    init(source: any WeightSource, expected: [(key: String, shape: [Int])], name: String? = nil, prefix: String = "",
         strict: Bool = true, ignorable: Set<String> = [], report: (WeightMismatch, String) -> any Error = fluxReport) throws {
        self.source = source
        self.name = name ?? describe(source)
        self.prefix = prefix
        var mismatch = WeightMismatch()
        for (key, shape) in expected {
            guard source.contains(key) else { mismatch.missing.append(key); continue }
            let info: TensorInfo
            do { info = try source.info(key) } catch { throw ModelError.weights(source: self.name, "\(error)") }
            if info.shape != shape { mismatch.wrongShapes.append((key, info.shape, shape)) }
        }
        if strict {
            let known = Set(expected.map(\.key))
            mismatch.unused = source.keys.filter { $0.hasPrefix(prefix) && !known.contains($0) && !ignorable.contains($0) }
        }
        if !mismatch.isEmpty { throw report(mismatch, self.name) }
    }

    /// The missing and unused keys, else the first wrong shape (FLUX's wording).
    static func fluxReport(_ m: WeightMismatch, _ name: String) -> any Error {
        if !m.missing.isEmpty || !m.unused.isEmpty {
            var parts: [String] = []
            if !m.missing.isEmpty { parts.append("\(m.missing.count) missing key(s): \(list(m.missing))") }
            if !m.unused.isEmpty { parts.append("\(m.unused.count) unused key(s): \(list(m.unused))") }
            return ModelError.weights(source: name, "checkpoint does not fit the config: " + parts.joined(separator: "; "))
        }
        let first = m.wrongShapes[0]
        return ModelError.weights(source: name, "\"\(first.key)\" has shape \(first.found), the config needs \(first.expected)")
    }

    static func list(_ keys: [String]) -> String {
        keys.prefix(5).map { "\"\($0)\"" }.joined(separator: ", ") + (keys.count > 5 ? ", …" : "")
    }

    /// The Linear at `path` (+ ".weight", ".bias" when `bias`), packed once from its stored dtype (f32/f16/bf16
    /// widen exactly); a conv weight [O, C, p, p] packs as [O, C·p·p].
    func linear(_ path: String, bias: Bool) throws -> PackedLinear {
        let weightKey = prefix + path + ".weight", biasKey = prefix + path + ".bias"
        do {
            let w = try source.info(weightKey)
            let b = bias ? try source.info(biasKey) : nil
            let packed = try PackedLinear(weight: try source.rawBytes(weightKey), dtype: w.dtype, shape: w.shape,
                                          bias: bias ? try source.rawBytes(biasKey) : nil, biasDType: b?.dtype)
            source.releasePages(weightKey)  // peak RSS: packed weights + one stored tensor
            return packed
        } catch let error as ModelError {
            throw error
        } catch {
            throw ModelError.weights(source: name, "\(path): \(error)")
        }
    }

    func linear(_ spec: FluxLinearSpec) throws -> PackedLinear { try linear(spec.path, bias: spec.hasBias) }

    func tensor(_ key: String) throws -> Tensor {
        do { return try source.tensor(prefix + key) } catch { throw ModelError.weights(source: name, "\(key): \(error)") }
    }
}
