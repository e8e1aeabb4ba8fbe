// Hostile input: thousands of mutated recipes (deletions, swaps, random bytes, unbalanced brackets,
// huge numbers) must give diagnostics or a checked program, never a crash or a hang.
import Foundation
import RecipeEngine
import XCTest

final class ParserRobustnessTests: XCTestCase {
    static let seedRecipe = """
        # a : a' :: b : ?
        seed 42
        param steps = 20
        model = load model "mini"
        basis = load basis "mini" model
        quad = analogy 0..3 size: 32 split: "unseen"
        a = load image "images/a.png"
        q = encode pair model a a a
        mix = blend basis q
        b' = sample model q mix steps: steps guidance: 2.5 seed: [1, 2, 3]
        mixes = interpolate mix mix 0..1 step 0.25
        fig = grid [[a, b']] row-labels: ["x"] column-labels: ["a", "b'"] title: "t"
        save fig "out/fig.png"
        show [1, [2, 3], "s\\"q", true]
        assert steps min: 1
        """

    /// SplitMix64: a deterministic generator for the mutations (the test is reproducible).
    struct Mutator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }

        mutating func mutate(_ input: [UInt8]) -> [UInt8] {
            var bytes = input
            let operations = 1 + below(4)
            for _ in 0..<operations {
                let i = below(bytes.count + 1)
                switch below(9) {
                case 0 where !bytes.isEmpty:   // delete a run
                    let end = min(bytes.count, i + 1 + below(12))
                    if i < end { bytes.removeSubrange(i..<end) }
                case 1 where bytes.count > 1:  // swap two bytes
                    let j = below(bytes.count), k = below(bytes.count)
                    bytes.swapAt(j, k)
                case 2:                        // random bytes (including invalid UTF-8 and NUL)
                    bytes.insert(contentsOf: (0..<(1 + below(8))).map { _ in UInt8(truncatingIfNeeded: next()) }, at: i)
                case 3:                        // unbalanced brackets
                    bytes.insert(contentsOf: Array(String(repeating: below(2) == 0 ? "[" : "]", count: 1 + below(50)).utf8), at: i)
                case 4:                        // huge numbers
                    let huge = ["1e999999", "99999999999999999999999999", "-0.0e-400", "1" + String(repeating: "0", count: 400), "0..1e300 step 1e-300"]
                    bytes.insert(contentsOf: Array(huge[below(huge.count)].utf8), at: i)
                case 5:                        // duplicate a line
                    let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
                    let line = lines[below(lines.count)]
                    bytes.insert(contentsOf: Array(line) + [0x0A], at: i)
                case 6:                        // punctuation the grammar cares about
                    let marks = [":", "=", "\"", ",", "..", "'", "#", "\n", "step", "(", ")"]
                    bytes.insert(contentsOf: Array(marks[below(marks.count)].utf8), at: i)
                case 7:                        // truncate
                    bytes = Array(bytes.prefix(i))
                default:                       // deep nesting
                    bytes.insert(contentsOf: Array(String(repeating: "[", count: 200 + below(2000)).utf8), at: i)
                }
            }
            return bytes
        }
    }

    func testMutatedRecipesNeverCrashOrHang() throws {
        let dir = try TestPaths.scratch("fuzz")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var mutator = Mutator(state: 20261129)
        let original = Array(Self.seedRecipe.utf8)
        var rejected = 0, accepted = 0
        var slowest = 0.0
        let cases = 2500
        for n in 0..<cases {
            let bytes = mutator.mutate(original)
            let text = String(decoding: bytes, as: UTF8.self)
            let start = Date()
            do {
                _ = try Recipe.compile(text: text, name: "fuzz-\(n).recipe", directory: dir)
                accepted += 1
            } catch let failure as RecipeFailure {
                rejected += 1
                // Every error must render (file:line:col, source line, caret) without trapping.
                XCTAssertFalse(failure.description.isEmpty)
                for d in failure.diagnostics { _ = d.rendered() }
            }
            slowest = max(slowest, Date().timeIntervalSince(start))
        }
        XCTAssertEqual(accepted + rejected, cases)
        XCTAssertGreaterThan(rejected, cases / 2, "most mutations should be errors")
        XCTAssertLessThan(slowest, 2.0, "one recipe took \(slowest) s to reject (bounded time expected)")
    }

    func testRandomByteFilesAreRejected() throws {
        var mutator = Mutator(state: 7)
        for _ in 0..<300 {
            let bytes = (0..<mutator.below(400)).map { _ in UInt8(truncatingIfNeeded: mutator.next()) }
            let text = String(decoding: bytes, as: UTF8.self)
            do {
                _ = try Recipe.compile(text: text, name: "bytes.recipe", directory: ".")
            } catch is RecipeFailure {
                continue
            }
        }
    }

    func testHugeRangeIsAnErrorNotAnAllocation() throws {
        let dir = try TestPaths.scratch("range")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        XCTAssertThrowsError(try runRecipe("xs = 0..1e300\nshow xs\n", in: dir, options: .testing(out: dir))) { error in
            XCTAssertTrue("\(error)".contains("at most"), "\(error)")
        }
    }
}
