// Lists: pick elements, transpose rows and columns, average numbers (evaluation tables over many analogies),
// and the two pieces of a cross product (`length`, `repeat`), so params can change the shape of a sweep.

enum ListSteps {
    static let all: [StepDefinition] = [pick, transpose, mean, length, repeatValue]

    static let length = StepDefinition(
        "length",
        parameters: [StepParameter("list", .list(.any), doc: "any list")],
        result: .integer,
        doc: "The number of elements of a list.",
        example: "rows = length strengths") { args, _ in
            .number(Double(try args.list("list").count))
        }

    static let repeatValue: StepDefinition = {
        var step = StepDefinition(
        "repeat",
        parameters: [
            StepParameter("value", .any, doc: "any value; a list is repeated whole"),
            StepParameter("count", .integer, doc: "how many copies, from 0 to 100000"),
        ],
        result: .list(.any),
        doc: "A list of `count` copies of a value: one row per element for a cross product, e.g. the same seeds for every strength.",
        example: "seed-rows = repeat seeds 3") { args, _ in
            let count = try args.int("count")
            guard (0...Ranges.maxCount).contains(count) else {
                throw StepError.argument("count", "must be from 0 to \(Ranges.maxCount), got \(count)")
            }
            guard let value = args["value"] else { throw StepError.argument("value", "expected a value") }
            return .list(Array(repeating: value, count: count))
        }
        step.refineResult = { types in .list(types["value"] ?? .any) }
        return step
    }()

    static let pick: StepDefinition = {
        var step = StepDefinition(
        "pick",
        parameters: [
            StepParameter("list", .list(.any), doc: "any list"),
            StepParameter("index", .integer, doc: "0-based position; negative counts from the end; a list picks several"),
        ],
        result: .any,
        doc: "One element of a list, e.g. the a of an analogy [a, a', b, b'].",
        example: "b = pick quad 2") { args, _ in
            try pickElement(args)
        }
        // The checker knows what is picked: `pick quads 0` is a list of images, not "any value".
        step.refineResult = { types in
            if case .list(let element)? = types["list"] { return element }
            return nil
        }
        return step
    }()

    static func pickElement(_ args: StepArguments) throws -> Value {
        let items = try args.list("list")
        var i = try args.int("index")
        if i < 0 { i += items.count }
        guard items.indices.contains(i) else {
            throw StepError.argument("index", "\(try args.int("index")) is outside the list of \(items.count) items")
        }
        return items[i]
    }

    static let transpose: StepDefinition = {
        var step = StepDefinition(
        "transpose",
        parameters: [StepParameter("rows", .list(.list(.any)), doc: "a list of equally long lists")],
        result: .list(.list(.any)),
        doc: "Swaps rows and columns: many analogies [[a, a', b, b'], ...] become [all a, all a', all b, all b'], and back.",
        example: "parts = transpose quads") { args, _ in
            let rows = try args.list("rows").map { row -> [Value] in
                guard case .list(let cells) = row else { throw StepError.argument("rows", "each row must be a list") }
                return cells
            }
            guard let width = rows.first?.count else { return .list([]) }
            if let bad = rows.firstIndex(where: { $0.count != width }) {
                throw StepError.argument("rows", "row \(bad) has \(rows[bad].count) items, row 0 has \(width)")
            }
            return .list((0..<width).map { column in .list(rows.map { $0[column] }) })
        }
        step.refineResult = { types in types["rows"] }
        return step
    }()

    static let mean = StepDefinition(
        "mean",
        parameters: [StepParameter("values", .list(.number), doc: "numbers (a list of lists gives one mean each)")],
        result: .number,
        doc: "The arithmetic mean, summed in list order in double precision (an infinite PSNR makes it infinite).",
        example: "psnr = mean scores") { args, _ in
            let values = try args.list("values").map { v -> Double in
                guard case .number(let x) = v else { throw StepError.argument("values", "expected numbers, got \(v.kindName)") }
                return x
            }
            guard !values.isEmpty else { throw StepError.argument("values", "the mean of an empty list is undefined") }
            return .number(values.reduce(0, +) / Double(values.count))
        }
}
