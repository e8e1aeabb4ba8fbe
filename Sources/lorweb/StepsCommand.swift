// lorweb steps (also `lorweb help steps`): the step table, from the one place steps are documented.
import ArgumentParser
import RecipeEngine

struct StepsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "steps",
        abstract: "List the recipe steps (signature, description, example).",
        discussion: StepLibrary.standard.overview())

    @Argument(help: "Show one step in full.")
    var step: [String] = []

    @Flag(help: "Print the table as Markdown (for the README).")
    var markdown = false

    func run() throws {
        let library = StepLibrary.standard
        if markdown {
            print(library.markdownTable(), terminator: "")
            return
        }
        if !step.isEmpty {
            let name = step.joined(separator: " ")
            guard let definition = library.step(named: name) else {
                let hint = Suggestions.closest(to: name, in: library.names).map { " (did you mean '\($0)'?)" } ?? ""
                throw ValidationError("unknown step '\(name)'\(hint)")
            }
            print(library.help(for: definition))
            return
        }
        print(library.overview())
    }
}
