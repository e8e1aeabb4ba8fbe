// Provenance: the PNG text chunks every saved image carries, and reading them back.

public enum ProvenanceKeys {
    public static let recipe = "lorweb:recipe"
    public static let recipeName = "lorweb:recipe-name"
    public static let seed = "lorweb:seed"
    public static let params = "lorweb:params"
    public static let models = "lorweb:model"
    public static let bases = "lorweb:basis"
    public static let inputs = "lorweb:inputs"
    public static let backend = "lorweb:backend"
    public static let version = "lorweb:version"
    public static let output = "lorweb:output"
    /// The A1111 convention other tools read.
    public static let parameters = "parameters"
}

public enum Provenance {
    /// Text chunks for an image saved from binding `output` (e.g. "b'" or "images[2]").
    public static func textChunks(base: ProvenanceBase, lineage: Lineage, output: String) -> [(key: String, value: String)] {
        let models = lineage.models.sorted { $0.key < $1.key }
        let bases = lineage.bases.sorted { $0.key < $1.key }
        var a1111 = ["Seed: \(base.seed)"]
        a1111 += lineage.sampling
        if let m = models.first { a1111 += ["Model: \(m.key)", "Model hash: \(m.value.prefix(10))"] }
        if let b = bases.first { a1111 += ["Basis: \(b.key)", "Basis hash: \(b.value.prefix(10))"] }
        a1111 += ["Backend: \(base.backend)", "Version: lorweb \(ProgramVersion.string)"]
        let firstLine = "lorweb recipe \(Paths.fileName(of: base.recipeName)), output \(output)"
        return [
            (ProvenanceKeys.parameters, firstLine + "\n" + a1111.joined(separator: ", ")),
            (ProvenanceKeys.recipe, base.recipeText),
            (ProvenanceKeys.recipeName, base.recipeName),
            (ProvenanceKeys.seed, String(base.seed)),
            (ProvenanceKeys.params, base.params.map { "\($0.name)=\($0.value)" }.joined(separator: "\n")),
            (ProvenanceKeys.models, models.map { "\($0.key) sha256:\($0.value)" }.joined(separator: "\n")),
            (ProvenanceKeys.bases, bases.map { "\($0.key) sha256:\($0.value)" }.joined(separator: "\n")),
            (ProvenanceKeys.inputs, lineage.inputs.sorted { $0.key < $1.key }.map { "sha256:\($0.value) \($0.key)" }.joined(separator: "\n")),
            (ProvenanceKeys.backend, base.backend),
            (ProvenanceKeys.version, "lorweb \(ProgramVersion.string)"),
            (ProvenanceKeys.output, output),
        ]
    }

    /// Input files recorded in a PNG: (path as written in the recipe, SHA-256).
    public static func inputs(from text: [String: String]) -> [(path: String, sha256: String)] {
        guard let lines = text[ProvenanceKeys.inputs] else { return [] }
        return lines.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("sha256:"), let space = line.firstIndex(of: " ") else { return nil }
            let digest = String(line[line.index(line.startIndex, offsetBy: 7)..<space])
            return (String(line[line.index(after: space)...]), digest)
        }
    }
}
