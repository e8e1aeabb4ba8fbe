// Where a piece of recipe text came from: the file and a position inside it.

/// One recipe text (a file, an included file, a REPL line, a --set value). Shared by its tokens.
public final class SourceFile: Sendable {
    /// The name diagnostics print: the path as the user gave it, "<repl>", "--set steps".
    public let name: String
    public let text: String
    /// Absolute or cwd-relative folder that relative paths in this text resolve against.
    public let directory: String
    private let lines: [Substring]

    public init(name: String, text: String, directory: String) {
        self.name = name
        self.text = text
        self.directory = directory
        self.lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// The text of a 1-based line without its newline ("" past the end).
    public func line(_ number: Int) -> String {
        guard number >= 1, number <= lines.count else { return "" }
        var line = String(lines[number - 1])
        if line.hasSuffix("\r") { line.removeLast() }
        return line
    }
}

/// A position in a `SourceFile`: 1-based line and column (in characters), 0-based UTF-8 offset.
public struct SourceLocation: Sendable, Equatable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var offset: Int

    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    public var description: String { "\(line):\(column)" }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool { a.offset < b.offset }
}

/// A location together with its file: what a diagnostic points at.
public struct SourceSpan: Sendable {
    public var file: SourceFile
    public var location: SourceLocation
    /// Characters to underline (at least 1).
    public var length: Int

    public init(file: SourceFile, location: SourceLocation, length: Int = 1) {
        self.file = file
        self.location = location
        self.length = max(1, length)
    }
}
