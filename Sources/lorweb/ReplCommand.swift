// lorweb repl: the recipe language, line by line, with meta-commands. Ctrl-C stops the running step
// and keeps the session.
import ArgumentParser
import Formats
import Foundation
import RecipeEngine

/// Meta-commands are parsed before the language (`:help`, `:quit`, ...).
enum MetaCommand: Equatable {
    case help(String?)
    case steps
    case show(String)
    case vars
    case deps(String)
    case unbind(String, force: Bool)
    case reset
    case save(String)
    case load(String)
    case quit
    /// A known command without the argument it needs: the text says what to type.
    case incomplete(String)
    case unknown(String)

    /// nil when the line is recipe text.
    static func parse(_ line: String) -> MetaCommand? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix(":") else { return nil }
        let parts = trimmed.dropFirst().split(separator: " ", maxSplits: 1).map(String.init)
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        let command = parts.first ?? ""
        if let usage = usages[command], argument.isEmpty { return .incomplete(usage) }
        switch command {
        case "help", "h", "?": return .help(argument.isEmpty ? nil : argument)
        case "steps": return .steps
        case "show": return .show(argument)
        case "vars": return .vars
        case "deps": return .deps(argument)
        case "unbind":
            let words = argument.split(separator: " ").map(String.init)
            let force = words.contains("--force")
            let names = words.filter { $0 != "--force" }
            guard names.count == 1 else { return .incomplete(usages["unbind"]!) }
            return .unbind(names[0], force: force)
        case "reset": return .reset
        case "save": return .save(argument)
        case "load": return .load(argument)
        case "quit", "q", "exit": return .quit
        default: return .unknown(trimmed)
        }
    }

    /// Commands that need an argument, and what to say when it is missing.
    static let usages = [
        "show": ":show needs a name, e.g. `:show b'` (`:vars` lists the names)",
        "deps": ":deps needs a name, e.g. `:deps q`",
        "unbind": ":unbind needs one name, e.g. `:unbind q` (`:unbind q --force` also removes what depends on q)",
        "save": ":save needs a file, e.g. `:save session.recipe`",
        "load": ":load needs a recipe file, e.g. `:load Recipes/quickstart.recipe`",
    ]

    static let names = [":help", ":steps", ":show", ":vars", ":deps", ":unbind", ":reset", ":save", ":load", ":quit"]
}

struct ReplCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "Interactive recipes: type steps line by line; :help lists the commands.",
        discussion: """
            Meta-commands: :help [step], :steps, :show NAME, :vars, :deps NAME, :unbind NAME [--force], :reset, \
            :save FILE.recipe, :load FILE.recipe, :quit. Binding a name again replaces its definition and \
            recomputes everything that depends on it. Ctrl-C stops the running step and keeps the session. \
            When stdin is not a terminal, lines are read plainly and no prompt is printed. History: \
            ~/.lorweb_history (LORWEB_HISTORY=path moves it).
            """)

    @Option(name: .customLong("out-dir"), help: "Folder that relative save paths resolve against.")
    var outputDirectory = "."

    @OptionGroup var engine: EngineOptions

    func run() throws {
        Interrupts.install(exitOnSecondPress: false)
        let editor = LineEditor()
        let session = RecipeSession(options: engine.runOptions(outputDirectory: outputDirectory))
        let library = session.library
        var hadError = false
        if editor.interactive {
            print("lorweb \(ProgramVersion.string) recipe REPL. :help for commands, :quit to leave.")
        }
        let stepWords = Array(Set(library.names.flatMap { $0.split(separator: " ").map(String.init) })).sorted()
        while let line = editor.readLine(prompt: "lorweb> ", completions: stepWords + session.names + MetaCommand.names) {
            Interrupts.reset()
            do {
                if let meta = MetaCommand.parse(line) {
                    if try perform(meta, session: session) == false { break }
                } else {
                    try session.submit(line)
                }
            } catch let failure as RecipeFailure {
                hadError = true
                printError(failure.category == .interrupted ? "interrupted; the session is kept" : failure.description)
            } catch {
                hadError = true
                printError(SystemErrorText.message(for: error))
            }
        }
        editor.close()
        // Scripts piping a session in learn whether every line worked.
        if !editor.interactive && hadError { throw CommandExit(code: ExitCodes.runtimeFailure) }
    }

    /// false: leave the REPL.
    private func perform(_ meta: MetaCommand, session: RecipeSession) throws -> Bool {
        let library = session.library
        switch meta {
        case .quit:
            return false
        case .help(nil):
            print("""
                Type recipe lines: `name = step args... key: value`, `show name`, `save name "file.png"`.
                Binding a name again replaces its definition; what depends on it is recomputed at once.
                :help STEP    one step in full         :steps       all steps
                :show NAME    describe a value         :vars        bound names and types
                :deps NAME    what NAME uses and what uses it
                :unbind NAME  remove a binding (--force: and everything that depends on it)
                :reset        start an empty session
                :save FILE    write the session as a recipe
                :load FILE    run a recipe into the session (its names replace the session's)
                :quit         leave (Ctrl-D too)
                """)
        case .help(let name?):
            guard let step = library.step(named: name) else {
                let hint = Suggestions.closest(to: name, in: library.names).map { " (did you mean '\($0)'?)" } ?? ""
                throw RecipeFailure(Diagnostic("unknown step '\(name)'\(hint)", at: nil))
            }
            print(library.help(for: step))
        case .steps:
            print(library.overview())
        case .show(let name):
            print(try session.describe(name))
        case .vars:
            for v in session.variables() { print("\(v.name): \(v.type)\(v.computed ? "" : " (not computed)")") }
        case .deps(let name):
            let deps = try session.dependencies(of: name)
            print("\(name) uses: \(deps.uses.isEmpty ? "nothing" : deps.uses.joined(separator: ", "))")
            var users = deps.usedBy
            if !deps.outputLines.isEmpty { users += deps.outputLines.map { "`\($0)`" } }
            print("used by: \(users.isEmpty ? "nothing" : users.joined(separator: ", "))")
        case .unbind(let name, let force):
            let removed = try session.unbind(name, cascade: force)
            let others = removed.filter { $0 != name }
            print("unbound \(name)" + (others.isEmpty ? "" : " and its dependents \(others.joined(separator: ", "))"))
        case .reset:
            session.reset()
            print("the session is empty")
        case .save(let path):
            let rewritten = try session.save(to: path)
            print("saved \(session.statements.count) lines to \(path)"
                  + (rewritten == 0 ? "" : " (re-ran \(rewritten) save line\(rewritten == 1 ? "" : "s") so their files carry this recipe)"))
        case .load(let path):
            try session.load(path: path)
        case .incomplete(let usage):
            throw RecipeFailure(Diagnostic(usage, at: nil))
        case .unknown(let text):
            throw RecipeFailure(Diagnostic("unknown command '\(text)' (:help lists the commands)", at: nil))
        }
        return true
    }

    private func printError(_ text: String) {
        ProgressBar.endLine()
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
