// `lorweb inspect`: what a safetensors file holds (dtype/shape per tensor) and which model or basis
// it fits, judged by key patterns; for a PNG, its provenance.
import Formats
import Models

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

    /// The key patterns are Models' own (CheckpointKeys).
    static func verdicts(_ rows: [(key: String, dtype: String, shape: [Int])]) -> [String] {
        let keys = rows.map(\.key)
        func count(_ predicate: (String) -> Bool) -> Int { keys.filter(predicate).count }
        var out: [String] = []
        let loraA = rows.filter { CheckpointKeys.isLoRADown($0.key) }
        let loraKeys = count(CheckpointKeys.isBasisKeys)
        if !loraA.isEmpty && loraKeys > 0 {
            let n = loraA.first?.shape.first ?? 0
            let r = loraA.first?.shape.last ?? 0
            out.append("LoRWeB basis checkpoint: \(loraA.count) adapted modules, N = \(n) LoRAs, rank r = \(r), \(loraKeys) key sets (use: load basis \"FILE\" model)")
        } else if !loraA.isEmpty || count(CheckpointKeys.isKohyaLoRA) > 0 {
            out.append("a plain LoRA (no lora_keys): not a LoRWeB basis")
        }
        let double = Set(keys.compactMap(CheckpointKeys.doubleBlock))
        let single = Set(keys.compactMap(CheckpointKeys.singleBlock))
        if (!double.isEmpty || !single.isEmpty) && loraA.isEmpty {
            var text = "FLUX transformer weights (diffusers names): \(double.count) double-stream blocks, \(single.count) single-stream blocks"
            if let x = rows.first(where: { CheckpointKeys.isFluxInputEmbedding($0.key) }), x.shape.count == 2 {
                text += ", hidden size \(x.shape[0]), input channels \(x.shape[1])"
            }
            if (double.count, single.count) == CheckpointKeys.fluxOneBlocks { text += " (FLUX.1 size)" }
            out.append(text)
        }
        let vision = Set(keys.compactMap(CheckpointKeys.clipLayer))
        if !vision.isEmpty { out.append("CLIP vision encoder (transformers names): \(vision.count) layers") }
        if out.isEmpty { out.append("no known model or basis key pattern") }
        return out
    }
}
