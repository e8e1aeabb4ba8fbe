// The flux-kontext path of `sample`: LoRWeB's inference on diffusers' FluxKontextPipeline (Docs/LORWEB.md §3,
// Docs/FLUX.md §2.4):
//   grid [[a, a'], [b, b]] at a's size → output size from max_area → reference = grid at its own (or the
//   preferred) resolution, Lanczos → VAE encode → context tokens (ids first = 1) → noise [16, h, w] drawn unpacked,
//   packed → prompt (T5 sequence + CLIP pooled) → Euler loop → VAE decode → the whole grid (b' is its bottom-right).
// `prepare` and `finalLatents` are public so parity tests can compare each stage with diffusers.
import Formats
import Models
import TensorCore

public enum KontextSampling {
    /// Everything the Euler loop starts from.
    public struct Start: Sendable {
        public let grid: RGBImage
        /// The generated image's size (a multiple of the VAE's token).
        public let output: (width: Int, height: Int)
        /// The reference image's size after flooring (and auto-resize).
        public let reference: (width: Int, height: Int)
        /// Context tokens [Nc, C] (VAE latents of the reference, scaled, packed).
        public let context: Tensor
        /// Noise tokens [N, C].
        public let noise: Tensor
        public let prompt: PromptEmbedding
        let codec: VAECodec

        public var tokenGrid: (rows: Int, cols: Int) { (output.height / codec.stride, output.width / codec.stride) }
        public var contextGrid: (rows: Int, cols: Int) { (reference.height / codec.stride, reference.width / codec.stride) }
    }

    public static func prepare(_ model: LoadedModel, _ kontext: KontextComponents, query: Query,
                               options: SampleOptions) throws -> Start {
        let codec = VAECodec(vae: kontext.vae, backend: model.backend)
        let multiple = codec.stride
        let grid = AnalogyGrid.build(a: query.a, aPrime: query.aPrime, b: query.b)
        let maxArea = options.maxArea ?? KontextSizes.defaultMaxArea
        let output = KontextSizes.output(width: grid.width, height: grid.height, maxArea: maxArea, multiple: multiple)
        guard output.width >= multiple, output.height >= multiple else {
            throw PipelineError.argument("max-area", "\(maxArea) pixels give a \(output.width)×\(output.height) image for a "
                + "\(grid.width)×\(grid.height) grid: each side must reach \(multiple)")
        }
        let size = KontextSizes.reference(width: grid.width, height: grid.height, multiple: multiple, autoResize: options.autoResize)
        guard size.width >= multiple, size.height >= multiple else {
            throw PipelineError.invalid("the \(grid.width)×\(grid.height) grid is smaller than the VAE's \(multiple)-pixel token")
        }
        let reference = size.width == grid.width && size.height == grid.height
            ? grid : ImageResize.resize(grid, width: size.width, height: size.height, filter: .lanczos)
        let contextKey = StageKey.make("vae-encode", model: model.sha256, parts: ["\(reference.width)x\(reference.height)"],
                                       bytes: reference.pixels)
        let context: Tensor
        if let stored = options.stageCache?.tensors(for: contextKey), stored.count == 1 {
            context = stored[0]
        } else {
            context = try codec.encode(reference)
            ReturnFreedMemory.now()  // the encoder's activations (GB at 1024²) before the transformer loads
            options.stageCache?.store([context], for: contextKey)
        }
        let prompt = try encodePrompt(model, kontext, options: options)
        let noise = try AnalogyPipeline.initialNoise(options.noise, packing: codec.packing,
                                                     height: 2 * (output.height / multiple), width: 2 * (output.width / multiple))
        return Start(grid: grid, output: output, reference: size, context: context, noise: noise, prompt: prompt, codec: codec)
    }

    /// The prompt's T5 sequence and CLIP pooled vector (memoised, and kept in `options.stageCache`). One large part
    /// at a time: the transformer is dropped while the text encoders are in memory, and comes back at the first step.
    public static func encodePrompt(_ model: LoadedModel, _ kontext: KontextComponents, options: SampleOptions) throws -> PromptEmbedding {
        let prompt = try kontext.encodePrompt(options.prompt ?? "", backend: model.backend, cache: options.stageCache,
                                              modelKey: model.sha256, beforeLoading: { model.stagedTransformer.release() })
        if !prompt.truncatedBy.isEmpty {
            options.note?("warning: the prompt is longer than " + prompt.truncatedBy.joined(separator: " and ")
                + " allow: it was cut there, as FluxPipeline cuts it")
        }
        return prompt
    }

    /// The Euler loop from `start`: final tokens [N, C].
    public static func finalLatents(_ model: LoadedModel, _ start: Start, adapters: FluxAdapters,
                                    options: SampleOptions) throws -> Tensor {
        let grid = start.tokenGrid
        return try AnalogyPipeline.denoise(
            model, noise: start.noise, context: start.context, rows: grid.rows, cols: grid.cols,
            contextGrid: start.contextGrid, adapters: adapters, options: options,
            prompt: (start.prompt.embeds, start.prompt.pooled))
    }

    /// The decoded image of final tokens (the whole generated grid).
    public static func decode(_ latents: Tensor, _ start: Start) throws -> RGBImage {
        ReturnFreedMemory.now()  // the steps' activations, before the decoder's (GB at 1024²)
        let grid = start.tokenGrid
        return try start.codec.decode(latents, rows: grid.rows, cols: grid.cols)
    }

    static func sampleGrid(_ model: LoadedModel, _ kontext: KontextComponents, query: Query, adapters: FluxAdapters,
                           options: SampleOptions) throws -> RGBImage {
        let start = try prepare(model, kontext, query: query, options: options)
        let latents = try finalLatents(model, start, adapters: adapters, options: options)
        model.stagedTransformer.release()  // one large part at a time: the decoder's activations instead
        return try decode(latents, start)
    }
}
