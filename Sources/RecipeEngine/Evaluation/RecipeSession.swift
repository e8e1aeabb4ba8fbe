// A REPL session: the same language, one line at a time, with notebook semantics. The session is
// always one recipe (what `:save` writes), every binding in it computed:
// - a new name is appended and computed at once, so mistakes show at once;
// - a name bound again REPLACES its definition in place, and every binding and output line that
//   depends on it (directly or through other bindings) is recomputed or re-run at once (eager, not
//   "stale until used"); bindings that do not depend on it keep their values and are never recomputed;
// - `seed N` replaces the seed, which counts as a change of every random step;
// - a line that fails to parse, check or run (including a dependent that fails) changes nothing.
// `:load` of a recipe follows the same rules for each of its statements.
import Foundation

public final class RecipeSession {
    public let library: StepLibrary
    public let options: RunOptions
    /// Folder that relative paths typed at the prompt resolve against.
    public let directory: String
    public private(set) var statements: [Statement] = []
    private var evaluator: Evaluator
    private var lineNumber = 0
    /// For each file-writing output line (by its text): the session recipe its files were written with.
    private var writtenWith: [String: String] = [:]

    /// The name provenance records for a session, so that a session saved as `session.recipe` and
    /// run from its folder reproduces the session's files byte for byte.
    public static let recipeName = "session.recipe"

    public init(options: RunOptions, directory: String = ".", library: StepLibrary = .standard) {
        self.library = library
        self.options = options
        self.directory = directory
        self.evaluator = Self.makeEvaluator(options: options, library: library)
    }

    private static func makeEvaluator(options: RunOptions, library: StepLibrary) -> Evaluator {
        let (program, _) = Checker.check([], library: library, warnUnused: false)
        return Evaluator(program: program, options: options, library: library, recipeName: recipeName)
    }

    /// Bound names in the order they were bound.
    public var names: [String] { statements.compactMap { $0.boundName?.lexeme } }

    /// Steps computed (not from the cache) since the session began: tests count recomputation with it.
    public var stepsRun: Int { evaluator.stepsRun }
    public var cacheHits: Int { evaluator.cacheHits }

    /// Runs one line of recipe text (may be blank or a comment).
    public func submit(_ line: String) throws {
        lineNumber += 1
        let file = SourceFile(name: "<input \(lineNumber)>", text: line, directory: directory)
        let (parsed, diagnostics) = ProgramLoader.load(file: file, library: library)
        if diagnostics.hasErrors { throw RecipeFailure(diagnostics.errors) }
        try apply(parsed)
    }

    /// `:load file.recipe`: binds (or rebinds) its names and runs its output lines.
    public func load(path: String) throws {
        let (parsed, diagnostics) = ProgramLoader.load(path: path, library: library)
        if diagnostics.hasErrors { throw RecipeFailure(diagnostics.errors) }
        try apply(parsed)
    }

    /// `:save file.recipe`: the session as a normalised recipe. Output files written while the session
    /// was a different recipe are written again first, so that their provenance names the saved recipe
    /// and running it gives the same bytes. Returns how many output lines were re-run.
    @discardableResult
    public func save(to path: String) throws -> Int {
        let text = Printer.program(statements)
        var rerun = 0
        for index in evaluator.program.effects where writesFiles(index) {
            let line = Printer.statement(statements[index])
            guard writtenWith[line] != text else { continue }
            try evaluator.runStatement(at: index)
            writtenWith[line] = text
            rerun += 1
        }
        let header = "# Saved from a lorweb REPL session.\n"
        try Data((header + text).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        return rerun
    }

    /// `:show name`: the binding's value.
    public func describe(_ name: String) throws -> String {
        try requireBound(name)
        return "\(name) = " + evaluator.describe(try evaluator.value(of: name).value, name: name)
    }

    /// `:vars`: each name with its type, and whether it is computed.
    public func variables() -> [(name: String, type: ValueType, computed: Bool)] {
        names.map { ($0, evaluator.program.types[$0] ?? .any, evaluator.isComputed($0)) }
    }

    /// `:deps name`: what the definition of `name` reads, and what depends on it (transitively).
    public func dependencies(of name: String) throws -> (uses: [String], usedBy: [String], outputLines: [String]) {
        try requireBound(name)
        let graph = DependencyGraph(statements)
        let dependents = graph.dependents(of: [name])
        return (graph.uses(of: name),
                dependents.compactMap { statements[$0].boundName?.lexeme },
                dependents.filter { statements[$0].boundName == nil }.map { Printer.statement(statements[$0]) })
    }

    /// `:unbind name`: removes a binding. Refused while anything depends on it, unless `cascade`
    /// (`:unbind name --force`), which removes the dependents too. Returns the names removed.
    @discardableResult
    public func unbind(_ name: String, cascade: Bool) throws -> [String] {
        try requireBound(name)
        let graph = DependencyGraph(statements)
        let dependents = graph.dependents(of: [name])
        if !dependents.isEmpty && !cascade {
            let (_, usedBy, outputs) = try dependencies(of: name)
            var parts = usedBy.map { "'\($0)'" }
            if !outputs.isEmpty { parts.append(outputs.count == 1 ? "1 output line" : "\(outputs.count) output lines") }
            throw RecipeFailure(Diagnostic(
                "'\(name)' is used by \(parts.joined(separator: ", ")); `:unbind \(name) --force` removes them too",
                at: nil))
        }
        let removed = Set(dependents + [graph.bindings[name]!])
        let remaining = statements.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
        let (program, diagnostics) = Checker.check(remaining, library: library, warnUnused: false)
        if diagnostics.hasErrors { throw RecipeFailure(diagnostics.errors) }
        let names = removed.sorted().compactMap { statements[$0].boundName?.lexeme }
        statements = remaining
        evaluator.update(program)
        evaluator.forget(names)
        return names
    }

    /// `:reset`: an empty session (the cache on disk is kept).
    public func reset() {
        statements = []
        writtenWith = [:]
        evaluator = Self.makeEvaluator(options: options, library: library)
    }

    private func requireBound(_ name: String) throws {
        guard evaluator.program.bindings[name] == nil else { return }
        var message = "unknown name '\(name)'"
        if let hit = Suggestions.closest(to: name, in: names) { message += " (did you mean '\(hit)'?)" }
        throw RecipeFailure(Diagnostic(message, at: nil))
    }

    // MARK: applying new statements

    private func apply(_ new: [Statement]) throws {
        guard !new.isEmpty else { return }
        // Files may have changed on disk since they were last read: hash them again.
        evaluator.forgetFileHashes()
        let previousStatements = statements
        let previousProgram = evaluator.program
        var candidate = statements
        var rebound: [String] = []
        var boundHere: [String: Token] = [:]
        var seedChanged = false
        var appended: [Int] = []
        for statement in new {
            if case .seed(_, let value) = statement {
                if let i = candidate.firstIndex(where: { if case .seed = $0 { return true } else { return false } }) {
                    candidate[i] = statement
                } else {
                    candidate.insert(statement, at: 0)
                    appended = appended.map { $0 + 1 }
                }
                seedChanged = seedChanged || UInt64(value.lexeme) != previousProgram.seed
                continue
            }
            if let name = statement.boundName {
                if let first = boundHere[name.lexeme] {
                    throw RecipeFailure(Diagnostic(
                        "'\(name.lexeme)' is already bound at \(first.file.name):\(first.location) (a name is bound once per input)",
                        at: name.span))
                }
                boundHere[name.lexeme] = name
                if let i = candidate.firstIndex(where: { $0.boundName?.lexeme == name.lexeme }) {
                    candidate[i] = statement
                    rebound.append(name.lexeme)
                    continue
                }
            }
            candidate.append(statement)
            appended.append(candidate.count - 1)
        }
        let (program, diagnostics) = Checker.check(candidate, library: library, warnUnused: false)
        if diagnostics.hasErrors { throw RecipeFailure(diagnostics.errors) }

        // What the change invalidates: the rebound names, the random steps when the seed changed,
        // and everything that depends on those.
        var changed = rebound
        var changedStatements = Set(rebound.compactMap { program.bindings[$0] })
        if seedChanged {
            for (index, call) in program.calls where call.step.usesRandomness {
                changedStatements.insert(index)
                if let name = candidate[index].boundName?.lexeme { changed.append(name) }
            }
        }
        changedStatements.formUnion(DependencyGraph(candidate).dependents(of: changed))
        let invalidated = changedStatements.sorted().compactMap { candidate[$0].boundName?.lexeme }
        let rerunEffects = changedStatements.filter { candidate[$0].boundName == nil && !appended.contains($0) }

        let kept = evaluator.take(invalidated)
        let (stepsBefore, hitsBefore) = (evaluator.stepsRun, evaluator.cacheHits)
        statements = candidate
        evaluator.update(program)
        do {
            // Values first (no side effects), then output lines: checks (assert) before files are rewritten.
            let announce = new.count == 1 ? new[0].boundName?.lexeme : nil
            for index in changedStatements.sorted() + appended {
                guard let name = candidate[index].boundName?.lexeme else { continue }
                let value = try evaluator.value(of: name).value
                if name == announce { options.output("\(name) = \(evaluator.describe(value, name: name))") }
            }
            let effects = rerunEffects.sorted() + appended.filter { candidate[$0].boundName == nil }
            for index in effects where isAssert(index) { try runEffect(at: index) }
            for index in effects where !isAssert(index) { try runEffect(at: index) }
        } catch {
            statements = previousStatements
            evaluator.update(previousProgram)
            evaluator.forget(Array(Set(invalidated + appended.compactMap { candidate[$0].boundName?.lexeme })))
            evaluator.restore(kept)
            throw error
        }
        let followers = invalidated.filter { !rebound.contains($0) }
        if !followers.isEmpty || !rerunEffects.isEmpty {
            var what: [String] = []
            if !followers.isEmpty { what.append("recomputed " + followers.joined(separator: ", ")) }
            if !rerunEffects.isEmpty { what.append("re-ran \(rerunEffects.count) output line\(rerunEffects.count == 1 ? "" : "s")") }
            options.notes("\(what.joined(separator: "; ")) (\(evaluator.stepsRun - stepsBefore) steps run, "
                          + "\(evaluator.cacheHits - hitsBefore) from cache)")
        }
    }

    private func runEffect(at index: Int) throws {
        try evaluator.runStatement(at: index)
        if writesFiles(index) { writtenWith[Printer.statement(statements[index])] = Printer.program(statements) }
    }

    private func isAssert(_ index: Int) -> Bool { evaluator.program.calls[index]?.step.name == "assert" }

    private func writesFiles(_ index: Int) -> Bool {
        evaluator.program.calls[index]?.step.parameters.contains { $0.role == .outputFile } ?? false
    }
}
