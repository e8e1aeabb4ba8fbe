// The engine's front door: compile a recipe (parse, include, override, check) and run it.

/// A recipe that passed the checker.
public struct CompiledRecipe: Sendable {
    public var program: CheckedProgram
    /// Warnings from the checker (unused bindings, nothing to do).
    public var warnings: [Diagnostic]
    /// The name provenance records (the path as given).
    public var name: String
}

/// What a run did, for the front end.
public struct RunSummary: Sendable {
    public var stepsRun: Int
    public var cacheHits: Int
    /// Costly (cacheable) elements computed, a part of `stepsRun`.
    public var costlyRun = 0
}

public enum Recipe {
    /// Parses `path` (with includes), applies `--set` overrides and checks everything.
    public static func compile(path: String, overrides: [(name: String, value: String)] = [],
                               library: StepLibrary = .standard) throws -> CompiledRecipe {
        let (statements, diagnostics) = ProgramLoader.load(path: path, library: library)
        return try finish(statements, diagnostics, overrides: overrides, library: library, name: path)
    }

    /// Same for a text (the recipe embedded in a PNG, a test's string).
    public static func compile(text: String, name: String, directory: String,
                               overrides: [(name: String, value: String)] = [],
                               library: StepLibrary = .standard) throws -> CompiledRecipe {
        let file = SourceFile(name: name, text: text, directory: directory)
        let (statements, diagnostics) = ProgramLoader.load(file: file, library: library)
        return try finish(statements, diagnostics, overrides: overrides, library: library, name: name)
    }

    private static func finish(_ statements: [Statement], _ loadDiagnostics: Diagnostics,
                               overrides: [(name: String, value: String)], library: StepLibrary,
                               name: String) throws -> CompiledRecipe {
        var diagnostics = loadDiagnostics
        if diagnostics.hasErrors { throw RecipeFailure(diagnostics.errors) }
        let (overridden, overrideDiagnostics) = ProgramLoader.applyOverrides(overrides, to: statements, library: library)
        diagnostics.merge(overrideDiagnostics)
        if diagnostics.hasErrors { throw RecipeFailure(diagnostics.errors) }
        let (program, checkDiagnostics) = Checker.check(overridden, library: library)
        diagnostics.merge(checkDiagnostics)
        if diagnostics.hasErrors { throw RecipeFailure(diagnostics.errors) }
        return CompiledRecipe(program: program, warnings: diagnostics.warnings, name: name)
    }

    /// Runs every output line of a compiled recipe.
    @discardableResult
    public static func run(_ recipe: CompiledRecipe, options: RunOptions,
                           library: StepLibrary = .standard) throws -> RunSummary {
        let evaluator = Evaluator(program: recipe.program, options: options, library: library, recipeName: recipe.name)
        try evaluator.runOutputs()
        return RunSummary(stepsRun: evaluator.stepsRun, cacheHits: evaluator.cacheHits, costlyRun: evaluator.costlyRun)
    }

    /// Compiles and runs a recipe file.
    @discardableResult
    public static func run(path: String, options: RunOptions, library: StepLibrary = .standard) throws -> RunSummary {
        let recipe = try compile(path: path, overrides: options.overrides, library: library)
        for warning in recipe.warnings { options.notes(warning.rendered()) }
        return try run(recipe, options: options, library: library)
    }
}
