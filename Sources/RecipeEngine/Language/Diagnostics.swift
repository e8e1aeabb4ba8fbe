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
        self.message = Echo.bounded(message, limit: Echo.messageLimit)
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
            // A long line is shown as a window around the culprit, so one line of junk cannot print megabytes.
            let (shown, column) = Echo.window(line, column: location.column)
            // Tabs keep their width so the caret lands under the right character.
            let lead = shown.prefix(max(0, column - 1)).map { $0 == "\t" ? "\t" : " " }.joined()
            let width = max(1, min(span.length, max(1, shown.count - column + 1)))
            out += "\n \(gutter) | \(shown)\n \(pad) | \(lead)^" + String(repeating: "~", count: width - 1)
        }
        return out
    }
}

/// Collects diagnostics in order; `report` is the single entry point.
public struct Diagnostics: Sendable {
    /// Errors kept per source line: a line of junk gives a few errors and a note, not one per character.
    public static let maxErrorsPerLine = 3

    public private(set) var items: [Diagnostic] = []
    /// Errors seen per (file, line), to apply `maxErrorsPerLine`.
    private var errorsPerLine: [LineKey: Int] = [:]

    private struct LineKey: Hashable {
        let file: ObjectIdentifier
        let line: Int
    }

    public init() {}

    public mutating func report(_ diagnostic: Diagnostic) {
        guard diagnostic.severity == .error, let span = diagnostic.span else {
            items.append(diagnostic)
            return
        }
        let key = LineKey(file: ObjectIdentifier(span.file), line: span.location.line)
        let seen = errorsPerLine[key, default: 0]
        errorsPerLine[key] = seen + 1
        if seen < Self.maxErrorsPerLine {
            items.append(diagnostic)
        } else if seen == Self.maxErrorsPerLine {
            var note = diagnostic
            note.message = "more errors on this line are not shown (fix the ones above first)"
            items.append(note)
        }
    }

    public mutating func error(_ message: String, at span: SourceSpan?, category: DiagnosticCategory = .recipe) {
        report(Diagnostic(message, at: span, category: category))
    }

    public mutating func warning(_ message: String, at span: SourceSpan?) {
        report(Diagnostic(message, at: span, severity: .warning))
    }

    public mutating func merge(_ other: Diagnostics) {
        for item in other.items { report(item) }
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

/// Closest candidates by edit distance, for "did you mean" hints. The work is bounded whatever the
/// input: words longer than `maxLength` get no hint, candidates whose length alone rules them out are
/// skipped, and the distance stops as soon as it exceeds the limit.
public enum Suggestions {
    /// Longer words (a pasted megabyte, a hostile tensor name) are not compared at all.
    public static let maxLength = 64

    public static func closest(to word: String, in candidates: [String]) -> String? {
        let length = word.count
        guard length <= maxLength else { return nil }
        let limit = max(1, min(3, length / 3 + 1))
        let x = Array(word.lowercased())
        var best: (String, Int)?
        for candidate in candidates {
            let n = candidate.count
            guard abs(n - length) <= limit, n <= maxLength + limit else { continue }
            let bound = min(limit, (best?.1 ?? Int.max) - 1)
            if let d = distance(x, Array(candidate.lowercased()), atMost: bound) { best = (candidate, d) }
        }
        return best?.0
    }

    /// Damerau-Levenshtein (optimal string alignment) distance: a swap of neighbours counts once.
    /// For the short words `closest` accepts; two rows of memory, not a matrix.
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        return distance(x, y, atMost: max(x.count, y.count))!
    }

    /// The distance if it is at most `bound`, else nil (rows whose minimum exceeds it stop early).
    public static func distance(_ x: [Character], _ y: [Character], atMost bound: Int) -> Int? {
        guard bound >= 0, abs(x.count - y.count) <= bound else { return nil }
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var before = [Int](repeating: 0, count: y.count + 1)   // row i - 2
        var previous = Array(0...y.count)                        // row i - 1
        var row = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            row[0] = i
            var rowMinimum = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                var d = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] { d = min(d, before[j - 2] + 1) }
                row[j] = d
                rowMinimum = min(rowMinimum, d)
            }
            if rowMinimum > bound { return nil }
            (before, previous, row) = (previous, row, before)
        }
        return previous[y.count] <= bound ? previous[y.count] : nil
    }
}

/// Bounds on how much user input a message repeats: a name is quoted up to a length, a message and
/// an echoed source line are cut around what matters.
public enum Echo {
    /// Longest message kept whole; longer ones keep their start and end.
    public static let messageLimit = 400
    /// Widest source line echoed under a diagnostic (a window around the caret beyond that).
    public static let lineWidth = 160

    /// `text`, or its first and last parts with the number of characters left out between them.
    public static func bounded(_ text: String, limit: Int) -> String {
        guard text.utf8.count > limit, text.count > limit else { return text }
        let head = limit * 2 / 3, tail = limit - head
        return "\(text.prefix(head))… [\(text.count - head - tail) characters not shown] …\(text.suffix(tail))"
    }

    /// A name or value for quoting in a message: at most `limit` characters, then "…".
    public static func short(_ text: String, limit: Int = 60) -> String {
        guard text.utf8.count > limit, text.count > limit else { return text }
        return "\(text.prefix(limit))… (\(text.count) characters)"
    }

    /// The part of `line` shown under a diagnostic at `column` (1-based), and the caret's column in it.
    static func window(_ line: String, column: Int) -> (String, Int) {
        guard line.utf8.count > lineWidth, line.count > lineWidth else { return (line, column) }
        let characters = Array(line)
        let start = max(0, min(column - 1 - lineWidth / 3, characters.count - lineWidth))
        let end = min(characters.count, start + lineWidth)
        let lead = start > 0 ? "…" : "", trail = end < characters.count ? "…" : ""
        return (lead + String(characters[start..<end]) + trail, column - start + lead.count)
    }
}
