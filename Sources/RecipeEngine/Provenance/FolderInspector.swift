// `lorweb inspect FOLDER`: what a model folder holds, component by component — a diffusers pipeline folder
// (model_index.json: every component's class, weight files, tensor and parameter counts, dtypes), a single
// component or transformers folder (config.json), or a lorweb_model.json bundle. Headers only: no weight is read.
import Formats
import Foundation
import Pipeline

public enum FolderInspector {
    /// One line per component (or one for a single folder), in the index's order.
    public static func describe(folder: String) throws -> [String] {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw FormatError(path: folder, "not a folder")
        }
        let index = (folder as NSString).appendingPathComponent("model_index.json")
        if fm.fileExists(atPath: index) {
            let json = try JSONFile.read(index)
            let pipeline = json["_class_name"]?.stringValue ?? "?"
            var lines = ["\(folder): diffusers \(pipeline)"
                + (KontextFolder.pipelineClasses.contains(pipeline) ? " (the flux-kontext family: load model \"FOLDER\" image-encoder: \"CLIP-FOLDER\")" : "")]
            for (name, value) in json.objectMembers ?? [] where !name.hasPrefix("_") {
                guard let entry = value.arrayValue, entry.count == 2, let className = entry[1].stringValue else { continue }
                let path = (folder as NSString).appendingPathComponent(name)
                lines.append("  \(name.padding(toLength: 15, withPad: " ", startingAt: 0)) \(className): " + component(path))
            }
            return lines
        }
        let config = (folder as NSString).appendingPathComponent("config.json")
        var className = "no config.json"
        if fm.fileExists(atPath: config) {
            let json = try JSONFile.read(config)
            className = json["_class_name"]?.stringValue ?? json["architectures"]?.arrayValue?.first?.stringValue
                ?? json["model_type"]?.stringValue ?? "config.json without a class name"
        } else if fm.fileExists(atPath: (folder as NSString).appendingPathComponent("lorweb_model.json")) {
            className = "a lorweb model bundle (lorweb_model.json)"
        }
        return ["\(folder): \(className): " + component(folder)]
    }

    /// The weights of a component folder (tensors, parameters, dtypes, files), else the files it holds.
    static func component(_ path: String) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return "MISSING (no folder \(path))"
        }
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        guard files.contains(where: { $0.hasSuffix(".safetensors") }) else { return files.joined(separator: ", ") }
        do {
            let weights = try WeightSources.open(path: path)
            var parameters = 0, dtypes = Set<String>(), unreadable = 0
            for key in weights.keys {
                guard let info = try? weights.info(key) else { unreadable += 1; continue }
                parameters += info.elementCount
                dtypes.insert(info.dtype.rawValue)
            }
            let shards = files.filter { $0.hasSuffix(".safetensors") }.count
            return "\(weights.keys.count) tensors, \(grouped(parameters)) parameters, \(dtypes.sorted().joined(separator: "/"))"
                + (shards > 1 ? ", \(shards) shards" : "") + (unreadable > 0 ? ", \(unreadable) non-float tensors" : "")
        } catch {
            return "unreadable weights: \(error)"
        }
    }

    /// 12345678 → "12,345,678".
    static func grouped(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }
}
