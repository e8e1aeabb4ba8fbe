// The analogy pipeline: grid → query → coefficients → blended LoRA → Kontext sampling → bottom-right crop.
// Reference: Docs/LORWEB.md §2-3 (query from the grid's cells, coefficients once per analogy, Euler sampling with
// the noise tokens first and the context tokens after them, output sliced to the noise tokens).
import Formats
import Models
import Numerics
import TensorCore

public enum AnalogyPipeline {
    /// The query embedding of (a, a', b): each is fitted to the model's cell (Pillow bicubic) as in the grid,
    /// then encoded by the image encoder and combined by the model's query mode.
    public static func encodePair(_ model: LoadedModel, a: RGBImage, aPrime: RGBImage, b: RGBImage) throws -> Query {
        let cells: [RGBImage]
        if model.kontext != nil {
            cells = AnalogyGrid.queryCrops(AnalogyGrid.build(a: a, aPrime: aPrime, b: b))
        } else {
            let cell = model.config.cell
            cells = [a, aPrime, b].map { AnalogyGrid.fit($0, cell: cell) }
        }
        let embedding = try model.imageEncoder().query(mode: model.queryMode, a: cells[0], aPrime: cells[1], b: cells[2],
                                                       backend: model.backend)
        model.stagedImageEncoder.release()  // flux-kontext: not resident during the steps (mini's is pinned)
        return Query(embedding: embedding, a: a, aPrime: aPrime, b: b)
    }

    /// Per-layer coefficients of the basis for this query (softmax over the basis, mean over heads).
    public static func blend(_ basis: LoadedBasis, query: Query) throws -> Mix {
        let coefficients = try basis.basis.coefficients(query: query.embedding.data, backend: basis.backend)
        let layers = basis.basis.layout.modules.map(\.path)
        return Mix(basis: basis, layers: layers, coefficients: try layers.map { layer in
            guard let c = coefficients[layer] else { throw PipelineError.invalid("basis gave no coefficients for \(layer)") }
            return c
        })
    }

    /// Samples b' for the analogy in `query` with the LoRA given by `mix` (nil: base model alone).
    public static func sample(_ model: LoadedModel, query: Query, mix: Mix?, options: SampleOptions) throws -> RGBImage {
        let grid = try sampleGrid(model, query: query, mix: mix, options: options)
        return AnalogyGrid.bottomRight(grid)
    }

    /// The whole sampled 2×2 grid (b' is its bottom-right cell).
    public static func sampleGrid(_ model: LoadedModel, query: Query, mix: Mix?, options: SampleOptions) throws -> RGBImage {
        guard SampleOptions.stepRange.contains(options.steps) else {
            throw PipelineError.argument("steps", "must be from \(SampleOptions.stepRange.lowerBound) to \(SampleOptions.stepRange.upperBound), got \(options.steps)")
        }
        let adapters = try mix.map { try $0.basis.basis.apply(Dictionary(uniqueKeysWithValues: zip($0.layers, $0.coefficients))) }
        if let kontext = model.kontext {
            return try KontextSampling.sampleGrid(model, kontext, query: query, adapters: adapters ?? .none, options: options)
        }
        guard model.config.family == "mini" else {
            throw PipelineError.invalid("model family '\(model.config.family)' from a lorweb_model.json folder samples in latent mode only "
                + "(AnalogyPipeline.denoise); images need the diffusers folder with its VAE (model_index.json)")
        }
        guard options.prompt == nil else {
            throw PipelineError.argument("prompt", "model family '\(model.config.family)' has no text encoders (it uses its stored null prompt)")
        }
        let codec = model.codec
        let grid = AnalogyGrid.build(a: query.a, aPrime: query.aPrime, b: query.b, cell: model.config.cell)
        let rows = grid.height / codec.stride, cols = grid.width / codec.stride
        let context = try codec.encode(grid)
        let noise = try initialNoise(options.noise, packing: codec.packing, height: grid.height, width: grid.width)
        let latents = try denoise(model, noise: noise, context: context, rows: rows, cols: cols,
                                  adapters: adapters ?? .none, options: options)
        return try codec.decode(latents, rows: rows, cols: cols)
    }

    /// The Euler loop in latent mode: noise tokens [N, C] (a rows×cols grid) and context tokens [Nc, C] (a
    /// contextGrid grid; by default the same as the noise grid) in, final tokens [N, C] out. `prompt` replaces the
    /// model's stored null prompt (prompt_embeds [1, T, J], pooled [1, P]); `observer` sees every block's output
    /// of every step (step index, block output), for bisecting a parity difference.
    public static func denoise(_ model: LoadedModel, noise: Tensor, context: Tensor, rows: Int, cols: Int,
                               contextGrid: (rows: Int, cols: Int)? = nil,
                               adapters: FluxAdapters, options: SampleOptions,
                               prompt: (embeds: Tensor, pooled: Tensor)? = nil,
                               observer: ((Int, FluxBlockOutput) -> Void)? = nil) throws -> Tensor {
        let be = model.backend
        let n = rows * cols, channels = model.transformerConfig.inChannels
        let (contextRows, contextCols) = contextGrid ?? (rows, cols)
        let nc = contextRows * contextCols
        guard noise.shape == [n, channels], context.shape == [nc, channels] else {
            throw PipelineError.invalid("noise \(noise.shape) and context \(context.shape) must be [\(n), \(channels)] and [\(nc), \(channels)]")
        }
        let imgIds = be.concat([positionIds(rows: rows, cols: cols, first: 0),
                                positionIds(rows: contextRows, cols: contextCols, first: 1)], axis: 0)
        guard let conditioning = prompt ?? model.nullPrompt.map({ ($0.embeds, $0.pooled) }) else {
            throw PipelineError.invalid("model '\(model.name)' has no stored prompt: give one")
        }
        let (promptEmbeds, pooled) = conditioning
        let txtIds = Tensor(zeros: [promptEmbeds.shape[1], 3])
        let transformer = try model.transformer()
        let rope = transformer.ropeTables(imgIds: imgIds, txtIds: txtIds, backend: be)  // same every step
        let schedule = try model.scheduler.schedule(steps: options.steps, imageSeqLen: n)
        let guidance: [Float]? = model.transformerConfig.guidanceEmbeds ? [options.guidance] : nil
        let contextTokens = context.reshaped([1, nc, channels])
        var latents = noise.reshaped([1, n, channels])
        for i in 0..<schedule.steps {
            let input = be.concat([latents, contextTokens], axis: 1)
            let velocity = try transformer.forward(
                hidden: input, encoderHidden: promptEmbeds, pooled: pooled,
                timestep: [schedule.timesteps[i] / 1000], guidance: guidance, imgIds: imgIds, txtIds: txtIds,
                outputTokens: n, adapters: adapters, rope: rope, observer: observer.map { see in { see(i, $0) } }, backend: be)
            latents = try schedule.step(latents, velocity: velocity, index: i, backend: be)
            if let progress = options.progress, !progress(i + 1, schedule.steps) { throw PipelineError.cancelled }
        }
        return latents.reshaped([n, channels])
    }

    /// Kontext position ids [rows·cols, 3]: (first, row, col), row-major.
    static func positionIds(rows: Int, cols: Int, first: Float) -> Tensor {
        var data = [Float]()
        data.reserveCapacity(rows * cols * 3)
        for r in 0..<rows {
            for q in 0..<cols { data += [first, Float(r), Float(q)] }
        }
        return Tensor(shape: [rows * cols, 3], data: data)
    }

    /// Noise tokens [N, C]: drawn in plane layout [C', H, W] (as FLUX draws latents unpacked), then packed.
    static func initialNoise(_ source: NoiseSource, packing: PatchPacking, height: Int, width: Int) throws -> Tensor {
        let count = packing.channels * height * width
        let planes: [Float]
        switch source {
        case .canonical(let seed, let stream):
            planes = CanonicalNoise.normals(seed: seed, stream: stream, count: count)
        case .torchCPU(let seed, let kernel):
            planes = try TorchNoise.randn(seed: seed, count: count, kernel: kernel)
        case .torchCUDA(let seed, let dtype, let threads):
            planes = try TorchNoise.randnCUDA(seed: seed, count: count, dtype: dtype, residentThreads: threads)
        case .tensor(let tensor):
            if tensor.shape == [count / packing.tokenChannels, packing.tokenChannels] { return tensor }
            guard tensor.count == count else {
                throw PipelineError.invalid("noise tensor \(tensor.shape) does not fit [\(packing.channels), \(height), \(width)] "
                    + "or [\(count / packing.tokenChannels), \(packing.tokenChannels)]")
            }
            planes = tensor.data
        }
        return packing.pack(Tensor(shape: [packing.channels, height, width], data: planes))
    }
}
