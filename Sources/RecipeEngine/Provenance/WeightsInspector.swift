// `lorweb inspect`: what a safetensors file holds (dtype/shape per tensor) and which model or basis
// it fits, judged by key patterns; for a PNG, its provenance.
import Formats

public enum WeightsInspector {
    public struct Summary: Sendable {
        public var rows: [(key: String, dtype: String, shape: [Int])]
        public var metadataKeys: [String]
        /// What the key patterns say the file is.
        public var verdicts: [String]
    }

    public static func inspect(safetensors path: String) throws -> Summary {
        let file = try SafetensorsFile(path: path)
        var rows: [(key: String, dtype: String, shape: [Int])] = []
        // Listed whatever the dtype: integer tensors (I64, U8, ...) are legal safetensors; only the
        // loaders that need floats refuse them.
        for key in file.keys.sorted() {
            rows.append((key, try file.storedDType(key), try file.storedShape(key)))
        }
        return Summary(rows: rows, metadataKeys: file.metadata.keys.sorted(), verdicts: verdicts(rows))
    }

    static func verdicts(_ rows: [(key: String, dtype: String, shape: [Int])]) -> [String] {
        let keys = rows.map(\.key)
        func count(_ predicate: (String) -> Bool) -> Int { keys.filter(predicate).count }
        var out: [String] = []
        let loraA = rows.filter { $0.key.hasSuffix(".lora_A") }
        let loraKeys = count { $0.hasSuffix(".lora_keys") }
        if !loraA.isEmpty && loraKeys > 0 {
            let n = loraA.first?.shape.first ?? 0
            let r = loraA.first?.shape.last ?? 0
            out.append("LoRWeB basis checkpoint: \(loraA.count) adapted modules, N = \(n) LoRAs, rank r = \(r), \(loraKeys) key sets (use: load basis \"FILE\" model)")
        } else if !loraA.isEmpty || count({ $0.contains("lora_down") || $0.contains("lora_up") }) > 0 {
            out.append("a plain LoRA (no lora_keys): not a LoRWeB basis")
        }
        let double = Set(keys.compactMap { blockIndex($0, prefix: "transformer_blocks.") })
        let single = Set(keys.compactMap { blockIndex($0, prefix: "single_transformer_blocks.") })
        if (!double.isEmpty || !single.isEmpty) && loraA.isEmpty {
            var text = "FLUX transformer weights (diffusers names): \(double.count) double-stream blocks, \(single.count) single-stream blocks"
            if let x = rows.first(where: { $0.key.hasSuffix("x_embedder.weight") }), x.shape.count == 2 {
                text += ", hidden size \(x.shape[0]), input channels \(x.shape[1])"
            }
            if double.count == 19 && single.count == 38 { text += " (FLUX.1 size)" }
            out.append(text)
        }
        let vision = Set(keys.compactMap { blockIndex($0, prefix: "vision_model.encoder.layers.") })
        if !vision.isEmpty { out.append("CLIP vision encoder (transformers names): \(vision.count) layers") }
        if out.isEmpty { out.append("no known model or basis key pattern") }
        return out
    }

    private static func blockIndex(_ key: String, prefix: String) -> Int? {
        guard let range = key.range(of: prefix) else { return nil }
        // "transformer_blocks." also occurs inside "single_transformer_blocks.": require a boundary.
        if range.lowerBound != key.startIndex, key[key.index(before: range.lowerBound)] != "." { return nil }
        return Int(key[range.upperBound...].prefix { $0.isNumber })
    }
}
