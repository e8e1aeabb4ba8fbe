// The step table: every step the language knows, in the order `:steps`, `lorweb steps` and the
// README list them. Each step is documented once, in its definition.

public struct StepLibrary: Sendable {
    public let steps: [StepDefinition]
    private let byName: [String: Int]
    public let names: [String]
    /// First words of step names: not usable as binding names (a line starting with one is a step).
    public let stepWords: Set<String>

    public init(steps: [StepDefinition]) {
        self.steps = steps
        var byName: [String: Int] = [:]
        for (i, step) in steps.enumerated() { byName[step.name] = i }
        self.byName = byName
        self.names = steps.map(\.name)
        self.stepWords = Set(steps.compactMap { $0.name.split(separator: " ").first.map(String.init) })
    }

    public static let standard = StepLibrary(steps:
        ModelSteps.all + ImageSteps.all + NoiseSteps.all + TensorSteps.all + MixSteps.all
        + ProceduralSteps.all + FigureSteps.all + ListSteps.all + UtilitySteps.all)


    public func step(named name: String) -> StepDefinition? {
        byName[name].map { steps[$0] }
    }

    /// A weights reference that names a file or folder rather than a registry entry.
    static func looksLikePath(_ s: String) -> Bool {
        s.contains("/") || s.hasSuffix(".safetensors") || s.hasPrefix(".")
    }

    /// `:help step`: signature, doc, parameters, example.
    public func help(for step: StepDefinition) -> String {
        var lines = [step.signature, "  " + step.doc]
        for p in step.parameters {
            var line = "    \(p.name): \(p.type)"
            if let choices = p.choices { line += " (one of \(choices.joined(separator: ", ")))" }
            if let d = p.defaultValue, case .nothing = d {} else if let d = p.defaultValue, let text = Printer.literal(d) {
                line += " = \(text)"
            }
            lines.append(line + " - " + p.doc)
        }
        lines.append("  result: \(step.result == .nothing ? "nothing (an output line)" : step.result.description)")
        if step.usesRandomness { lines.append("  random: stream from the binding name and broadcast index; seed: overrides") }
        if step.cacheable { lines.append("  cached by content hash") }
        lines.append("  example: \(step.example)")
        return lines.joined(separator: "\n")
    }

    /// Every step: signature, description and example, wrapped to `width` columns (`:steps`,
    /// `lorweb steps`, `lorweb help steps`).
    public func overview(width: Int = 78) -> String {
        steps.map { step in
            Self.wrap(step.signature, width: width, indent: "    ").joined(separator: "\n")
                + "\n" + Self.wrap(step.doc, width: width, indent: "  ", first: "  ").joined(separator: "\n")
                + "\n" + Self.wrap("e.g. " + step.example, width: width, indent: "       ", first: "  ").joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// Greedy word wrap; continuation lines start with `indent`.
    static func wrap(_ text: String, width: Int, indent: String, first: String = "") -> [String] {
        var lines: [String] = []
        var current = first
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            let atStart = current == first || current == indent
            if !atStart && current.count + 1 + word.count > width {
                lines.append(current)
                current = indent + word
            } else {
                current += (atStart ? "" : " ") + word
            }
        }
        lines.append(current)
        return lines
    }

    /// The step table as Markdown (the README's "Steps" table and `lorweb steps --markdown`).
    public func markdownTable() -> String {
        var out = "| Step | Signature | What it does | Example |\n|---|---|---|---|\n"
        for step in steps {
            let cell = { (s: String) in s.replacingOccurrences(of: "|", with: "\\|") }
            var doc = step.doc
            if step.usesRandomness { doc += " Random: `seed:` overrides." }
            if step.cacheable { doc += " Cached." }
            out += "| `\(step.name)` | `\(cell(step.signature))` | \(cell(doc)) | `\(cell(step.example))` |\n"
        }
        return out
    }
}
