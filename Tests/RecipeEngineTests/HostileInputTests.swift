// Issue 24: each class of hostile input found by the 2026-12-02 campaign, as a recipe-side test
// (the format-side ones are in FormatsTests/HostileFormatTests.swift, the generated corpus with
// time and memory limits in HostileCorpusTests.swift).
import Formats
import Foundation
import RecipeEngine
import XCTest

final class HostileInputTests: XCTestCase {
    private func failure(_ text: String, in dir: String? = nil, options: RunOptions? = nil) throws -> RecipeFailure {
        let dir = try dir ?? TestPaths.scratch("hostile")
        do {
            try runRecipe(text, in: dir, options: options ?? .testing(out: dir))
        } catch let failure as RecipeFailure {
            return failure
        }
        XCTFail("the recipe ran without an error")
        return RecipeFailure([])
    }

    // MARK: 1. depth: long chains are checked and evaluated without recursion

    /// The `show` lines of a recipe made of `lines`.
    private func shown(_ lines: [String]) throws -> [String] {
        let dir = try TestPaths.scratch("chain")
        let log = OutputLog()
        try runRecipe(lines.joined(separator: "\n"), in: dir, options: .testing(out: dir, log: log))
        return log.lines
    }

    func testThousandsOfChainedAliasesAreCheckedAndEvaluated() throws {
        // main crashed (stack overflow in the checker) at about 4,000.
        let n = 20_000
        let lines = ["x0 = 7"] + (1...n).map { "x\($0) = x\($0 - 1)" } + ["show x\(n)"]
        XCTAssertEqual(try shown(lines), ["x\(n) = 7"])
    }

    func testThousandsOfChainedStepBindingsAreEvaluated() throws {
        // Each binding a step call on the one before: the evaluator's recursion followed the chain.
        let n = 5_000
        let lines = ["x0 = 3"] + (1...n).map { "x\($0) = pick [x\($0 - 1), 1] 0" } + ["show x\(n)"]
        XCTAssertEqual(try shown(lines), ["x\(n) = 3"])
    }

    func testListsNestedThroughNamesHaveTheParsersDepthLimit() throws {
        // `x1 = [x0]`, `x2 = [x1]`, ...: 3,000 of them crashed the evaluator.
        var lines = ["x0 = 1"]
        for i in 1...3_000 { lines.append("x\(i) = [x\(i - 1)]") }
        lines.append("show x3000")
        let failure = try failure(lines.joined(separator: "\n"))
        XCTAssertTrue(failure.description.contains("lists nested too deeply (at most \(Parser.maxNesting) levels"), failure.description)
        // The limit is the parser's: 32 levels through names still run.
        var ok = ["y0 = 1"]
        for i in 1...Parser.maxNesting { ok.append("y\(i) = [y\(i - 1)]") }
        ok.append("show y\(Parser.maxNesting)")
        let dir = try TestPaths.scratch("nest-ok")
        try runRecipe(ok.joined(separator: "\n"), in: dir, options: .testing(out: dir))
    }

    // MARK: 3. bounded diagnostics

    func testSuggestionsSkipLongWordsAndStayCheap() {
        let long = String(repeating: "a", count: 5_000)
        // One edit apart, but far too long to compare: main built a 5,001 x 5,001 matrix and answered.
        XCTAssertNil(Suggestions.closest(to: long + "b", in: [long + "c"]))
        XCTAssertEqual(Suggestions.closest(to: "sampel", in: ["sample", "save"]), "sample")
        XCTAssertEqual(Suggestions.distance("kitten", "sitting"), 3)
        XCTAssertEqual(Suggestions.distance("ab", "ba"), 1)
        XCTAssertNil(Suggestions.distance(Array("abcdef"), Array("uvwxyz"), atMost: 2))
    }

    func testALineOfJunkGivesAFewBoundedErrors() throws {
        // 10 KB of characters the scanner refuses: main reported each (with the whole line each time).
        let junk = String(repeating: "§", count: 10_000)
        let failure = try failure("x = 1\n\(junk)\nshow x")
        XCTAssertLessThanOrEqual(failure.diagnostics.count, Diagnostics.maxErrorsPerLine + 1)
        XCTAssertTrue(failure.description.contains("more errors on this line are not shown"), failure.description)
        XCTAssertLessThan(failure.description.utf8.count, 4_000)
    }

    func testMessagesEchoABoundedPartOfTheInput() throws {
        let name = "n" + String(repeating: "x", count: 1_000_000)
        let failure = try failure("show \(name)")
        XCTAssertEqual(failure.diagnostics.count, 1)
        XCTAssertTrue(failure.description.contains("unknown name 'nxxx"), failure.description.prefix(300).description)
        XCTAssertLessThan(failure.description.utf8.count, 2_000)
    }

    // MARK: 4. the run's resource budget

    func testListLiteralsHaveAnItemLimit() throws {
        let items = Array(repeating: "1", count: Parser.maxListItems + 1).joined(separator: ",")
        let failure = try failure("x = [\(items)]\nshow x")
        XCTAssertTrue(failure.description.contains("a list may have at most \(Parser.maxListItems) items"), failure.description)
    }

    func testStepResultsBeyondTheMemoryBudgetStopTheRun() throws {
        let dir = try TestPaths.scratch("budget")
        var options = RunOptions.testing(out: dir)
        options.maxMemory = 3 << 20   // each noise tensor below is 1 MiB
        let failure = try failure("n = noise [512, 512] seed: [1, 2, 3, 4, 5, 6]\nshow n", in: dir, options: options)
        XCTAssertTrue(failure.description.contains("more than the run's memory budget of 3.0 MiB (raise it with --max-memory MiB)"),
                      failure.description)
        // Within the budget the same recipe runs.
        options.maxMemory = 16 << 20
        try runRecipe("n = noise [512, 512] seed: [1, 2, 3, 4, 5, 6]\nshow n", in: dir, options: options)
    }

    func testAListOfABillionNumbersIsRefusedNotShown() throws {
        // Ten times ten times ... a range: cheap to build by name, a billion numbers to walk or print.
        var lines = ["r = 0..99999"]
        var previous = "r"
        for level in 1...4 {
            lines.append("l\(level) = [" + Array(repeating: previous, count: 10).joined(separator: ", ") + "]")
            previous = "l\(level)"
        }
        lines.append("show \(previous)")
        let started = Date()
        let failure = try failure(lines.joined(separator: "\n"))
        XCTAssertTrue(failure.description.contains("this list holds more than the run's memory budget"), failure.description)
        XCTAssertLessThan(Date().timeIntervalSince(started), 30, "refusing the list should not walk it")
        XCTAssertEqual(ResourceBudget.bytes(of: .list([.number(1), .string("ab")])), 3 * ResourceBudget.scalarBytes + 2)
    }

    // MARK: 5. file names and non-regular files

    func testNULInAFileNameIsAnError() throws {
        let dir = try TestPaths.scratch("nul")
        try PNGFile.write(RGBImage(width: 2, height: 2, pixels: [UInt8](repeating: 9, count: 12)), to: dir + "/a.png")
        // main cut the name at the NUL and silently loaded a.png.
        let failure = try failure("a = load image \"a.png\u{0}junk\"\nshow a", in: dir)
        XCTAssertTrue(failure.description.contains("NUL"), failure.description)
    }

    func testAFIFOGivenAsAnInputIsRefusedWithoutBlocking() throws {
        let dir = try TestPaths.scratch("fifo")
        XCTAssertEqual(mkfifo(dir + "/pipe.png", 0o644), 0)
        let image = try failure("a = load image \"pipe.png\"\nshow a", in: dir)
        XCTAssertTrue(image.description.contains("not a regular file (a FIFO)"), image.description)
        // The recipe reader and the include refuse it the same way.
        XCTAssertEqual(mkfifo(dir + "/pipe.recipe", 0o644), 0)
        let include = try failure("include \"pipe.recipe\"\nshow 1", in: dir)
        XCTAssertTrue(include.description.contains("not a regular file (a FIFO)"), include.description)
    }

    // MARK: 6. cache entries carry their key; stale temporary files are swept

    func testACacheEntryCopiedOverAnotherKeyIsNotServed() throws {
        let dir = try TestPaths.scratch("cache-key")
        let cache = StepCache(directory: dir)
        let a = String(repeating: "a", count: 64), b = String(repeating: "b", count: 64)
        try cache.store(.number(1), for: a)
        try cache.store(.number(2), for: b)
        try FileManager.default.removeItem(atPath: cache.path(for: b))
        try FileManager.default.copyItem(atPath: cache.path(for: a), toPath: cache.path(for: b))
        guard case .damaged(let reason) = cache.lookup(b) else { return XCTFail("a copied entry was served for another key") }
        XCTAssertEqual(reason, "entry belongs to another key")
        guard case .hit(.number(1)) = cache.lookup(a) else { return XCTFail("the original entry is still good") }
    }

    func testStaleTemporaryFilesInTheCacheAreSwept() throws {
        let dir = try TestPaths.scratch("cache-tmp")
        try FileManager.default.createDirectory(atPath: dir + "/ab", withIntermediateDirectories: true)
        let stale = dir + "/ab/.abcd.entry.123.xyz.tmp", fresh = dir + "/ab/.abce.entry.124.xyz.tmp"
        for path in [stale, fresh] { FileManager.default.createFile(atPath: path, contents: Data([1, 2, 3])) }
        let old = Date().addingTimeInterval(-2 * StepCache.staleTemporaryAge)
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: stale)
        _ = StepCache(directory: dir)
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale), "a killed run's temporary file stays forever")
        XCTAssertTrue(FileManager.default.fileExists(atPath: fresh), "a write in progress must not be removed")
    }

    // MARK: 7. messages and rules

    func testTheSeedRuleIsOneRule() throws {
        let huge = "18446744073709551615"
        let header = try failure("seed \(huge)\nshow 1")
        let argument = try failure("n = noise [2] seed: \(huge)\nshow n")
        for failure in [header, argument] {
            XCTAssertTrue(failure.description.contains(WholeNumber.seedRule), failure.description)
        }
        // 2^53 is the largest seed, in the header, as an argument and through --set alike.
        let dir = try TestPaths.scratch("seed")
        let log = OutputLog()
        try runRecipe("seed 9007199254740992\nn = noise [2] seed: 9007199254740992\nshow n", in: dir,
                      options: .testing(out: dir, log: log), overrides: [("seed", "9007199254740992")])
        XCTAssertEqual(log.lines.count, 1)
        XCTAssertThrowsError(try Recipe.compile(text: "show 1", name: "t.recipe", directory: dir, overrides: [("seed", huge)]))
        XCTAssertNil(WholeNumber.exact(9_007_199_254_740_994), "2^53 + 2 is a Double but above the limit")
        XCTAssertEqual(WholeNumber.exact(-3), -3)
        XCTAssertNil(WholeNumber.exact(.nan))
    }

    func testIncludeDepthMessageMatchesTheLimit() throws {
        let dir = try TestPaths.scratch("include-depth")
        let depth = ProgramLoader.maxIncludeDepth
        // level k includes level k + 1; the deepest file shows something.
        func write(levels: Int) throws {
            for k in 1...levels {
                let body = k == levels ? "show \(k)" : "include \"level\(k + 1).recipe\""
                try body.write(toFile: dir + "/level\(k).recipe", atomically: true, encoding: .utf8)
            }
        }
        try write(levels: depth)
        let log = OutputLog()
        try runRecipe("include \"level1.recipe\"", in: dir, options: .testing(out: dir, log: log))
        XCTAssertEqual(log.lines, ["\(depth) = \(depth)"], "\(depth) levels of include are allowed")
        try write(levels: depth + 1)
        let failure = try failure("include \"level1.recipe\"", in: dir)
        XCTAssertTrue(failure.description.contains("includes nested too deeply (at most \(depth) levels)"), failure.description)
    }

    func testInspectListsIntegerTensors() throws {
        let dir = try TestPaths.scratch("inspect-int")
        let header = #"{"ids":{"dtype":"I64","shape":[2],"data_offsets":[0,16]},"mask":{"dtype":"U8","shape":[2,2],"data_offsets":[16,20]}}"#
        let headerBytes = Array(header.utf8)
        var file: [UInt8] = (0..<8).map { UInt8((headerBytes.count >> (8 * $0)) & 0xFF) }
        file += headerBytes + [UInt8](repeating: 1, count: 20)
        try Data(file).write(to: URL(fileURLWithPath: dir + "/ints.safetensors"))
        let summary = try WeightsInspector.inspect(safetensors: dir + "/ints.safetensors")
        XCTAssertEqual(summary.rows.map(\.key), ["ids", "mask"])
        XCTAssertEqual(summary.rows.map(\.dtype), ["I64", "U8"])
        XCTAssertEqual(summary.rows.map(\.shape), [[2], [2, 2]])
        // Loading one as a tensor still needs floats.
        let failure = try failure("t = load tensor \"ints.safetensors\" key: \"ids\"\nshow t", in: dir)
        XCTAssertTrue(failure.description.contains("unsupported dtype I64"), failure.description)
    }
}
