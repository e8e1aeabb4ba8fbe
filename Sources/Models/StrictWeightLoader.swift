// Strict loading: a checkpoint must hold exactly the expected keys with the expected shapes.
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

struct StrictWeightLoader {
    let source: any WeightSource
    let name: String

    /// Checks every expected key and shape against the source before anything is read.
    /// Fails with the missing keys, the unused keys, or the first shape mismatch (key and both shapes).
    init(source: any WeightSource, expected: [(key: String, shape: [Int])]) throws {
        self.source = source
        self.name = describe(source)
        let expectedKeys = Set(expected.map(\.key))
        let missing = expected.map(\.key).filter { !source.contains($0) }
        let unused = source.keys.filter { !expectedKeys.contains($0) }
        if !missing.isEmpty || !unused.isEmpty {
            var parts: [String] = []
            if !missing.isEmpty { parts.append("\(missing.count) missing key(s): \(Self.list(missing))") }
            if !unused.isEmpty { parts.append("\(unused.count) unused key(s): \(Self.list(unused))") }
            throw ModelError.weights(source: name, "checkpoint does not fit the config: " + parts.joined(separator: "; "))
        }
        for (key, shape) in expected {
            let info: TensorInfo
            do { info = try source.info(key) } catch { throw ModelError.weights(source: name, "\(error)") }
            if info.shape != shape {
                throw ModelError.weights(source: name, "\"\(key)\" has shape \(info.shape), the config needs \(shape)")
            }
        }
    }

    static func list(_ keys: [String]) -> String {
        keys.prefix(5).map { "\"\($0)\"" }.joined(separator: ", ") + (keys.count > 5 ? ", …" : "")
    }

    /// The Linear at `spec.path`, packed once from its stored dtype (f32/f16/bf16 widen exactly).
    func linear(_ spec: FluxLinearSpec) throws -> PackedLinear {
        do {
            let w = try source.info(spec.path + ".weight")
            let b = spec.hasBias ? try source.info(spec.path + ".bias") : nil
            let packed = try PackedLinear(weight: try source.rawBytes(spec.path + ".weight"), dtype: w.dtype, shape: w.shape,
                                          bias: spec.hasBias ? try source.rawBytes(spec.path + ".bias") : nil,
                                          biasDType: b?.dtype)
            source.releasePages(spec.path + ".weight")  // peak RSS: packed weights + one stored tensor
            return packed
        } catch let error as ModelError {
            throw error
        } catch {
            throw ModelError.weights(source: name, "\(spec.path): \(error)")
        }
    }

    func tensor(_ key: String) throws -> Tensor {
        do { return try source.tensor(key) } catch { throw ModelError.weights(source: name, "\(key): \(error)") }
    }
}
