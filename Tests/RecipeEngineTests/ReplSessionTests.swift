// The REPL's notebook semantics through the RecipeSession API: rebinding replaces a definition and
// recomputes exactly what depends on it (counted in step executions), a failing change changes
// nothing, :unbind / :reset / :deps / :load, and :save writes a recipe whose run gives the same bytes.
import Foundation
import RecipeEngine
import XCTest

final class ReplSessionTests: XCTestCase {
    private func makeSession(_ dir: String, log: OutputLog = OutputLog()) -> RecipeSession {
        var options = RunOptions.testing(out: dir, log: log)
        options.notes = { log.append("note: " + $0) }
        return RecipeSession(options: options, directory: dir)
    }

    private func submit(_ session: RecipeSession, _ lines: String) throws {
        for line in lines.split(separator: "\n") { try session.submit(String(line)) }
    }

    /// A chain quad -> a -> small -> big and a binding `other` that depends on none of it.
    private let chain = """
        seed 1
        quad = analogy 0 size: 16
        other = analogy 5 size: 16
        a = pick quad 0
        small = resize a 8
        big = resize small 12
        """

    func testRebindingRecomputesExactlyTheDependents() throws {
        let dir = try TestPaths.scratch("session-rebind")
        let log = OutputLog()
        let session = makeSession(dir, log: log)
        try submit(session, chain)
        XCTAssertEqual(session.stepsRun, 5, "each binding computed once when entered")
        let bigBefore = try session.describe("big"), otherBefore = try session.describe("other")

        try session.submit("a = pick quad 1")
        // a, small, big: three steps. quad and other are not recomputed.
        XCTAssertEqual(session.stepsRun, 5 + 3)
        XCTAssertNotEqual(try session.describe("big"), bigBefore, "big follows its new input")
        XCTAssertEqual(try session.describe("other"), otherBefore)
        XCTAssertEqual(session.stepsRun, 8, "describing computed values runs nothing")
        XCTAssertTrue(log.lines.contains("note: recomputed small, big (3 steps run, 0 from cache)"), "\(log.lines)")
        // The definition is replaced where it stood: the session is still one recipe, in the same order.
        XCTAssertEqual(session.names, ["quad", "other", "a", "small", "big"])
        XCTAssertFalse(session.statements.map { Printer.statement($0) }.contains("a = pick quad 0"))
    }

    func testRebindingReRunsDependentOutputsAndTheSavedRecipeGivesTheSameBytes() throws {
        let dir = try TestPaths.scratch("session-save")
        let session = makeSession(dir)
        try submit(session, chain + "\nsave big \"out/big.png\"\nsave other \"out/other-{i}.png\"")
        let first = try Data(contentsOf: URL(fileURLWithPath: dir + "/out/big.png"))
        let stepsBefore = session.stepsRun
        try session.submit("small = resize a 6")
        // small, big and the save of big; not the save of other.
        XCTAssertEqual(session.stepsRun, stepsBefore + 3)
        let second = try Data(contentsOf: URL(fileURLWithPath: dir + "/out/big.png"))
        XCTAssertNotEqual(first, second, "the save line re-ran with the new big")

        // `other`'s files were written while the session was another recipe: :save writes them again.
        XCTAssertEqual(try session.save(to: dir + "/session.recipe"), 1)
        XCTAssertEqual(try session.save(to: dir + "/session.recipe"), 0, "nothing is stale the second time")
        let text = try String(contentsOfFile: dir + "/session.recipe", encoding: .utf8)
        let fresh = try TestPaths.scratch("session-save-fresh")
        try runRecipe(text, in: dir, name: RecipeSession.recipeName, options: .testing(out: fresh))
        for file in ["out/big.png", "out/other-0.png", "out/other-3.png"] {
            XCTAssertSameBytes([UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/" + file))),
                               [UInt8](try Data(contentsOf: URL(fileURLWithPath: fresh + "/" + file))), file)
        }
    }

    func testAFailingRebindingChangesNothing() throws {
        let dir = try TestPaths.scratch("session-fail")
        let session = makeSession(dir)
        try submit(session, chain + "\nn = 2\nassert n max: 3")
        let text = Printer.program(session.statements), big = try session.describe("big")
        // A checker error (a number where an image is needed), a runtime error in a dependent (index
        // outside the list), and a dependent assert that no longer holds.
        XCTAssertThrowsError(try session.submit("a = 5"))
        XCTAssertThrowsError(try session.submit("a = pick quad 9"))
        XCTAssertThrowsError(try session.submit("n = 4"))
        XCTAssertEqual(Printer.program(session.statements), text)
        XCTAssertEqual(try session.describe("big"), big)
        XCTAssertEqual(try session.describe("n"), "n = 2")
        XCTAssertTrue(session.variables().allSatisfy { $0.computed }, "rolled-back values are kept, not dropped")
        try session.submit("n = 3")
        XCTAssertEqual(try session.describe("n"), "n = 3")
    }

    func testTheSeedIsRebindableAndChangesOnlyRandomSteps() throws {
        let dir = try TestPaths.scratch("session-seed")
        let session = makeSession(dir)
        try submit(session, chain + "\nplain = resize other 4\nlist = [1, 2, 3]\ncount = length list")
        let steps = session.stepsRun, quad = try session.describe("quad"), count = try session.describe("count")
        try session.submit("seed 2")
        // quad and other are random (analogy); a, small, big and plain depend on them; count does not.
        // 1 step each, but plain resizes other's 4 images: 4 steps.
        XCTAssertEqual(session.stepsRun, steps + 9)
        XCTAssertNotEqual(try session.describe("quad"), quad)
        XCTAssertEqual(try session.describe("count"), count)
        XCTAssertEqual(session.statements.filter { Printer.statement($0).hasPrefix("seed") }.count, 1)
    }

    func testUnbindDepsAndReset() throws {
        let dir = try TestPaths.scratch("session-unbind")
        let session = makeSession(dir)
        try submit(session, chain + "\nsave big \"big.png\"")
        let deps = try session.dependencies(of: "small")
        XCTAssertEqual(deps.uses, ["a"])
        XCTAssertEqual(deps.usedBy, ["big"])
        XCTAssertEqual(deps.outputLines, ["save big \"big.png\""])
        XCTAssertThrowsError(try session.unbind("a", cascade: false)) { error in
            XCTAssertTrue("\(error)".contains("'a' is used by 'small', 'big', 1 output line; `:unbind a --force`"), "\(error)")
        }
        XCTAssertEqual(session.names.count, 5, "a refused unbind removes nothing")
        XCTAssertEqual(try session.unbind("other", cascade: false), ["other"])
        XCTAssertEqual(try session.unbind("a", cascade: true), ["a", "small", "big"])
        XCTAssertEqual(session.names, ["quad"])
        XCTAssertEqual(session.statements.count, 2, "seed and quad; the save of big went with big")
        XCTAssertThrowsError(try session.describe("big"))
        session.reset()
        XCTAssertTrue(session.statements.isEmpty)
        try session.submit("a = [1]")   // a name from before the reset binds afresh
        XCTAssertEqual(try session.describe("a"), "a = [1]")
    }

    func testLoadRebindsTheSessionsNames() throws {
        let dir = try TestPaths.scratch("session-load")
        let session = makeSession(dir)
        try submit(session, chain)
        try Data("a = pick quad 2\nextra = resize big 4\n".utf8).write(to: URL(fileURLWithPath: dir + "/more.recipe"))
        let steps = session.stepsRun, big = try session.describe("big")
        try session.load(path: dir + "/more.recipe")
        // a, small, big recomputed; extra is new.
        XCTAssertEqual(session.stepsRun, steps + 4)
        XCTAssertNotEqual(try session.describe("big"), big)
        XCTAssertEqual(session.names, ["quad", "other", "a", "small", "big", "extra"])
        // A recipe that binds a name twice is refused as a whole.
        try Data("x = [1]\nx = [2]\n".utf8).write(to: URL(fileURLWithPath: dir + "/twice.recipe"))
        XCTAssertThrowsError(try session.load(path: dir + "/twice.recipe"))
        XCTAssertFalse(session.names.contains("x"))
    }
}
