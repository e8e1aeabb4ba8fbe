// lorweb repl: the recipe language, line by line, with meta-commands. Ctrl-C stops the running step
// and keeps the session.
import ArgumentParser
import Foundation
import RecipeEngine

/// Meta-commands are parsed before the language (`:help`, `:quit`, ...).
enum MetaCommand: Equatable {
    case help(String?)
    case steps
    case show(String)
    case vars
    case save(String)
    case load(String)
    case quit
    case unknown(String)

    /// nil when the line is recipe text.
    static func parse(_ line: String) -> MetaCommand? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix(":") else { return nil }
        let parts = trimmed.dropFirst().split(separator: " ", maxSplits: 1).map(String.init)
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        switch parts.first ?? "" {
        case "help", "h", "?": return .help(argument.isEmpty ? nil : argument)
        case "steps": return .steps
        case "show" where !argument.isEmpty: return .show(argument)
        case "vars": return .vars
        case "save" where !argument.isEmpty: return .save(argument)
        case "load" where !argument.isEmpty: return .load(argument)
        case "quit", "q", "exit": return .quit
        default: return .unknown(trimmed)
        }
    }

    static let names = [":help", ":steps", ":show", ":vars", ":save", ":load", ":quit"]
}

struct ReplCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "Interactive recipes: type steps line by line; :help lists the commands.",
        discussion: """
            Meta-commands: :help [step], :steps, :show NAME, :vars, :save FILE.recipe, :load FILE.recipe, :quit. \
            Ctrl-C stops the running step and keeps the session. When stdin is not a terminal, lines are read \
            plainly and no prompt is printed.
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
                printError("\(error)")
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
                :help STEP    one step in full         :steps       all steps
                :show NAME    describe a value         :vars        bound names and types
                :save FILE    write the session as a recipe
                :load FILE    run a recipe into the session
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
        case .save(let path):
            try session.save(to: path)
            print("saved \(session.statements.count) lines to \(path)")
        case .load(let path):
            try session.load(path: path)
        case .unknown(let text):
            throw RecipeFailure(Diagnostic("unknown command '\(text)' (:help lists the commands)", at: nil))
        }
        return true
    }

    private func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
