// The one funnel for everything a user should read about their recipe: errors and warnings with the
// file, line, column, the source line and a caret. Never a stack trace.

/// What kind of problem a diagnostic describes; the CLI maps it to an exit code.
public enum DiagnosticCategory: Sendable, Equatable {
    /// Scanning, parsing and checking: the recipe text is wrong (exit 65).
    case recipe
    /// An input file named by the recipe does not exist or cannot be read (exit 66).
    case missingInput
    /// A step failed while running (exit 1).
    case runtime
    /// The user pressed Ctrl-C (exit 130).
    case interrupted
}

public enum DiagnosticSeverity: Sendable, Equatable {
    case error
    case warning
}

public struct Diagnostic: Error, Sendable, CustomStringConvertible {
    public var severity: DiagnosticSeverity
    public var category: DiagnosticCategory
    public var message: String
    public var span: SourceSpan?

    public init(_ message: String, at span: SourceSpan?, category: DiagnosticCategory = .recipe,
                severity: DiagnosticSeverity = .error) {
        self.message = message
        self.span = span
        self.category = category
        self.severity = severity
    }

    /// `file:line:col: message`, then the source line and a caret under the culprit.
    public var description: String { rendered() }

    public func rendered() -> String {
        let prefix = severity == .warning ? "warning: " : ""
        guard let span else { return "\(prefix)\(message)" }
        let location = span.location
        var out = "\(span.file.name):\(location.line):\(location.column): \(prefix)\(message)"
        let line = span.file.line(location.line)
        if !line.isEmpty {
            let gutter = String(location.line)
            let pad = String(repeating: " ", count: gutter.count)
            // Tabs keep their width so the caret lands under the right character.
            let lead = line.prefix(max(0, location.column - 1)).map { $0 == "\t" ? "\t" : " " }.joined()
            let width = max(1, min(span.length, max(1, line.count - location.column + 1)))
            out += "\n \(gutter) | \(line)\n \(pad) | \(lead)^" + String(repeating: "~", count: width - 1)
        }
        return out
    }
}

/// Collects diagnostics in order; `report` is the single entry point.
public struct Diagnostics: Sendable {
    public private(set) var items: [Diagnostic] = []

    public init() {}

    public mutating func report(_ diagnostic: Diagnostic) {
        items.append(diagnostic)
    }

    public mutating func error(_ message: String, at span: SourceSpan?, category: DiagnosticCategory = .recipe) {
        report(Diagnostic(message, at: span, category: category))
    }

    public mutating func warning(_ message: String, at span: SourceSpan?) {
        report(Diagnostic(message, at: span, severity: .warning))
    }

    public mutating func merge(_ other: Diagnostics) {
        items.append(contentsOf: other.items)
    }

    /// Errors in source order (file, then position).
    public var errors: [Diagnostic] {
        items.filter { $0.severity == .error }.enumerated().sorted { x, y in
            let a = x.element.span, b = y.element.span
            if let a, let b {
                if a.file === b.file { return a.location.offset < b.location.offset }
                return x.offset < y.offset
            }
            return a == nil && b != nil ? true : (a != nil && b == nil ? false : x.offset < y.offset)
        }.map(\.element)
    }
    public var warnings: [Diagnostic] { items.filter { $0.severity == .warning } }
    public var hasErrors: Bool { items.contains { $0.severity == .error } }

    public func rendered() -> String { items.map { $0.rendered() }.joined(separator: "\n") }
}

/// Thrown by the engine's entry points when a recipe cannot run: all its diagnostics at once.
public struct RecipeFailure: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public init(_ diagnostic: Diagnostic) { self.diagnostics = [diagnostic] }

    /// The category that decides the exit code (interrupted > recipe > missing input > runtime).
    public var category: DiagnosticCategory {
        let categories = diagnostics.filter { $0.severity == .error }.map(\.category)
        if categories.contains(.interrupted) { return .interrupted }
        if categories.contains(.recipe) { return .recipe }
        if categories.contains(.missingInput) { return .missingInput }
        return .runtime
    }

    public var description: String { rendered(limit: Self.printedLimit) }
}

/// Closest candidates by edit distance, for "did you mean" hints.
public enum Suggestions {
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let limit = max(1, min(3, word.count / 3 + 1))
        var best: (String, Int)?
        for candidate in candidates {
            let d = distance(word.lowercased(), candidate.lowercased())
            if d <= limit, d < (best?.1 ?? Int.max) { best = (candidate, d) }
        }
        return best?.0
    }

    /// Damerau-Levenshtein (optimal string alignment) distance: a swap of neighbours counts once.
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[x.count][y.count]
    }
}
