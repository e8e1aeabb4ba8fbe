// Golden images: Golden/manifest.json lists {recipe, output, sha256, backend}; recipes live in
// Golden/recipes/ and save their outputs relative to Golden/. `check` re-renders every recipe into a
// scratch folder (no cache) and compares bytes; `update` re-renders into Golden/ and rewrites the
// manifest, reporting what changed.
import Formats
import Foundation

public struct GoldenEntry: Codable, Sendable, Equatable {
    /// Recipe path relative to the golden folder ("recipes/noise.recipe").
    public var recipe: String
    /// Output path relative to the golden folder ("images/noise.png").
    public var output: String
    public var sha256: String
    public var backend: String
}

public struct GoldenResult: Sendable {
    public enum Status: Sendable, Equatable {
        case identical
        case different(actual: String)
        case missing
    }
    public var entry: GoldenEntry
    public var status: Status
}

public struct GoldenSuite {
    public let root: String
    public var manifestPath: String { Paths.join(root, "manifest.json") }

    public init(root: String) { self.root = root }

    public func entries() throws -> [GoldenEntry] {
        guard let data = FileManager.default.contents(atPath: manifestPath) else { return [] }
        do { return try JSONDecoder().decode([GoldenEntry].self, from: data) } catch {
            throw RecipeFailure(Diagnostic("\(manifestPath): not a golden manifest (\(error))", at: nil))
        }
    }

    /// The golden recipes on disk, relative to the root, sorted.
    public func recipes() -> [String] {
        let folder = Paths.join(root, "recipes")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".recipe") }.sorted().map { "recipes/\($0)" }
    }

    /// Renders one golden recipe into `outputDirectory`; returns the files written (relative paths).
    public func render(_ recipe: String, into outputDirectory: String, options: RunOptions) throws -> [String] {
        let path = Paths.join(root, recipe)
        let text: String
        switch RecipeText.read(path) {
        case .success(let read): text = read
        case .failure(let failure):
            throw RecipeFailure(Diagnostic("golden recipe: " + failure.message(path), at: nil, category: failure.category))
        }
        var options = options
        options.outputDirectory = outputDirectory
        // The name is relative to the golden folder so provenance never holds machine paths.
        let compiled = try Recipe.compile(text: text, name: recipe, directory: Paths.directory(of: path))
        try Recipe.run(compiled, options: options)
        return Self.files(under: outputDirectory)
    }

    /// Re-renders every recipe of the manifest (entries of the run's provenance backend: "cpu" on every device,
    /// since every device must reproduce the CPU's bytes) and compares bytes.
    public func check(options: RunOptions) throws -> [GoldenResult] {
        let all = try entries().filter { $0.backend == options.execution.provenanceBackend }
        var results: [GoldenResult] = []
        for recipe in Self.unique(all.map(\.recipe)) {
            let scratch = try Self.scratchDirectory()
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            _ = try render(recipe, into: scratch, options: options)
            for entry in all where entry.recipe == recipe {
                let produced = Paths.join(scratch, entry.output)
                guard let actual = try? SHA256.hex(fileAt: produced) else {
                    results.append(GoldenResult(entry: entry, status: .missing))
                    continue
                }
                results.append(GoldenResult(entry: entry, status: actual == entry.sha256 ? .identical : .different(actual: actual)))
            }
        }
        return results
    }

    /// Re-renders every golden recipe into the golden folder and rewrites the manifest.
    /// Returns one line per added, changed or removed output.
    public func update(options: RunOptions) throws -> [String] {
        let backend = options.execution.provenanceBackend
        let old = try entries()
        var kept = old.filter { $0.backend != backend }
        var changes: [String] = []
        for recipe in recipes() {
            let scratch = try Self.scratchDirectory()
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            for output in try render(recipe, into: scratch, options: options) {
                let digest = try SHA256.hex(fileAt: Paths.join(scratch, output))
                let destination = Paths.join(root, output)
                try FileManager.default.createDirectory(atPath: Paths.directory(of: destination), withIntermediateDirectories: true)
                if FileManager.default.fileExists(atPath: destination) { try FileManager.default.removeItem(atPath: destination) }
                try FileManager.default.copyItem(atPath: Paths.join(scratch, output), toPath: destination)
                let entry = GoldenEntry(recipe: recipe, output: output, sha256: digest, backend: backend)
                if let before = old.first(where: { $0.output == output && $0.backend == backend }) {
                    if before.sha256 != digest { changes.append("changed \(output): \(before.sha256.prefix(12)) -> \(digest.prefix(12))") }
                } else {
                    changes.append("added \(output) (\(recipe)): \(digest.prefix(12))")
                }
                kept.append(entry)
            }
        }
        for entry in old where entry.backend == backend && !kept.contains(where: { $0.output == entry.output && $0.backend == backend }) {
            changes.append("removed \(entry.output)")
        }
        kept.sort { ($0.recipe, $0.output, $0.backend) < ($1.recipe, $1.output, $1.backend) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try (try encoder.encode(kept) + Data("\n".utf8)).write(to: URL(fileURLWithPath: manifestPath), options: .atomic)
        return changes
    }

    static func unique(_ xs: [String]) -> [String] { xs.reduce(into: []) { if !$0.contains($1) { $0.append($1) } } }

    static func scratchDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "lorweb-golden-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Regular files under a folder, relative, sorted.
    static func files(under folder: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return [] }
        var out: [String] = []
        while let item = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: Paths.join(folder, item), isDirectory: &isDirectory), !isDirectory.boolValue {
                out.append(item)
            }
        }
        return out.sorted()
    }
}
