// Images in and out: load image, save (PNG with provenance, or a table as CSV/Markdown), to image.
import Figures
import Formats
import Foundation
import TensorCore

enum ImageSteps {
    static let all: [StepDefinition] = [loadImage, save, resize, toImage]

    static let loadImage = StepDefinition(
        "load image",
        parameters: [StepParameter("path", .string, role: .inputFile, doc: "a PNG file, relative to the recipe")],
        result: .image,
        doc: "Reads a PNG as 8-bit RGB (alpha is dropped).",
        example: "a = load image \"images/red-circle.png\"") { args, context in
            let path = context.inputPath(try args.string("path"))
            return .image(try PNGFile.read(path: path).image)
        }

    static let save = StepDefinition(
        "save",
        parameters: [
            StepParameter("value", .either([.image, .table]), doc: "an image (PNG) or a table (.csv or .md)"),
            StepParameter("path", .string, role: .outputFile,
                          doc: "output file, relative to the output folder; `{i}` is replaced by the list index"),
        ],
        result: .nothing,
        doc: "Writes an image as PNG with provenance text chunks, or a table as CSV or Markdown. A list of values with one path numbers the files (x-0.png, x-1.png, ...).",
        example: "save b' \"out/quickstart.png\"") { args, context in
            let path = context.outputPath(numberedPath(try args.string("path"), context))
            try FileManager.default.createDirectory(atPath: Paths.directory(of: path), withIntermediateDirectories: true)
            switch args["value"] {
            case .image(let image)?:
                guard Paths.fileExtension(of: path) == "png" else {
                    throw StepError.argument("path", "an image is saved as .png, got '\(Paths.fileName(of: path))'")
                }
                let output = context.argumentNames["value"] ?? context.streamName
                let text = Provenance.textChunks(base: context.provenance, lineage: context.lineage, output: output)
                try PNGFile.write(image, to: path, text: text)
            case .table(let table)?:
                let text: String
                switch Paths.fileExtension(of: path) {
                case "csv": text = Table.csv(header: table.columns, rows: table.rows)
                case "md", "markdown": text = Table.markdown(header: table.columns, rows: table.rows)
                default: throw StepError.argument("path", "a table is saved as .csv or .md")
                }
                try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            default:
                throw StepError.argument("value", "expected an image or a table (use 'save tensor' for tensors)")
            }
            context.note("wrote \(path)")
            return .nothing
        }

    /// `{i}` becomes the broadcast index; a broadcast value with a fixed path gets `-i` before the extension.
    static func numberedPath(_ path: String, _ context: StepContext) -> String {
        if path.contains("{i}") { return path.replacingOccurrences(of: "{i}", with: String(context.broadcastIndex)) }
        guard context.mappedParameters.contains("value"), !context.mappedParameters.contains("path") else { return path }
        let ext = Paths.fileExtension(of: path)
        let stem = ext.isEmpty ? path : String(path.dropLast(ext.count + 1))
        return "\(stem)-\(context.broadcastIndex)" + (ext.isEmpty ? "" : ".\(ext)")
    }

    static let resize = StepDefinition(
        "resize",
        parameters: [
            StepParameter("image", .image, doc: "the image"),
            StepParameter("width", .integer, doc: "new width in pixels"),
            StepParameter("height", .integer, default: .number(0), doc: "new height (0: same as width)"),
            StepParameter("filter", .string, positional: false, default: .string("bicubic"),
                          choices: ResizeFilter.allCases.map(\.rawValue), doc: "resampling filter (Pillow-compatible)"),
        ],
        result: .image,
        doc: "Resamples an image with host-computed filter weights (bit-identical to Pillow).",
        example: "small = resize a 32 filter: \"lanczos\"") { args, _ in
            let image = try args.image("image")
            let width = try args.int("width")
            var height = try args.int("height")
            if height == 0 { height = width }
            guard (1...8192).contains(width) else { throw StepError.argument("width", "must be from 1 to 8192") }
            guard (1...8192).contains(height) else { throw StepError.argument("height", "must be from 1 to 8192") }
            guard image.width > 0, image.height > 0 else { throw StepError.argument("image", "the image is empty") }
            guard let filter = ResizeFilter(rawValue: try args.string("filter")) else {
                throw StepError.argument("filter", "unknown filter")
            }
            return .image(ImageResize.resize(image, width: width, height: height, filter: filter))
        }

    static let toImage = StepDefinition(
        "to image",
        parameters: [
            StepParameter("tensor", .tensor, doc: "shape [H, W], [3, H, W], [H, W, 3] or [1, 3, H, W]"),
            StepParameter("low", .number, positional: false, default: .number(-3), doc: "value drawn as black"),
            StepParameter("high", .number, positional: false, default: .number(3), doc: "value drawn as white"),
        ],
        result: .image,
        doc: "Renders a tensor as an image: (x - low) / (high - low), then the project's one float-to-u8 rule.",
        example: "picture = to image n low: -3 high: 3") { args, _ in
            let t = try args.tensor("tensor")
            let lo = Float(try args.number("low")), hi = Float(try args.number("high"))
            guard hi > lo else { throw StepError.argument("high", "must be greater than low") }
            return .image(try render(t, low: lo, high: hi))
        }

    static func render(_ t: Tensor, low: Float, high: Float) throws -> RGBImage {
        var s = t.shape
        if s.count == 4, s[0] == 1 { s.removeFirst() }
        let width: Int, height: Int
        let channelIndex: (Int, Int, Int) -> Int
        switch s.count {
        case 2: height = s[0]; width = s[1]; channelIndex = { y, x, _ in y * width + x }
        case 3 where s[0] == 3: height = s[1]; width = s[2]; channelIndex = { y, x, c in (c * height + y) * width + x }
        case 3 where s[2] == 3: height = s[0]; width = s[1]; channelIndex = { y, x, c in (y * width + x) * 3 + c }
        default: throw StepError.argument("tensor", "cannot draw a tensor of shape \(t.shape) as an image")
        }
        guard width > 0, height > 0, width * height <= 1 << 24 else {
            throw StepError.argument("tensor", "image size \(width)x\(height) is out of range")
        }
        let range = high - low
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<3 {
                    let v = t.data[channelIndex(y, x, c)]
                    let shifted = v - low
                    pixels[(y * width + x) * 3 + c] = PixelConversion.u8(shifted / range)
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}
