// Shared helpers for the recipe tests: paths in the repository, scratch folders, running text.
import Foundation
import RecipeEngine
import XCTest

enum TestPaths {
    /// The repository root, from this file's location.
    static var repository: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }

    static var conformance: String { repository + "/Tests/RecipeEngineTests/Recipes" }
    static var golden: String { repository + "/Golden" }

    /// The built `lorweb` binary (`make test` builds the release one first), or nil. When both
    /// exist the newer is used, so a stale release build never answers for fresh sources.
    static var binary: String? {
        let built = ["release", "debug"].map { repository + "/.build/\($0)/lorweb" }
            .filter { FileManager.default.isExecutableFile(atPath: $0) }
        func modified(_ path: String) -> Date {
            ((try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date) ?? .distantPast
        }
        return built.max { modified($0) < modified($1) }
    }

    static func scratch(_ label: String = "t") throws -> String {
        let path = NSTemporaryDirectory() + "lorweb-test-\(label)-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// Collects `show` lines and notes from a run (thread-safe: the callbacks are @Sendable).
final class OutputLog: @unchecked Sendable {
    private let lock = NSLock()
    private var _lines: [String] = []
    var lines: [String] { lock.lock(); defer { lock.unlock() }; return _lines }
    func append(_ line: String) { lock.lock(); _lines.append(line); lock.unlock() }
}

extension RunOptions {
    static func testing(out: String, log: OutputLog = OutputLog(), cache: StepCache? = nil, threads: Int = 2) -> RunOptions {
        RunOptions(execution: .init(threads: threads, device: "cpu"), outputDirectory: out, cache: cache,
                   output: { log.append($0) })
    }
}

/// Runs recipe text as if it were the file `dir/name` (relative paths resolve in `dir`).
@discardableResult
func runRecipe(_ text: String, in dir: String, name: String = "test.recipe", options: RunOptions,
               overrides: [(name: String, value: String)] = []) throws -> RunSummary {
    // Compiled from text under a relative name, so provenance (and bytes) do not depend on `dir`.
    let compiled = try Recipe.compile(text: text, name: name, directory: dir, overrides: overrides)
    return try Recipe.run(compiled, options: options)
}

/// Byte equality without dumping both arrays on failure.
func XCTAssertSameBytes(_ a: [UInt8], _ b: [UInt8], _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    if a == b { return }
    let first = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
    XCTFail("bytes differ (\(a.count) vs \(b.count) bytes, first difference at \(first)) \(message)", file: file, line: line)
}

/// What one run of the `lorweb` binary printed and returned.
struct LorwebResult {
    var code: Int32
    var out: String
    var err: String
}

/// Runs the built `lorweb` binary with `arguments`, feeding `stdin` through a pipe.
func runLorweb(_ arguments: [String], stdin: String = "", cwd: String? = nil,
               environment: [String: String]? = nil) throws -> LorwebResult {
    guard let binary = TestPaths.binary else {
        XCTFail("lorweb is not built: run `swift build` (or `make test`, which builds the release binary)")
        throw CocoaError(.fileNoSuchFile)
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new } }
    let input = Pipe(), output = Pipe(), error = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = error
    try process.run()
    input.fileHandleForWriting.write(Data(stdin.utf8))
    try input.fileHandleForWriting.close()
    // Both pipes are drained at once: a child that fills one while the test waits on the other would hang.
    nonisolated(unsafe) var err = Data()
    let errReader = Thread { err = error.fileHandleForReading.readDataToEndOfFile() }
    errReader.start()
    let out = output.fileHandleForReading.readDataToEndOfFile()
    while !errReader.isFinished { Thread.sleep(forTimeInterval: 0.01) }
    process.waitUntilExit()
    return LorwebResult(code: process.terminationStatus, out: String(decoding: out, as: UTF8.self),
                        err: String(decoding: err, as: UTF8.self))
}
