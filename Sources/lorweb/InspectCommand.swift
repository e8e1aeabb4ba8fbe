// lorweb inspect FILE: a safetensors file's tensors and what they fit, or a PNG's provenance.
import ArgumentParser
import Formats
import Foundation
import RecipeEngine

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Summarise a .safetensors file (dtype/shape table, which model or basis it fits), a model folder "
            + "(every component of a diffusers pipeline: class, tensors, parameters, dtypes) or a PNG's provenance.")

    @Argument(help: "A .safetensors or .png file, or a model folder.", completion: .file(extensions: ["safetensors", "png"]))
    var file: String

    @Option(help: "Show at most this many tensor rows (0: all).")
    var limit = 40

    func run() throws {
        guard FileManager.default.fileExists(atPath: file) else {
            throw RecipeFailure(Diagnostic("file not found: \(file)", at: nil, category: .missingInput))
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), isDirectory.boolValue {
            do { try FolderInspector.describe(folder: file).forEach { print($0) } } catch {
                throw RecipeFailure(Diagnostic("\(error)", at: nil, category: .missingInput))
            }
            return
        }
        switch Paths.fileExtension(of: file) {
        case "png": try inspectPNG()
        case "safetensors": try inspectSafetensors()
        default: throw ValidationError("inspect reads .safetensors and .png files")
        }
    }

    private func inspectSafetensors() throws {
        let summary: WeightsInspector.Summary
        do { summary = try WeightsInspector.inspect(safetensors: file) } catch {
            throw RecipeFailure(Diagnostic("\(error)", at: nil, category: .runtime))
        }
        let shown = limit > 0 ? Array(summary.rows.prefix(limit)) : summary.rows
        let width = min(80, shown.map(\.key.count).max() ?? 3)
        print("\(file): \(summary.rows.count) tensors")
        print("key".padding(toLength: width, withPad: " ", startingAt: 0) + "  dtype  shape")
        for row in shown {
            print(row.key.padding(toLength: max(width, row.key.count), withPad: " ", startingAt: 0) + "  "
                  + row.dtype.padding(toLength: 5, withPad: " ", startingAt: 0) + "  [" + row.shape.map(String.init).joined(separator: ", ") + "]")
        }
        if shown.count < summary.rows.count { print("... \(summary.rows.count - shown.count) more (--limit 0 shows all)") }
        if !summary.metadataKeys.isEmpty { print("metadata: \(summary.metadataKeys.joined(separator: ", "))") }
        for verdict in summary.verdicts { print("fits: \(verdict)") }
    }

    private func inspectPNG() throws {
        let decoded: DecodedPNG
        do { decoded = try PNGFile.read(path: file) } catch {
            throw RecipeFailure(Diagnostic("\(error)", at: nil, category: .runtime))
        }
        print("\(file): \(decoded.image.width)x\(decoded.image.height) RGB\(decoded.alpha == nil ? "" : "A")")
        guard decoded.text[ProvenanceKeys.recipe] != nil else {
            print("no lorweb provenance")
            for (key, value) in decoded.text.sorted(by: { $0.key < $1.key }) { print("\(key): \(value)") }
            return
        }
        let order = [ProvenanceKeys.output, ProvenanceKeys.recipeName, ProvenanceKeys.seed, ProvenanceKeys.params,
                     ProvenanceKeys.models, ProvenanceKeys.bases, ProvenanceKeys.inputs, ProvenanceKeys.backend,
                     ProvenanceKeys.version, ProvenanceKeys.parameters]
        for key in order {
            guard let value = decoded.text[key], !value.isEmpty else { continue }
            let lines = value.split(separator: "\n", omittingEmptySubsequences: false)
            print("\(key): " + lines.joined(separator: "\n" + String(repeating: " ", count: key.count + 2)))
        }
        print("\(ProvenanceKeys.recipe):")
        for line in (decoded.text[ProvenanceKeys.recipe] ?? "").split(separator: "\n") { print("  \(line)") }
    }
}
