// A REPL session: the same language, one line at a time. Each line is checked against everything
// bound so far; a line that fails (to parse, check or run) leaves the session as it was. Bindings
// are computed when entered, so mistakes show at once. The session saves as a recipe.
import Foundation

public final class RecipeSession {
    public let library: StepLibrary
    public let options: RunOptions
    /// Folder that relative paths typed at the prompt resolve against.
    public let directory: String
    public private(set) var statements: [Statement] = []
    private var evaluator: Evaluator
    private var lineNumber = 0

    public init(options: RunOptions, directory: String = ".", library: StepLibrary = .standard) {
        self.library = library
        self.options = options
        self.directory = directory
        let (program, _) = Checker.check([], library: library, warnUnused: false)
        self.evaluator = Evaluator(program: program, options: options, library: library, recipeName: "session.recipe")
    }

    /// Bound names in the order they were bound.
    public var names: [String] { statements.compactMap { $0.boundName?.lexeme } }

    /// Runs one line of recipe text (may be blank or a comment).
    public func submit(_ line: String) throws {
        lineNumber += 1
        let file = SourceFile(name: "<input \(lineNumber)>", text: line, directory: directory)
        let (parsed, diagnostics) = ProgramLoader.load(file: file, library: library)
        if diagnostics.hasErrors { throw RecipeFailure(diagnostics.errors) }
        try append(parsed)
    }

    /// `:load file.recipe`: binds its names and runs its output lines.
    public func load(path: String) throws {
        let (parsed, diagnostics) = ProgramLoader.load(path: path, library: library)
        if diagnostics.hasErrors { throw RecipeFailure(diagnostics.errors) }
        try append(parsed)
    }

    /// `:save file.recipe`: the session as a normalised recipe.
    public func save(to path: String) throws {
        let header = "# Saved from a lorweb REPL session.\n"
        try Data((header + Printer.program(statements)).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// `:show name`: computes the binding if needed.
    public func describe(_ name: String) throws -> String {
        guard evaluator.program.bindings[name] != nil else {
            var message = "unknown name '\(name)'"
            if let hit = Suggestions.closest(to: name, in: names) { message += " (did you mean '\(hit)'?)" }
            throw RecipeFailure(Diagnostic(message, at: nil))
        }
        return "\(name) = " + evaluator.describe(try evaluator.value(of: name).value, name: name)
    }

    /// `:vars`: each name with its type, and whether it is computed.
    public func variables() -> [(name: String, type: ValueType, computed: Bool)] {
        names.map { ($0, evaluator.program.types[$0] ?? .any, evaluator.isComputed($0)) }
    }

    private func append(_ new: [Statement]) throws {
        guard !new.isEmpty else { return }
        let previous = statements
        let candidate = statements + new
        let (program, diagnostics) = Checker.check(candidate, library: library, warnUnused: false)
        if diagnostics.hasErrors { throw RecipeFailure(diagnostics.errors) }
        statements = candidate
        evaluator.update(program)
        do {
            for (offset, statement) in new.enumerated() {
                let index = previous.count + offset
                if let name = statement.boundName {
                    let value = try evaluator.value(of: name.lexeme).value
                    if new.count == 1 { options.output("\(name.lexeme) = \(evaluator.describe(value, name: name.lexeme))") }
                } else if case .seed = statement {
                    continue
                } else {
                    try evaluator.runStatement(at: index)
                }
            }
        } catch {
            statements = previous
            evaluator.forget(new.compactMap { $0.boundName?.lexeme })
            evaluator.update(Checker.check(previous, library: library, warnUnused: false).0)
            throw error
        }
    }
}
