// One runner for the recipe-file tests under Recipes/<feature>/<case>.recipe (craftinginterpreters
// style). Expectations are comments in the recipe:
//   # expect: TEXT                  a line the run prints (show output), in order
//   # error [L:C]: TEXT             a compile error at line L, column C whose message contains TEXT
//   # expect runtime error: TEXT    the run fails with a message containing TEXT
// A case with `# error` lines must fail to compile with exactly those errors.
import Foundation
import RecipeEngine
import XCTest

final class ConformanceTests: XCTestCase {
    struct Expectations {
        var output: [String] = []
        var errors: [(line: Int, column: Int, text: String)] = []
        var runtimeError: String?
    }

    static func expectations(in text: String) -> Expectations {
        var e = Expectations()
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let r = line.range(of: "# expect runtime error: ") {
                e.runtimeError = String(line[r.upperBound...])
            } else if let r = line.range(of: "# expect: ") {
                e.output.append(String(line[r.upperBound...]))
            } else if let r = line.range(of: "# error [") {
                let rest = line[r.upperBound...]
                guard let close = rest.firstIndex(of: "]") else { continue }
                let parts = rest[..<close].split(separator: ":").compactMap { Int($0) }
                let message = rest[rest.index(after: close)...].drop { $0 == ":" || $0 == " " }
                if parts.count == 2 { e.errors.append((parts[0], parts[1], String(message))) }
            }
        }
        return e
    }

    func cases() throws -> [String] {
        let root = TestPaths.conformance
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        var out: [String] = []
        while let item = enumerator.nextObject() as? String {
            // Files under an `include/` folder are helpers, not cases.
            if item.hasSuffix(".recipe") && !item.contains("/include/") { out.append(item) }
        }
        return out.sorted()
    }

    func testEveryConformanceCase() throws {
        let all = try cases()
        XCTAssertGreaterThanOrEqual(all.count, 40, "conformance cases went missing")
        var failures: [String] = []
        for relative in all {
            if let problem = try run(relative) { failures.append("\(relative): \(problem)") }
        }
        XCTAssert(failures.isEmpty, "\(failures.count) of \(all.count) cases failed:\n" + failures.joined(separator: "\n"))
    }

    /// nil when the case behaves as its comments say.
    func run(_ relative: String) throws -> String? {
        let path = TestPaths.conformance + "/" + relative
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let expected = Self.expectations(in: text)
        let out = try TestPaths.scratch("conf")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let log = OutputLog()
        let compiled: CompiledRecipe
        do {
            compiled = try Recipe.compile(path: path)
        } catch let failure as RecipeFailure {
            let errors = failure.diagnostics.filter { $0.severity == .error }
            guard !expected.errors.isEmpty else { return "unexpected compile error:\n\(failure)" }
            for e in expected.errors {
                let hit = errors.contains {
                    $0.span?.location.line == e.line && $0.span?.location.column == e.column && $0.message.contains(e.text)
                }
                if !hit { return "missing error [\(e.line):\(e.column)] \(e.text); got:\n\(failure)" }
            }
            if errors.count != expected.errors.count {
                return "expected \(expected.errors.count) errors, got \(errors.count):\n\(failure)"
            }
            return nil
        }
        if !expected.errors.isEmpty { return "compiled, but errors were expected" }
        do {
            try Recipe.run(compiled, options: .testing(out: out, log: log))
        } catch let failure as RecipeFailure {
            guard let want = expected.runtimeError else { return "unexpected runtime error:\n\(failure)" }
            if !failure.description.contains(want) { return "runtime error should contain '\(want)', got:\n\(failure)" }
            return log.lines == expected.output ? nil : "output before the error:\n\(log.lines.joined(separator: "\n"))"
        }
        if let want = expected.runtimeError { return "ran, but the runtime error '\(want)' was expected" }
        if log.lines != expected.output {
            return "output differs.\nexpected:\n\(expected.output.joined(separator: "\n"))\nactual:\n\(log.lines.joined(separator: "\n"))"
        }
        return nil
    }
}
