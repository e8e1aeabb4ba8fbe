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
        parameters: [
            StepParameter("name", .string, role: .weightsReference,
                          doc: "a registry name (\"mini\"), a model folder, or a diffusers FLUX.1-Kontext folder (model_index.json)"),
            StepParameter("image-encoder", .string, positional: false, default: .nothing, role: .weightsReference,
                          doc: "flux-kontext: LoRWeB's query encoder, a CLIPVisionModelWithProjection folder (clip-vit-large-patch14)"),
            StepParameter("query-mode", .string, positional: false, default: .nothing,
                          choices: LoadedModel.queryModeNames,
                          doc: "flux-kontext: how e(a), e(a'), e(b) form the query (default \"cat-aa'b\", the release)"),
        ],
        result: .model,
        doc: "Loads a model: `mini` (transformer, image encoder, stored null prompt) or FLUX.1-Kontext-dev "
            + "(transformer, VAE, CLIP-L and T5 text encoders, tokenizers) with a separate query encoder.",
        example: "model = load model \"mini\"") { args, context in
            let encoder = args["image-encoder"] == nil ? nil : weightsPath(try args.string("image-encoder"), context)
            let mode = args["query-mode"] == nil ? nil : try args.string("query-mode")
            let reference = try args.string("name")
            return .model(try LoadedModel.load(weightsPath(reference, context), imageEncoder: encoder,
                                               queryMode: mode, name: reference, context: context.options.execution))
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
            let reference = try args.string("name")
            return .basis(try LoadedBasis.load(weightsPath(reference, context), for: try args.model("for"), name: reference))
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
            // flux-kontext keeps a's size and resizes a' and b to it (LoRWeB's grid), which warnWhenResized says.
            for parameter in ["a", "a'", "b"] where model.kontext == nil {
                let image = try args.image(parameter)
                guard image.width != cell || image.height != cell else { continue }
                let what = context.argumentNames[parameter] ?? parameter
                let aspect = image.width == image.height ? "" : " (the aspect ratio changes)"
                context.note("warning: \(what) is \(image.width)×\(image.height); the model works on \(cell)×\(cell) cells, "
                             + "so it is resized to \(cell)×\(cell)\(aspect)")
            }
            if model.kontext != nil { try warnWhenResized(args, context) }
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
            StepParameter("steps", .integer, positional: false, default: .nothing,
                          doc: "sampling steps (default: the model's, 20 for mini, 28 for flux-kontext)"),
            StepParameter("guidance", .number, positional: false, default: .nothing,
                          doc: "guidance scale (default: the model's, 2.5)"),
            StepParameter("prompt", .string, positional: false, default: .nothing,
                          doc: "flux-kontext: the edit instruction, encoded by CLIP-L and T5 (default: empty); mini has no text encoders"),
            StepParameter("max-area", .integer, positional: false, default: .nothing,
                          doc: "flux-kontext: the generated grid's area in pixels (FluxKontextPipeline's max_area, default 1048576)"),
            StepParameter("auto-resize", .bool, positional: false, default: .bool(true),
                          doc: "flux-kontext: snap the reference grid to the nearest resolution Kontext was trained on"),
            StepParameter("noise", .either([.string, .tensor]), positional: false, default: .string("canonical"),
                          doc: "\"canonical\" (Philox, stream from the binding name), \"torch-cpu\", \"torch-cuda\", or a tensor"),
            StepParameter("kernel", .string, positional: false, default: .string("avx2"), choices: ["avx2", "generic"],
                          doc: "torch-cpu noise: which PyTorch CPU kernel to match"),
            NoiseSteps.cudaDtype, NoiseSteps.cudaThreads,
            StepParameter("size", .either([.integer, .list(.integer)]), positional: false, default: .nothing,
                          doc: "b' comes at the model's cell size; N or [width, height] resizes it (Lanczos, Pillow-exact)"),
        ],
        result: .image,
        doc: "Samples b' for the analogy with the blended LoRA, at the model's cell size (flux-kontext: the bottom-right quarter of a max-area grid) unless `size:` asks for another; reports progress and can be cancelled.",
        example: "b' = sample model q mix steps: 20 guidance: 2.5",
        usesRandomness: true, cacheable: true,
        provenanceSummary: { args, seed in
            let model = try? args.model("model")
            let steps = (args["steps"] == nil ? model?.config.defaultSteps : try? args.int("steps")).map(String.init) ?? "?"
            let guidance = (args["guidance"] == nil ? model.map { Double($0.config.defaultGuidance) } : try? args.number("guidance"))
                .map(Printer.number) ?? "?"
            var noise = "canonical"
            if case .string(let s)? = args["noise"] { noise = s } else if args["noise"] != nil { noise = "tensor" }
            var summary = "Steps: \(steps), Sampler: Euler (flow matching), CFG scale: \(guidance), Noise: \(noise), Noise seed: \(seed)"
            if let prompt = try? args.string("prompt") { summary += ", Prompt: \(Printer.string(prompt))" }
            return summary
        }) { args, context in
            let model = try args.model("model"), query = try args.query("query")
            let mix = args["mix"] == nil ? nil : try args.mix("mix")
            var options = SampleOptions()
            // The pipeline checks the range (SampleOptions.stepRange).
            options.steps = args["steps"] == nil ? model.config.defaultSteps : try args.int("steps")
            options.guidance = args["guidance"] == nil ? model.config.defaultGuidance : Float(try args.number("guidance"))
            options.prompt = args["prompt"] == nil ? nil : try args.string("prompt")
            options.maxArea = args["max-area"] == nil ? nil : try args.int("max-area")
            options.autoResize = try args.bool("auto-resize")
            switch args["noise"] {
            case .tensor(let t)?: options.noise = .tensor(t)
            case .string("torch-cpu")?: options.noise = .torchCPU(seed: context.seed, kernel: try args.string("kernel"))
            case .string("torch-cuda")?:
                options.noise = .torchCUDA(seed: context.seed, dtype: try args.string("dtype"),
                                           residentThreads: args["cuda-threads"] == nil ? nil : try args.int("cuda-threads"))
            case .string("canonical")?, nil: options.noise = .canonical(seed: context.seed, stream: context.stream)
            case .string(let other)?: throw StepError.argument("noise", "must be \"canonical\", \"torch-cpu\", \"torch-cuda\" or a tensor, got \"\(other)\"")
            default: throw StepError.argument("noise", "must be a string or a tensor")
            }
            // The callback runs on the sampling thread; StepContext is only read there.
            nonisolated(unsafe) let ctx = context
            options.progress = { done, total in ctx.progress(done, of: total, step: "sample") }
            options.note = { ctx.note($0) }
            options.stageCache = context.options.cache     // prompt embeddings and reference latents, by content
            // 0 of N: the front end starts its clock (elapsed time, time left) when sampling starts.
            guard context.progress(0, of: options.steps, step: "sample") else { throw StepError.cancelled }
            let bPrime = try AnalogyPipeline.sample(model, query: query, mix: mix, options: options)
            guard let size = try requestedSize(args) else { return .image(bPrime) }
            return .image(size == (bPrime.width, bPrime.height)
                ? bPrime : ImageResize.resize(bPrime, width: size.0, height: size.1, filter: .lanczos))
        }

    /// flux-kontext's grid keeps a's size: a' or b of another size is resized to it (Pillow bicubic), never silently.
    static func warnWhenResized(_ args: StepArguments, _ context: StepContext) throws {
        let a = try args.image("a")
        if a.width != a.height {
            context.note("warning: a is \(a.width)×\(a.height); LoRWeB's query crops the grid with square cells of side "
                         + "width / 2 (as the reference does), so the query sees other pixels than the cells")
        }
        for parameter in ["a'", "b"] {
            let image = try args.image(parameter)
            guard image.width != a.width || image.height != a.height else { continue }
            let what = context.argumentNames[parameter] ?? parameter
            context.note("warning: \(what) is \(image.width)×\(image.height); the grid keeps a's \(a.width)×\(a.height), "
                         + "so it is resized to that")
        }
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
