// The analogy pipeline's steps: load model, load basis, encode pair, blend, sample.
import Formats
import Pipeline

enum ModelSteps {
    static let all: [StepDefinition] = [loadModel, loadBasis, encodePair, blend, sample]

    static func weightsPath(_ reference: String, _ context: StepContext) -> String {
        StepLibrary.looksLikePath(reference) ? context.inputPath(reference) : reference
    }

    static let loadModel = StepDefinition(
        "load model",
        parameters: [StepParameter("name", .string, role: .weightsReference,
                                   doc: "a registry name (\"mini\") or a diffusers-layout folder")],
        result: .model,
        doc: "Loads a model bundle: transformer, image encoder and null-prompt embedding.",
        example: "model = load model \"mini\"") { args, context in
            .model(try LoadedModel.load(weightsPath(try args.string("name"), context), context: context.options.execution))
        }

    static let loadBasis = StepDefinition(
        "load basis",
        parameters: [
            StepParameter("name", .string, role: .weightsReference,
                          doc: "a registry name (\"mini\") or an official LoRWeB .safetensors checkpoint"),
            StepParameter("for", .model, doc: "the model the basis adapts"),
        ],
        result: .basis,
        doc: "Loads a basis of LoRAs for a model.",
        example: "basis = load basis \"mini\" model") { args, context in
            .basis(try LoadedBasis.load(weightsPath(try args.string("name"), context), for: try args.model("for")))
        }

    static let encodePair = StepDefinition(
        "encode pair",
        parameters: [
            StepParameter("model", .model, doc: "the model whose image encoder is used"),
            StepParameter("a", .image, doc: "the example before the edit"),
            StepParameter("a'", .image, doc: "the example after the edit"),
            StepParameter("b", .image, doc: "the image to edit"),
        ],
        result: .query,
        doc: "Encodes the analogy a : a' :: b : ? into a query embedding.",
        example: "q = encode pair model a a' b") { args, context in
            let model = try args.model("model")
            let cell = model.config.cell
            // The grid resizes every input to the model's cell; never silently (a 37×53 ellipse stretches).
            for parameter in ["a", "a'", "b"] {
                let image = try args.image(parameter)
                guard image.width != cell || image.height != cell else { continue }
                let what = context.argumentNames[parameter] ?? parameter
                let aspect = image.width == image.height ? "" : " (the aspect ratio changes)"
                context.note("warning: \(what) is \(image.width)×\(image.height); the model works on \(cell)×\(cell) cells, "
                             + "so it is resized to \(cell)×\(cell)\(aspect)")
            }
            return .query(try AnalogyPipeline.encodePair(model, a: try args.image("a"), aPrime: try args.image("a'"),
                                                         b: try args.image("b")))
        }

    static let blend = StepDefinition(
        "blend",
        parameters: [
            StepParameter("basis", .basis, doc: "the basis of LoRAs"),
            StepParameter("query", .query, doc: "the encoded analogy"),
        ],
        result: .mix,
        doc: "Per-layer mixing coefficients over the basis for a query: one LoRA for this analogy.",
        example: "mix = blend basis q") { args, _ in
            .mix(try AnalogyPipeline.blend(try args.basis("basis"), query: try args.query("query")))
        }

    static let sample = StepDefinition(
        "sample",
        parameters: [
            StepParameter("model", .model, doc: "the model"),
            StepParameter("query", .query, doc: "the analogy (its b is edited)"),
            StepParameter("mix", .mix, default: .nothing, doc: "the LoRA mix; omitted: the base model alone"),
            StepParameter("steps", .integer, positional: false, default: .number(20), doc: "sampling steps"),
            StepParameter("guidance", .number, positional: false, default: .number(2.5), doc: "guidance scale"),
            StepParameter("noise", .either([.string, .tensor]), positional: false, default: .string("canonical"),
                          doc: "\"canonical\" (Philox, stream from the binding name), \"torch-cpu\", or a tensor"),
            StepParameter("kernel", .string, positional: false, default: .string("avx2"), choices: ["avx2", "generic"],
                          doc: "torch-cpu noise: which PyTorch CPU kernel to match"),
            StepParameter("size", .either([.integer, .list(.integer)]), positional: false, default: .nothing,
                          doc: "b' comes at the model's cell size; N or [width, height] resizes it (Lanczos, Pillow-exact)"),
        ],
        result: .image,
        doc: "Samples b' for the analogy with the blended LoRA, at the model's cell size unless `size:` asks for another; reports progress and can be cancelled.",
        example: "b' = sample model q mix steps: 20 guidance: 2.5",
        usesRandomness: true, cacheable: true,
        provenanceSummary: { args, seed in
            let steps = (try? args.int("steps")).map(String.init) ?? "?"
            let guidance = (try? args.number("guidance")).map(Printer.number) ?? "?"
            var noise = "canonical"
            if case .string(let s)? = args["noise"] { noise = s } else if args["noise"] != nil { noise = "tensor" }
            return "Steps: \(steps), Sampler: Euler (flow matching), CFG scale: \(guidance), Noise: \(noise), Noise seed: \(seed)"
        }) { args, context in
            let model = try args.model("model"), query = try args.query("query")
            let mix = args["mix"] == nil ? nil : try args.mix("mix")
            var options = SampleOptions()
            options.steps = try args.int("steps")   // the pipeline checks the range (SampleOptions.stepRange)
            options.guidance = Float(try args.number("guidance"))
            switch args["noise"] {
            case .tensor(let t)?: options.noise = .tensor(t)
            case .string("torch-cpu")?: options.noise = .torchCPU(seed: context.seed, kernel: try args.string("kernel"))
            case .string("canonical")?, nil: options.noise = .canonical(seed: context.seed, stream: context.stream)
            case .string(let other)?: throw StepError.argument("noise", "must be \"canonical\", \"torch-cpu\" or a tensor, got \"\(other)\"")
            default: throw StepError.argument("noise", "must be a string or a tensor")
            }
            // The callback runs on the sampling thread; StepContext is only read there.
            nonisolated(unsafe) let ctx = context
            options.progress = { done, total in ctx.progress(done, of: total, step: "sample") }
            // 0 of N: the front end starts its clock (elapsed time, time left) when sampling starts.
            guard context.progress(0, of: options.steps, step: "sample") else { throw StepError.cancelled }
            let bPrime = try AnalogyPipeline.sample(model, query: query, mix: mix, options: options)
            guard let size = try requestedSize(args) else { return .image(bPrime) }
            return .image(size == (bPrime.width, bPrime.height)
                ? bPrime : ImageResize.resize(bPrime, width: size.0, height: size.1, filter: .lanczos))
        }

    /// `size: N` or `size: [width, height]`, each from 1 to 8192; nil when not given.
    static func requestedSize(_ args: StepArguments) throws -> (Int, Int)? {
        let sides: [Value]
        switch args["size"] {
        case nil: return nil
        case .list(let items)?: sides = items
        case let one?: sides = [one, one]
        }
        let ints = try sides.map { side -> Int in
            guard case .number(let x) = side, x == x.rounded(), x >= 1, x <= 8192 else {
                throw StepError.argument("size", "must be a whole number of pixels from 1 to 8192, or [width, height] of them")
            }
            return Int(x)
        }
        guard ints.count == 2 else { throw StepError.argument("size", "must be N or [width, height], got \(ints.count) numbers") }
        return (ints[0], ints[1])
    }
}
