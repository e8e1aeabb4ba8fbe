// Figures for papers and sweeps: grid (labelled image grid), plot (coefficient bars or heatmap),
// metrics (PSNR, SSIM).
import Figures
import Formats
import Numerics
import Pipeline

enum FigureSteps {
    static let all: [StepDefinition] = [grid, plot, metrics]

    static func labels(_ value: Value?) -> [String] {
        guard case .list(let items)? = value else { return [] }
        return items.map(UtilitySteps.cellText)
    }

    static let grid = StepDefinition(
        "grid",
        parameters: [
            StepParameter("images", .either([.list(.list(.image)), .list(.image)]),
                          doc: "rows of images, or one list of images (split by per-row:)"),
            StepParameter("per-row", .integer, positional: false, default: .number(0),
                          doc: "with a flat list: images per row (0: all in one row)"),
            StepParameter("row-labels", .list(.any), positional: false, default: .nothing, doc: "a label left of each row"),
            StepParameter("column-labels", .list(.any), positional: false, default: .nothing, doc: "a label above each column"),
            StepParameter("title", .string, positional: false, default: .string(""), doc: "a title on top"),
            StepParameter("cell", .integer, positional: false, default: .number(0),
                          doc: "cell size in pixels (0: the largest image's size, images centred)"),
            StepParameter("padding", .integer, positional: false, default: .number(4), doc: "pixels between cells"),
            StepParameter("resize", .string, positional: false, default: .string("nearest"),
                          choices: CellResize.allCases.map(\.rawValue), doc: "how images are fitted to cell:"),
        ],
        result: .image,
        doc: "Lays images out as a labelled figure (white page, built-in font).",
        example: "fig = grid [[a, a', b, b']] column-labels: [\"a\", \"a'\", \"b\", \"b'\"] title: \"analogy\"") { args, _ in
            var rows: [[RGBImage]]
            let items = try args.list("images")
            if items.allSatisfy({ if case .image = $0 { return true } else { return false } }) {
                let flat = items.compactMap { v -> RGBImage? in if case .image(let i) = v { return i } else { return nil } }
                let perRow = try args.int("per-row")
                guard perRow >= 0 else { throw StepError.argument("per-row", "must be 0 or more") }
                rows = perRow == 0 ? [flat] : stride(from: 0, to: flat.count, by: perRow).map { Array(flat[$0..<min(flat.count, $0 + perRow)]) }
            } else {
                rows = try items.map { row in
                    guard case .list(let cells) = row else { throw StepError.argument("images", "expected rows (lists) of images") }
                    return try cells.map { cell in
                        guard case .image(let i) = cell else { throw StepError.argument("images", "a row holds a \(cell.kindName), not an image") }
                        return i
                    }
                }
            }
            let cell = try args.int("cell")
            let padding = try args.int("padding")
            guard (0...4096).contains(cell) else { throw StepError.argument("cell", "must be from 0 to 4096") }
            guard (0...256).contains(padding) else { throw StepError.argument("padding", "must be from 0 to 256") }
            let pixels = rows.flatMap { $0 }.map { $0.width * $0.height }.reduce(0, +)
            guard pixels <= 1 << 26 else { throw StepError.failed("the grid would be too large") }
            let title = try args.string("title")
            return .image(Figure.grid(rows: rows, rowLabels: labels(args["row-labels"]), columnLabels: labels(args["column-labels"]),
                                      title: title.isEmpty ? nil : title, cellSize: cell == 0 ? nil : cell, padding: padding,
                                      resize: CellResize(rawValue: try args.string("resize")) ?? .nearest))
        }

    static let plot = StepDefinition(
        "plot",
        parameters: [
            StepParameter("values", .either([.mix, .list(.number)]), doc: "a mix, or a list of numbers"),
            StepParameter("kind", .string, positional: false, default: .string("bars"), choices: ["bars", "heatmap"],
                          doc: "bars: one bar per LoRA (a mix: its layer, or the mean over layers); heatmap: layers x LoRAs"),
            StepParameter("layer", .integer, positional: false, default: .number(-1),
                          doc: "for a mix as bars: which layer (-1: the mean over all layers)"),
            StepParameter("title", .string, positional: false, default: .string(""), doc: "a title on top"),
        ],
        result: .image,
        doc: "Draws coefficients as a bar chart or heatmap PNG-ready image.",
        example: "bars = plot mix title: \"mean coefficients\"") { args, _ in
            let titleText = try args.string("title")
            let title = titleText.isEmpty ? nil : titleText
            let kind = try args.string("kind")
            switch args["values"] {
            case .list(let items)?:
                let values = items.compactMap { v -> Float? in if case .number(let x) = v { return Float(x) } else { return nil } }
                if kind == "heatmap" { return .image(Figure.heatmap(values: [values], title: title)) }
                return .image(Figure.barChart(values: values, labels: values.indices.map(String.init), title: title))
            case .mix(let mix)?:
                if kind == "heatmap" {
                    return .image(Figure.heatmap(values: mix.coefficients, rowLabels: mix.layers.indices.map(String.init),
                                                 columnLabels: (0..<mix.basis.size).map(String.init), title: title))
                }
                let layer = try args.int("layer")
                let values: [Float]
                if layer == -1 {
                    let n = Float(max(1, mix.coefficients.count))
                    values = (0..<mix.basis.size).map { j in CanonicalSum.sum(mix.coefficients.map { $0.indices.contains(j) ? $0[j] : 0 }) / n }
                } else {
                    guard mix.coefficients.indices.contains(layer) else {
                        throw StepError.argument("layer", "the mix has layers 0..\(mix.coefficients.count - 1)")
                    }
                    values = mix.coefficients[layer]
                }
                return .image(Figure.barChart(values: values, labels: values.indices.map(String.init), title: title))
            default:
                throw StepError.argument("values", "expected a mix or a list of numbers")
            }
        }

    static let metrics = StepDefinition(
        "metrics",
        parameters: [
            StepParameter("image", .image, doc: "the image to score"),
            StepParameter("reference", .image, doc: "the reference (same size)"),
            StepParameter("kind", .string, default: .string("psnr"), choices: ["psnr", "ssim"],
                          doc: "psnr (dB; identical images: inf) or ssim"),
        ],
        result: .number,
        doc: "Compares two images: PSNR in dB or SSIM. A list of kinds gives one number each.",
        example: "score = metrics b' truth [\"psnr\", \"ssim\"]") { args, context in
            let a = try args.image("image"), b = try args.image("reference")
            guard a.width == b.width, a.height == b.height else {
                let first = context.argumentNames["image"] ?? "the image", second = context.argumentNames["reference"] ?? "the reference"
                throw StepError.failed("\(first) is \(a.width)×\(a.height) but \(second) is \(b.width)×\(b.height): metrics compare "
                    + "images of one size. A sampled b' has the model's cell size, so make the analogy at that size "
                    + "(`analogy i size: \(a.width)`) or resize one of them (`resize IMAGE \(a.width) \(a.height)`)")
            }
            do {
                switch try args.string("kind") {
                case "ssim": return .number(try ImageMetrics.ssim(a, b))
                default: return .number(try ImageMetrics.psnr(a, b))
                }
            } catch let error as ImageMetricsError {
                throw StepError.failed(error.description)
            }
        }
}
