// Lists: pick elements, transpose rows and columns, average numbers (evaluation tables over many analogies).

enum ListSteps {
    static let all: [StepDefinition] = [pick, transpose, mean]

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
