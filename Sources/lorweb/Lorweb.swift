// The `lorweb` command: subcommands, and a main that maps every failure to a documented exit code.
import ArgumentParser
import Formats
import Foundation
import RecipeEngine
import TensorCore

struct Lorweb: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lorweb",
        abstract: "Visual-analogy image editing with a weight basis of LoRAs (LoRWeB), reproducible to the bit.",
        discussion: ExitCodes.documentation,
        subcommands: [RunCommand.self, ReplCommand.self, GoldenCommand.self, InspectCommand.self,
                      ReproduceCommand.self, StepsCommand.self, AnalogiesCommand.self, MiniInitCommand.self,
                      DevicesCommand.self, SlurmCommand.self])
}

@main
enum Main {
    static func main() {
        AllocatorTuning.keepLargeBlocksInHeap()
        // The GEMM kernel variant is chosen now, so a LORWEB_CPU_KERNEL this machine cannot honour stops the
        // process (exit 78) before any work, not in the middle of a run.
        _ = CPUKernel.selected
        do {
            var command = try Lorweb.parseAsRoot()
            try command.run()
            Foundation.exit(ExitCodes.ok)
        } catch let failure as RecipeFailure {
            ProgressBar.endLine()
            FileHandle.standardError.write(Data((failure.description + "\n").utf8))
            Foundation.exit(ExitCodes.code(for: failure))
        } catch let exit as CommandExit {
            Foundation.exit(exit.code)
        } catch let error where SystemErrorText.describe(error) != nil {
            // Foundation's file errors, as "path: cause" rather than NSCocoaErrorDomain's dump.
            ProgressBar.endLine()
            FileHandle.standardError.write(Data(("error: " + SystemErrorText.message(for: error) + "\n").utf8))
            Foundation.exit(ExitCodes.runtimeFailure)
        } catch {
            let code = Lorweb.exitCode(for: error)
            if code == .success {
                Lorweb.exit(withError: error)
            }
            let message = Lorweb.fullMessage(for: error)
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            // Usage mistakes (bad flags, missing arguments) are exit 2; anything else a runtime failure.
            Foundation.exit(code == .validationFailure ? ExitCodes.usage : ExitCodes.runtimeFailure)
        }
    }
}

/// Thrown by subcommands that already printed what the user needs and only want an exit code.
struct CommandExit: Error {
    var code: Int32
}

enum ExitCodes {
    static let ok: Int32 = 0
    static let runtimeFailure: Int32 = 1
    static let usage: Int32 = 2
    static let reproduceMismatch: Int32 = 3
    static let goldenMismatch: Int32 = 4
    static let recipeError: Int32 = 65
    static let missingInput: Int32 = 66
    static let interrupted: Int32 = 130

    static func code(for failure: RecipeFailure) -> Int32 {
        switch failure.category {
        case .recipe: return recipeError
        case .missingInput: return missingInput
        case .runtime: return runtimeFailure
        case .interrupted: return interrupted
        }
    }

    static let documentation = """
        Exit codes: 0 ok; 1 a step failed while running; 2 usage (bad flags or arguments); \
        3 reproduce found different pixels; 4 golden check found differences; \
        65 the recipe has errors (syntax, names, types); 66 an input file is missing or unreadable; \
        78 LORWEB_CPU_KERNEL names a kernel this machine cannot run; \
        130 interrupted (Ctrl-C).
        """
}
