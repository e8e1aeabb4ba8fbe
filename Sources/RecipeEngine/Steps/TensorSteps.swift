// Tensors in and out (latent-mode seams): load tensor, save tensor (safetensors, f32).
import Formats
import Foundation
import TensorCore

enum TensorSteps {
    static let all: [StepDefinition] = [loadTensor, saveTensor]

    static let loadTensor = StepDefinition(
        "load tensor",
        parameters: [
            StepParameter("path", .string, role: .inputFile, doc: "a .safetensors file, relative to the recipe"),
            StepParameter("key", .string, positional: false, default: .string(""),
                          doc: "which tensor; may be omitted when the file holds one"),
        ],
        result: .tensor,
        doc: "Reads one tensor from a safetensors file (f32, f16 or bf16, converted to f32).",
        example: "n = load tensor \"noise.safetensors\" key: \"noise\"") { args, context in
            let path = context.inputPath(try args.string("path"))
            let file = try SafetensorsFile(path: path)
            var key = try args.string("key")
            if key.isEmpty {
                guard file.keys.count == 1 else {
                    throw StepError.argument("key", "the file holds \(file.keys.count) tensors; name one with key: (\(file.keys.prefix(5).joined(separator: ", ")))")
                }
                key = file.keys[0]
            }
            guard file.contains(key) else {
                var message = "no tensor '\(key)' in \(path)"
                if let hit = Suggestions.closest(to: key, in: file.keys) { message += " (did you mean '\(hit)'?)" }
                throw StepError.argument("key", message)
            }
            return .tensor(try file.tensor(key))
        }

    static let saveTensor = StepDefinition(
        "save tensor",
        parameters: [
            StepParameter("tensor", .tensor, doc: "the tensor to write"),
            StepParameter("path", .string, role: .outputFile, doc: "a .safetensors file, relative to the output folder"),
            StepParameter("key", .string, positional: false, default: .string("tensor"), doc: "the tensor's name in the file"),
        ],
        result: .nothing,
        doc: "Writes a tensor as f32 safetensors, with the recipe seed and version in its metadata.",
        example: "save tensor n \"out/noise.safetensors\" key: \"noise\"") { args, context in
            let t = try args.tensor("tensor")
            var relative = try args.string("path")
            if relative.contains("{i}") { relative = relative.replacingOccurrences(of: "{i}", with: String(context.broadcastIndex)) }
            let path = context.outputPath(relative)
            try FileManager.default.createDirectory(atPath: Paths.directory(of: path), withIntermediateDirectories: true)
            try SafetensorsWriter.write([(name: try args.string("key"), tensor: t)],
                                        metadata: ["lorweb:version": ProgramVersion.string,
                                                   "lorweb:seed": String(context.provenance.seed)], to: path)
            context.note("wrote \(path)")
            return .nothing
        }
}
