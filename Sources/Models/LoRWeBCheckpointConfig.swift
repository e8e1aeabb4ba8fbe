// The few fields of a LoRWeB `config.yaml` that inference reads (Docs/LORWEB.md §1.1: `inference.py` takes them
// from config.process[0].network.network_kwargs). Only flat `key: value` lines are read: the keys are unique
// in ai-toolkit job configs, so no YAML parser is needed; a missing key takes the release value.
import Foundation

public struct LoRWeBCheckpointConfig: Sendable, Equatable {
    /// lora_heads, lora_softmax, mixing_coeffs_type.
    public var options: LoRWeBOptions
    /// query_mode, e.g. "cat-aa'b" (the release); nil when absent.
    public var queryMode: String?
    /// external_query_model, e.g. "openai/clip-vit-large-patch14"; nil when absent.
    public var externalQueryModel: String?

    public init(options: LoRWeBOptions = .release, queryMode: String? = nil, externalQueryModel: String? = nil) {
        self.options = options
        self.queryMode = queryMode
        self.externalQueryModel = externalQueryModel
    }

    public init(yaml: String, path: String = "config.yaml") throws {
        var values: [String: (String, Int)] = [:]
        for (number, raw) in yaml.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(raw)
            if let hash = line.range(of: " #") { line = line[..<hash.lowerBound] }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.hasPrefix("#"), let colon = trimmed.firstIndex(of: ":") else { continue }
            var key = trimmed[..<colon].trimmingCharacters(in: .whitespaces)
            if key.hasPrefix("- ") { key = String(key.dropFirst(2)).trimmingCharacters(in: .whitespaces) }
            var value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let q = value.first, q == "\"" || q == "'", value.last == q {
                value = String(value.dropFirst().dropLast())
            }
            values[key] = (value, number + 1)
        }
        func fail(_ key: String, _ expected: String) -> ModelError {
            let (v, line) = values[key]!
            return .config(path: "\(path):\(line)", "\(key): expected \(expected), got \"\(v)\"")
        }
        var options = LoRWeBOptions.release
        if let (v, _) = values["lora_heads"] {
            guard let h = Int(v), h > 0 else { throw fail("lora_heads", "a positive integer") }
            options.heads = h
        }
        if let (v, _) = values["lora_softmax"] {
            switch v.lowercased() {
            case "true": options.softmax = true
            case "false": options.softmax = false
            default: throw fail("lora_softmax", "true or false")
            }
        }
        if let (v, _) = values["mixing_coeffs_type"] {
            guard let m = LoRWeBOptions.Mixing(rawValue: v) else { throw fail("mixing_coeffs_type", "mean or sum") }
            options.mixing = m
        }
        self.init(options: options, queryMode: values["query_mode"]?.0, externalQueryModel: values["external_query_model"]?.0)
    }

    public static func load(path: String) throws -> LoRWeBCheckpointConfig {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ModelError.config(path: path, "cannot read the file as UTF-8 text")
        }
        return try LoRWeBCheckpointConfig(yaml: text, path: path)
    }
}
