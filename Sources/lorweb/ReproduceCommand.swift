// lorweb reproduce FILE.png: re-run the embedded recipe and say whether the pixels match.
import ArgumentParser
import Foundation
import RecipeEngine

struct ReproduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reproduce",
        abstract: "Re-run the recipe stored in a PNG's provenance and compare pixels.",
        discussion: "Prints 'identical' (exit 0) or 'different' with the first differing pixel (exit 3).")

    @Argument(help: "A PNG written by lorweb.", completion: .file(extensions: ["png"]))
    var png: String

    @OptionGroup var engine: EngineOptions

    func run() throws {
        Interrupts.install()
        let options = engine.runOptions(outputDirectory: ".")
        let report = try Reproducer.reproduce(png: png, options: options)
        if report.identical {
            print("identical: \(png) (\(report.output) from \(report.recipeName), inputs in \(report.inputDirectory))")
        } else {
            print("different: \(png) (\(report.output) from \(report.recipeName)): \(report.difference ?? "")")
            throw CommandExit(code: ExitCodes.reproduceMismatch)
        }
    }
}
