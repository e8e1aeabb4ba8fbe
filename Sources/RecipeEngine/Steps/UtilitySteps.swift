// show, assert (tests written as recipes) and table.
import Formats
import Foundation
import TensorCore

enum UtilitySteps {
    static let all: [StepDefinition] = [show, assert, table]

    static let show = StepDefinition(
        "show",
        parameters: [StepParameter("value", .any, doc: "any value")],
        result: .nothing,
        doc: "Prints a one-line description: image size, pixel hash and a preview PNG; tensor shape and statistics; the top coefficients of a mix; lists and numbers as text.",
        example: "show mix") { args, context in
            let value = args.values["value"] ?? .nothing
            let name = context.argumentNames["value"] ?? "value"
            context.emit("\(name) = \(Previews.describe(value, name: name, options: context.options))")
            return .nothing
        }

    static let assert = StepDefinition(
        "assert",
        parameters: [
            StepParameter("value", .any, doc: "the value to check"),
            StepParameter("equals", .any, positional: false, default: .nothing, doc: "exact equality (images: pixels; tensors: bits)"),
            StepParameter("near", .number, positional: false, default: .nothing, doc: "a number within tolerance"),
            StepParameter("tolerance", .number, positional: false, default: .number(1e-6), doc: "for near:"),
            StepParameter("min", .number, positional: false, default: .nothing, doc: "lower bound (inclusive)"),
            StepParameter("max", .number, positional: false, default: .nothing, doc: "upper bound (inclusive)"),
            StepParameter("length", .integer, positional: false, default: .nothing, doc: "number of items of a list"),
            StepParameter("sha256", .string, positional: false, default: .nothing,
                          doc: "SHA-256 of an image's RGB pixel bytes (a prefix is enough)"),
            StepParameter("message", .string, positional: false, default: .nothing, doc: "shown when the check fails"),
        ],
        result: .nothing,
        doc: "Fails the run unless every given condition holds; recipes double as tests.",
        example: "assert score min: 30 message: \"PSNR too low\"") { args, context in
            let value = args.values["value"] ?? .nothing
            let name = context.argumentNames["value"] ?? "value"
            var failures: [String] = []
            var checked = 0
            if let expected = args["equals"] {
                checked += 1
                if !Equality.equal(value, expected) {
                    failures.append("\(name) is \(ValueDescription.summary(value)), expected \(ValueDescription.summary(expected))")
                }
            }
            if let target = args["near"], case .number(let t) = target {
                checked += 1
                let tol = try args.number("tolerance")
                guard case .number(let x) = value else { throw StepError.argument("value", "near: needs a number") }
                if !(abs(x - t) <= tol) { failures.append("\(name) = \(Printer.number(x)) is not within \(Printer.number(tol)) of \(Printer.number(t))") }
            }
            for (label, isMin) in [("min", true), ("max", false)] {
                guard case .number(let bound)? = args[label] else { continue }
                checked += 1
                guard case .number(let x) = value else { throw StepError.argument("value", "\(label): needs a number") }
                if isMin ? !(x >= bound) : !(x <= bound) {
                    failures.append("\(name) = \(ValueDescription.fmt(x)) is \(isMin ? "below the minimum" : "above the maximum") \(Printer.number(bound))")
                }
            }
            if args["length"] != nil {
                checked += 1
                let n = try args.int("length")
                guard case .list(let items) = value else { throw StepError.argument("value", "length: needs a list") }
                if items.count != n { failures.append("\(name) has \(items.count) items, expected \(n)") }
            }
            if case .string(let expected)? = args["sha256"] {
                checked += 1
                guard case .image(let image) = value else { throw StepError.argument("value", "sha256: needs an image") }
                let actual = SHA256.hex(image.pixels)
                if expected.isEmpty || !actual.hasPrefix(expected.lowercased()) {
                    failures.append("\(name) has pixel sha256 \(actual), expected \(expected)")
                }
            }
            guard checked > 0 else {
                throw StepError.failed("assert needs a condition: equals:, near:, min:, max:, length: or sha256:")
            }
            if !failures.isEmpty {
                let message = (try? args.string("message")).map { "\($0): " } ?? ""
                throw StepError.failed("assertion failed: " + message + failures.joined(separator: "; "))
            }
            context.note("ok: assert \(name)")
            return .nothing
        }

    static let table = StepDefinition(
        "table",
        parameters: [
            StepParameter("rows", .list(.list(.any)), doc: "one list of cells per row"),
            StepParameter("columns", .list(.string), positional: false, default: .nothing,
                          doc: "column names (default: c1, c2, ...)"),
        ],
        result: .table,
        doc: "Builds a table (numbers shown with up to 4 decimals); save it as .csv or .md.",
        example: "t = table [[1, score1], [2, score2]] columns: [\"seed\", \"psnr\"]") { args, _ in
            let rows = try args.list("rows").map { row -> [String] in
                guard case .list(let cells) = row else { throw StepError.argument("rows", "each row must be a list") }
                return cells.map(cellText)
            }
            let width = rows.map(\.count).max() ?? 0
            var columns = (1...max(1, width)).map { "c\($0)" }
            if case .list(let names)? = args["columns"] {
                columns = names.map { if case .string(let s) = $0 { return s } else { return cellText($0) } }
            }
            guard rows.allSatisfy({ $0.count == columns.count }) else {
                throw StepError.argument("rows", "every row needs \(columns.count) cells (one per column)")
            }
            return .table(TableValue(columns: columns, rows: rows))
        }

    static func cellText(_ v: Value) -> String {
        switch v {
        case .number(let x): return ValueDescription.fmt(x)
        case .string(let s): return s
        default: return ValueDescription.summary(v)
        }
    }
}

/// Structural equality of values (images by pixels, tensors by bits).
enum Equality {
    static func equal(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.nothing, .nothing): return true
        case (.list(let x), .list(let y)): return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (.image(let x), .image(let y)): return x == y
        case (.tensor(let x), .tensor(let y)):
            return x.shape == y.shape && zip(x.data, y.data).allSatisfy { $0.bitPattern == $1.bitPattern }
        case (.table(let x), .table(let y)): return x == y
        case (.model(let x), .model(let y)): return x.sha256 == y.sha256
        case (.basis(let x), .basis(let y)): return x.sha256 == y.sha256
        default: return false
        }
    }
}

/// `show` text with an image preview written where the options say.
public enum Previews {
    public static func describe(_ value: Value, name: String, options: RunOptions) -> String {
        var previewPath: String?
        if case .image(let image) = value, let folder = options.previewDirectory {
            let safe = name.map { $0.isLetter || $0.isNumber || $0 == "-" ? String($0) : ($0 == "'" ? "p" : "_") }.joined()
            let path = Paths.join(folder, "\(safe.prefix(60)).png")
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            if (try? PNGFile.write(image, to: path)) != nil { previewPath = path }
        }
        return ValueDescription.summary(value, previewPath: previewPath)
    }
}
