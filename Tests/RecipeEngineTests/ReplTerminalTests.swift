// The REPL as a person uses it: on a terminal (a pseudo-terminal opened here, so readline, the
// history file and the progress bar are live), with a model chain a -> q -> mix -> b' rebound.
import Formats
import Foundation
import XCTest

/// glibc's pseudo-terminal calls, which its headers declare only under _XOPEN_SOURCE (so Swift does not
/// see them): looked up by name, with their C signatures.
private enum PTY {
    private static func function<T>(_ name: String, as type: T.Type) -> T {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), name) else {
            fatalError("libc has no \(name)")
        }
        return unsafeBitCast(symbol, to: type)
    }
    static let openpt = function("posix_openpt", as: (@convention(c) (Int32) -> Int32).self)
    static let grant = function("grantpt", as: (@convention(c) (Int32) -> Int32).self)
    static let unlock = function("unlockpt", as: (@convention(c) (Int32) -> Int32).self)
    static let name = function("ptsname", as: (@convention(c) (Int32) -> UnsafeMutablePointer<CChar>?).self)
}

/// A `lorweb` child process whose stdin, stdout and stderr are one pseudo-terminal.
final class TerminalSession: @unchecked Sendable {
    let process = Process()
    private let master: FileHandle
    private let lock = NSLock()
    private var captured = Data()

    init(arguments: [String], cwd: String, environment: [String: String]) throws {
        guard let binary = TestPaths.binary else { throw CocoaError(.fileNoSuchFile) }
        let masterFD = PTY.openpt(O_RDWR | O_NOCTTY)
        guard masterFD >= 0, PTY.grant(masterFD) == 0, PTY.unlock(masterFD) == 0, let name = PTY.name(masterFD) else {
            throw NSError(domain: NSPOSIXErrorDomain, code: Int(errno))
        }
        let slaveFD = open(String(cString: name), O_RDWR | O_NOCTTY)
        guard slaveFD >= 0 else { throw NSError(domain: NSPOSIXErrorDomain, code: Int(errno)) }
        master = FileHandle(fileDescriptor: masterFD, closeOnDealloc: true)
        let slave = FileHandle(fileDescriptor: slaveFD, closeOnDealloc: true)
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: cwd)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardInput = slave
        process.standardOutput = slave
        process.standardError = slave
        try process.run()
        try slave.close()
        let reader = Thread { [weak self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            // read(2), not FileHandle.availableData (which traps on EIO): EIO is how the master learns
            // that the child closed the terminal.
            while let self {
                let count = read(masterFD, &buffer, buffer.count)
                if count <= 0 { break }
                self.lock.lock(); self.captured.append(contentsOf: buffer[0..<count]); self.lock.unlock()
            }
        }
        reader.start()
    }

    var output: String { lock.lock(); defer { lock.unlock() }; return String(decoding: captured, as: UTF8.self) }

    func type(_ text: String) { master.write(Data(text.utf8)) }

    /// Waits until the output contains `text` (true) or `seconds` pass (false).
    func wait(for text: String, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if output.contains(text) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return output.contains(text)
    }

    func waitForExit(seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { process.terminate(); return false }
        return true
    }
}

final class ReplTerminalTests: XCTestCase {
    private func start(in dir: String) throws -> TerminalSession {
        guard TestPaths.binary != nil else { XCTFail("lorweb is not built"); throw CocoaError(.fileNoSuchFile) }
        // TERM=dumb: readline edits lines without escape sequences. The history file does not exist yet.
        return try TerminalSession(arguments: ["repl", "--no-cache"], cwd: dir,
                                   environment: ["TERM": "dumb", "LORWEB_HISTORY": dir + "/history", "HOME": dir])
    }

    func testRebindingAChainOnATerminalMatchesAFreshRunOfTheSavedRecipe() throws {
        let dir = try TestPaths.scratch("pty-rebind")
        try FileManager.default.createDirectory(atPath: dir + "/before", withIntermediateDirectories: true)
        let terminal = try start(in: dir)
        terminal.type("""
            seed 3
            model = load model "mini"
            basis = load basis "mini" model
            quad = analogy 0 size: 32
            a = pick quad 0
            a' = pick quad 1
            b = pick quad 2
            q = encode pair model a a' b
            mix = blend basis q
            b' = sample model q mix steps: 4
            save b' "out/b.png"
            :save before/session.recipe
            a = pick quad 3
            :save session.recipe
            :quit

            """)
        XCTAssertTrue(terminal.waitForExit(seconds: 120), "the REPL did not finish:\n\(terminal.output)")
        let output = terminal.output
        XCTAssertEqual(terminal.process.terminationStatus, 0, output)
        // Rebinding a recomputed a, q, mix, b' and re-ran the save: 5 steps; model, basis, quad, a', b kept.
        XCTAssertTrue(output.contains("recomputed q, mix, b'; re-ran 1 output line (5 steps run, 0 from cache)"), output)
        XCTAssertTrue(output.contains("4/4 0:0"), "the progress bar shows the elapsed time:\n\(output)")
        XCTAssertTrue(output.contains("left"), "and the time left while sampling:\n\(output)")

        // The history file was created and holds the typed lines.
        let history = try String(contentsOfFile: dir + "/history", encoding: .utf8)
        XCTAssertTrue(history.contains("b' = sample model q mix steps: 4"), history)

        // The saved recipe has the new definition where the old one stood, and a fresh run of it gives
        // the REPL's bytes; the recipe saved before the rebinding gives another b'.
        let saved = try String(contentsOfFile: dir + "/session.recipe", encoding: .utf8)
        let newA = try XCTUnwrap(saved.range(of: "a = pick quad 3")), q = try XCTUnwrap(saved.range(of: "q = encode pair"))
        XCTAssertTrue(newA.lowerBound < q.lowerBound, saved)
        XCTAssertFalse(saved.contains("a = pick quad 0"), saved)
        let session = try Data(contentsOf: URL(fileURLWithPath: dir + "/out/b.png"))
        let fresh = try runLorweb(["run", "session.recipe", "--no-cache", "--quiet", "--out-dir", "fresh"], cwd: dir)
        XCTAssertEqual(fresh.code, 0, fresh.err)
        XCTAssertSameBytes([UInt8](session), [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/fresh/out/b.png"))))
        let before = try runLorweb(["run", "session.recipe", "--no-cache", "--quiet", "--out-dir", "run"], cwd: dir + "/before")
        XCTAssertEqual(before.code, 0, before.err)
        let old = try PNGFile.read(path: dir + "/before/run/out/b.png").image.pixels
        let new = try PNGFile.read(path: dir + "/out/b.png").image.pixels
        XCTAssertNotEqual(old, new, "b' changed with a")
    }

    func testCtrlCMessageStartsOnANewLineAfterTheProgressBar() throws {
        let dir = try TestPaths.scratch("pty-sigint")
        let terminal = try start(in: dir)
        terminal.type("""
            model = load model "mini"
            quad = analogy 0 size: 32
            a = pick quad 0
            q = encode pair model a a a
            slow = sample model q steps: 1000
            :quit

            """)
        XCTAssertTrue(terminal.wait(for: "sample slow [", seconds: 60), terminal.output)
        Thread.sleep(forTimeInterval: 0.5)
        kill(terminal.process.processIdentifier, SIGINT)
        XCTAssertTrue(terminal.waitForExit(seconds: 60), terminal.output)
        let output = terminal.output
        let message = try XCTUnwrap(output.range(of: "interrupted; the session is kept"), output)
        // Scalars, not Characters: the terminal writes "\r\n", which is one Character.
        XCTAssertEqual(output.unicodeScalars[..<message.lowerBound].last, "\n",
                       "the message must not continue the bar's line:\n\(output)")
    }
}
