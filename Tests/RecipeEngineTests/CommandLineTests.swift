// The `lorweb` binary end to end: the REPL driven through a pipe, exit codes, help text.
// The binary is found relative to this file (.build/release or .build/debug); `make test` builds it.
import Formats
import Foundation
import RecipeEngine
import XCTest

final class CommandLineTests: XCTestCase {
    typealias Result = LorwebResult

    func lorweb(_ arguments: [String], stdin: String = "", cwd: String? = nil) throws -> Result {
        try runLorweb(arguments, stdin: stdin, cwd: cwd)
    }

    func testReplDrivenThroughAPipe() throws {
        let dir = try TestPaths.scratch("repl")
        let session = """
            x = [1, 2]
            show x
            :vars
            y = smaple x
            :help resize
            q = analogy 0 size: 16
            small = resize q 8
            save small "out/s.png"
            :show x
            :save \(dir)/session.recipe
            :quit
            z = [3]
            """
        let result = try lorweb(["repl", "--no-cache", "--out-dir", dir], stdin: session, cwd: dir)
        XCTAssertEqual(result.code, 1, "a failed line makes a piped session exit 1\n\(result.err)")
        XCTAssertFalse(result.out.contains("lorweb>"), "no prompt when stdin is not a terminal")
        XCTAssertTrue(result.out.contains("x = [1, 2]"), result.out)
        XCTAssertTrue(result.out.contains("x: list of integers"), result.out)
        XCTAssertTrue(result.out.contains("resize IMAGE WIDTH [HEIGHT] [filter: string]"), result.out)
        XCTAssertTrue(result.err.contains("unknown step 'smaple' (did you mean 'sample'?)"), result.err)
        XCTAssertFalse(result.out.contains("z = [3]"), ":quit stops reading")
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/out/s-3.png"))
        // The saved session is a recipe that runs on its own.
        let saved = try String(contentsOfFile: dir + "/session.recipe", encoding: .utf8)
        XCTAssertTrue(saved.contains("small = resize q 8"), saved)
        XCTAssertFalse(saved.contains("smaple"), "failed lines are not part of the session")
        let rerun = try lorweb(["run", "session.recipe", "--no-cache", "--out-dir", dir + "/again"], cwd: dir)
        XCTAssertEqual(rerun.code, 0, rerun.err)
        // Same recipe text and name in provenance: the REPL's image and the re-run's are byte-identical.
        let first = FileManager.default.contents(atPath: dir + "/out/s-1.png")
        XCTAssertNotNil(first)
        XCTAssertTrue(first == FileManager.default.contents(atPath: dir + "/again/out/s-1.png"))
    }

    /// LORWEB_CPU_KERNEL picks the GEMM kernel; a name this machine cannot run stops lorweb at start-up with 78.
    func testKernelOverrideIsHonouredOrExits78() throws {
        let unknown = try runLorweb(["devices"], environment: ["LORWEB_CPU_KERNEL": "avx1024"])
        XCTAssertEqual(unknown.code, 78, unknown.err)
        XCTAssertTrue(unknown.err.contains("LORWEB_CPU_KERNEL=avx1024 is not a kernel variant"), unknown.err)
        #if arch(x86_64)
        let foreign = try runLorweb(["devices"], environment: ["LORWEB_CPU_KERNEL": "neon"])
        XCTAssertEqual(foreign.code, 78, foreign.err)
        XCTAssertTrue(foreign.err.contains("this CPU cannot run the neon kernel"), foreign.err)
        #endif
        let scalar = try runLorweb(["devices"], environment: ["LORWEB_CPU_KERNEL": "scalar"])
        XCTAssertNotEqual(scalar.code, 78, scalar.err)
        XCTAssertTrue(scalar.out.contains("GEMM kernel: scalar"), scalar.out)
    }

    func testExitCodesAndErrorFormat() throws {
        let dir = try TestPaths.scratch("exit")
        func write(_ name: String, _ text: String) throws { try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/" + name)) }
        try write("ok.recipe", "x = [1]\nshow x\n")
        try write("typo.recipe", "seed 1\nq = analogy 0\nb = smaple q\n")
        try write("missing.recipe", "a = load image \"nope.png\"\nshow a\n")
        try write("fails.recipe", "x = 3\nassert x max: 2\n")

        let ok = try lorweb(["run", "ok.recipe", "--no-cache"], cwd: dir)
        XCTAssertEqual(ok.code, 0)
        XCTAssertEqual(ok.out, "x = [1]\n")

        let typo = try lorweb(["run", "typo.recipe", "--no-cache"], cwd: dir)
        XCTAssertEqual(typo.code, 65)
        XCTAssertEqual(typo.err, """
            typo.recipe:3:5: unknown step 'smaple' (did you mean 'sample'?)
             3 | b = smaple q
               |     ^~~~~~

            """)

        let missing = try lorweb(["run", "missing.recipe", "--no-cache"], cwd: dir)
        XCTAssertEqual(missing.code, 66)
        XCTAssertTrue(missing.err.contains("missing.recipe:1:16: file not found: nope.png"), missing.err)

        let fails = try lorweb(["run", "fails.recipe", "--no-cache"], cwd: dir)
        XCTAssertEqual(fails.code, 1)
        XCTAssertTrue(fails.err.contains("assertion failed: x = 3 is above the maximum 2"), fails.err)
        XCTAssertFalse(fails.err.contains("Fatal error"), "no traps or stack traces for user errors")

        XCTAssertEqual(try lorweb(["run"], cwd: dir).code, 2)
        XCTAssertEqual(try lorweb(["run", "ok.recipe", "--threads", "0"], cwd: dir).code, 2)
        XCTAssertEqual(try lorweb(["run", "ok.recipe", "--set", "nope"], cwd: dir).code, 2)
        XCTAssertEqual(try lorweb(["run", "ok.recipe", "--set", "n=1"], cwd: dir).code, 65)
        XCTAssertEqual(try lorweb(["run", "absent.recipe"], cwd: dir).code, 66)
    }

    func testReproduceCommand() throws {
        let dir = try TestPaths.scratch("repro")
        try Data("seed 5\nq = analogy 1 size: 16\nfig = grid q\nsave fig \"fig.png\"\n".utf8)
            .write(to: URL(fileURLWithPath: dir + "/r.recipe"))
        XCTAssertEqual(try lorweb(["run", "r.recipe", "--quiet"], cwd: dir).code, 0)
        let same = try lorweb(["reproduce", "fig.png", "--no-cache"], cwd: dir)
        XCTAssertEqual(same.code, 0, same.err)
        XCTAssertTrue(same.out.hasPrefix("identical"), same.out)
        let decoded = try PNGFile.read(path: dir + "/fig.png")
        var image = decoded.image
        image.setPixel(2, 1, (1, 2, 3))
        try PNGFile.write(image, to: dir + "/fig.png", text: decoded.text.map { (key: $0.key, value: $0.value) })
        let different = try lorweb(["reproduce", "fig.png", "--no-cache"], cwd: dir)
        XCTAssertEqual(different.code, 3)
        XCTAssertTrue(different.out.contains("first differing pixel at (x 2, y 1)"), different.out)
        let inspect = try lorweb(["inspect", "fig.png"], cwd: dir)
        XCTAssertEqual(inspect.code, 0)
        XCTAssertTrue(inspect.out.contains("lorweb:seed: 5"), inspect.out)
    }

    func testHelpStepsListsEveryStep() throws {
        let help = try lorweb(["help", "steps"])
        XCTAssertEqual(help.code, 0)
        let markdown = try lorweb(["steps", "--markdown"])
        for step in StepLibrary.standard.steps {
            XCTAssertTrue(help.out.contains("\n" + step.name + " "), "help steps lacks \(step.name)")
            XCTAssertTrue(help.out.contains("e.g. " + step.example.prefix(20)), "help steps lacks the example of \(step.name)")
            XCTAssertTrue(markdown.out.contains("| `\(step.name)` |"), "markdown table lacks \(step.name)")
        }
        let one = try lorweb(["steps", "top-k"])
        XCTAssertEqual(one.out, StepLibrary.standard.help(for: StepLibrary.standard.step(named: "top-k")!) + "\n")
        XCTAssertEqual(try lorweb(["steps", "smaple"]).code, 2)
    }

    func testQuietRunPrintsNoNotesAndNoProgressWithoutATerminal() throws {
        let dir = try TestPaths.scratch("quiet")
        try Data("q = analogy 0 size: 16\nsave q \"q-{i}.png\"\n".utf8).write(to: URL(fileURLWithPath: dir + "/q.recipe"))
        let loud = try lorweb(["run", "q.recipe", "--no-cache"], cwd: dir)
        XCTAssertTrue(loud.err.contains("wrote q-0.png"), loud.err)
        XCTAssertFalse(loud.err.contains("\r"), "no progress bar when stderr is not a terminal")
        let quiet = try lorweb(["run", "q.recipe", "--no-cache", "--quiet"], cwd: dir)
        XCTAssertEqual(quiet.code, 0)
        XCTAssertEqual(quiet.err, "")
    }
}

/// Ctrl-C (SIGINT) in the REPL stops the running step and keeps the session.
final class ReplInterruptTests: XCTestCase {
    func testSigintCancelsTheRunningStepAndKeepsTheSession() throws {
        guard let binary = TestPaths.binary else { return XCTFail("lorweb is not built") }
        let dir = try TestPaths.scratch("sigint")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["repl", "--no-cache"]
        process.currentDirectoryURL = URL(fileURLWithPath: dir)
        let input = Pipe(), output = Pipe(), error = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // A long broadcast: hundreds of large noise tensors (minutes if nothing stops it).
        input.fileHandleForWriting.write(Data("kept = [1, 2]\nslow = noise [1024, 1024] seed: 1..500\n".utf8))
        Thread.sleep(forTimeInterval: 1.5)
        kill(process.processIdentifier, SIGINT)
        input.fileHandleForWriting.write(Data("show kept\nafter = [3]\nshow after\n:quit\n".utf8))
        try input.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning {
            process.terminate()
            return XCTFail("the REPL did not stop the step after SIGINT")
        }
        let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let err = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(err.contains("interrupted; the session is kept"), err)
        XCTAssertTrue(out.contains("kept = [1, 2]"), out)
        XCTAssertTrue(out.contains("after = [3]"), out)
        XCTAssertEqual(process.terminationStatus, 1, "a piped session with a failed line exits 1")
    }
}
