// The step table is the single documentation source: every entry must be complete and its example
// must be valid recipe syntax naming that very step.
import Foundation
import RecipeEngine
import XCTest

final class StepTableTests: XCTestCase {
    func testEveryStepIsDocumentedWithAnExampleThatParses() throws {
        let library = StepLibrary.standard
        XCTAssertEqual(Set(library.names).count, library.names.count, "step names must be unique")
        for step in library.steps {
            XCTAssertGreaterThan(step.doc.count, 20, "\(step.name): doc too short")
            XCTAssertTrue(step.parameters.allSatisfy { !$0.doc.isEmpty }, "\(step.name): a parameter lacks a doc")
            let file = SourceFile(name: "example", text: step.example, directory: ".")
            let (statements, diagnostics) = Parser.parse(file, stepNames: library.names)
            XCTAssertFalse(diagnostics.hasErrors, "\(step.name) example: \(diagnostics.rendered())")
            XCTAssertEqual(statements.count, 1)
            switch statements.first {
            case .bind(_, let call)?, .run(let call)?: XCTAssertEqual(call.name, step.name, "example of \(step.name)")
            default: XCTFail("\(step.name): the example is not a step call")
            }
        }
    }

    func testTheIssueListOfStepsIsComplete() {
        let required = ["load model", "load basis", "load image", "encode pair", "blend", "sample", "save",
                        "load tensor", "save tensor", "noise", "interpolate", "top-k", "scale", "grid", "plot",
                        "metrics", "table", "analogy", "assert", "show"]
        for name in required {
            XCTAssertNotNil(StepLibrary.standard.step(named: name), "missing step '\(name)'")
        }
    }

    func testMarkdownTableHasOneRowPerStep() {
        let table = StepLibrary.standard.markdownTable()
        XCTAssertEqual(table.split(separator: "\n").count, 2 + StepLibrary.standard.steps.count)
    }
}

/// The shipped example recipes (README commands) must pass the checker: names, types, files.
final class ExampleRecipeTests: XCTestCase {
    func testExampleRecipesCheck() throws {
        let folder = TestPaths.repository + "/Recipes"
        let names = try FileManager.default.subpathsOfDirectory(atPath: folder).filter { $0.hasSuffix(".recipe") }.sorted()
        XCTAssertTrue(names.contains("quickstart.recipe"))
        XCTAssertTrue(names.contains("paper/heldout.recipe"))
        for name in names where Self.needsWeights[name] == nil {
            XCTAssertNoThrow(try Recipe.compile(path: folder + "/" + name), name)
        }
    }

    /// Recipes for weights this repository cannot ship: checked against the tiny pipeline folders of the same
    /// layout (every name, type and file), and, as shipped, stopped at the checker naming the missing folder.
    /// Overrides are expressions, as `--set` takes them: strings are quoted.
    static let tiny = TestPaths.repository + "/Tests/PipelineTests/Fixtures/kontext_tiny"
    static let needsWeights: [String: [(name: String, value: String)]] = [
        "paper/full-scale.recipe": [("kontext", "\"\(tiny)/FLUX.1-Kontext-tiny\""), ("clip", "\"\(tiny)/clip-vision-tiny\""),
                                    ("checkpoint", "\"\(tiny)/basis/lorweb.safetensors\"")],
    ]

    func testWeightRecipesCheckAgainstTheTinyFoldersAndNameWhatIsMissing() throws {
        let folder = TestPaths.repository + "/Recipes"
        for (name, overrides) in Self.needsWeights {
            XCTAssertNoThrow(try Recipe.compile(path: folder + "/" + name, overrides: overrides), name)
            XCTAssertThrowsError(try Recipe.compile(path: folder + "/" + name)) { error in
                XCTAssertTrue("\(error)".contains("FLUX.1-Kontext-dev"), "\(name): \(error)")
            }
        }
    }
}

/// The README's step table is generated from the step table; it must not drift.
final class ReadmeStepTableTests: XCTestCase {
    func testReadmeCarriesTheCurrentStepTable() throws {
        let table = StepLibrary.standard.markdownTable()
        let readme = try String(contentsOfFile: TestPaths.repository + "/README.md", encoding: .utf8)
        XCTAssertTrue(readme.contains(table),
                      "regenerate the README step table with `lorweb steps --markdown`")
    }
}
