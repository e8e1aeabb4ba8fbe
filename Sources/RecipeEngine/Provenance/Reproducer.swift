// `lorweb reproduce FILE.png`: re-run the recipe embedded in a PNG (inputs found by path and
// verified by hash) and compare the pixels with the file's.
import Formats
import Foundation

public struct ReproduceReport: Sendable {
    public var output: String
    public var recipeName: String
    /// Folder the inputs were found in.
    public var inputDirectory: String
    public var identical: Bool
    /// Human-readable difference: size, or the first differing pixel.
    public var difference: String?
}

public enum Reproducer {
    public static func reproduce(png path: String, options: RunOptions, library: StepLibrary = .standard) throws -> ReproduceReport {
        let decoded: DecodedPNG
        do { decoded = try PNGFile.read(path: path) } catch {
            throw RecipeFailure(Diagnostic("cannot read \(path): \(error)", at: nil, category: .missingInput))
        }
        guard let recipeText = decoded.text[ProvenanceKeys.recipe], let output = decoded.text[ProvenanceKeys.output] else {
            throw RecipeFailure(Diagnostic("\(path) carries no lorweb provenance (no \(ProvenanceKeys.recipe) text chunk)", at: nil))
        }
        let recipeName = decoded.text[ProvenanceKeys.recipeName] ?? "embedded.recipe"
        let directory = try findInputs(Provenance.inputs(from: decoded.text), recipeName: recipeName, png: path)
        let recipe = try Recipe.compile(text: recipeText, name: recipeName, directory: directory, library: library)
        let evaluator = Evaluator(program: recipe.program, options: options, library: library, recipeName: recipeName)
        let value = try select(output, evaluator: evaluator)
        guard case .image(let image) = value else {
            throw RecipeFailure(Diagnostic("'\(output)' is not an image when re-run", at: nil, category: .runtime))
        }
        var report = ReproduceReport(output: output, recipeName: recipeName, inputDirectory: directory,
                                     identical: true, difference: nil)
        report.difference = difference(expected: decoded.image, actual: image)
        report.identical = report.difference == nil
        return report
    }

    /// nil when identical; else the size change or the first differing pixel (row-major).
    public static func difference(expected: RGBImage, actual: RGBImage) -> String? {
        guard expected.width == actual.width, expected.height == actual.height else {
            return "size differs: file \(expected.width)x\(expected.height), re-run \(actual.width)x\(actual.height)"
        }
        for y in 0..<expected.height {
            for x in 0..<expected.width where expected.pixel(x, y) != actual.pixel(x, y) {
                let e = expected.pixel(x, y), a = actual.pixel(x, y)
                var count = 0
                for i in stride(from: 0, to: expected.pixels.count, by: 3)
                where expected.pixels[i] != actual.pixels[i] || expected.pixels[i + 1] != actual.pixels[i + 1] || expected.pixels[i + 2] != actual.pixels[i + 2] {
                    count += 1
                }
                return "first differing pixel at (x \(x), y \(y)): file (\(e.0), \(e.1), \(e.2)), re-run (\(a.0), \(a.1), \(a.2)); \(count) of \(expected.width * expected.height) pixels differ"
            }
        }
        return nil
    }

    /// The folder in which every recorded input exists with its recorded SHA-256.
    static func findInputs(_ inputs: [(path: String, sha256: String)], recipeName: String, png: String) throws -> String {
        let pngDirectory = Paths.directory(of: png)
        var candidates = [Paths.directory(of: recipeName), pngDirectory, Paths.join(pngDirectory, ".."), "."]
        candidates = candidates.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
        guard !inputs.isEmpty else { return candidates[0] }
        var problems: [String] = []
        for directory in candidates {
            var ok = true
            for input in inputs {
                let full = Paths.join(directory, input.path)
                guard let actual = try? SHA256.hex(fileAt: full) else {
                    problems.append("\(full): not found"); ok = false; break
                }
                if actual != input.sha256 {
                    problems.append("\(full): SHA-256 \(actual.prefix(12))..., recorded \(input.sha256.prefix(12))..."); ok = false; break
                }
            }
            if ok { return directory }
        }
        throw RecipeFailure(Diagnostic("cannot find the recorded inputs unchanged; tried:\n  " + problems.joined(separator: "\n  "),
                                       at: nil, category: .missingInput))
    }

    /// `name`, `name[2]`, `name[1][0]`.
    static func select(_ output: String, evaluator: Evaluator) throws -> Value {
        let name = String(output.prefix { $0 != "[" })
        var value = try evaluator.value(of: name).value
        var rest = output.dropFirst(name.count)
        while rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]"), let i = Int(rest[rest.index(after: rest.startIndex)..<close]),
                  case .list(let items) = value, items.indices.contains(i) else {
                throw RecipeFailure(Diagnostic("cannot select '\(output)' in the re-run recipe", at: nil, category: .runtime))
            }
            value = items[i]
            rest = rest[rest.index(after: close)...]
        }
        return value
    }
}
